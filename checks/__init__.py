"""Built-in checks. ``BUILTIN`` is the registry: one module name per check, in run order.

Add a check by writing its module here and listing it below (see CONTRIBUTING.md). Nothing is
discovered by globbing; ``bhi_audit.registry`` imports exactly these.
"""

BUILTIN: tuple[str, ...] = (
    "record_references",
    "consent_before_billing",
    "consent_per_concurrent_program",
    "time_general_bhi_minimum",
    "time_cocm_base_minimum",
    "time_cocm_addon_units",
    "minutes_counted_twice",
    "bhi_with_cocm_same_month",
    "cocm_caseload_review",
    # rulebook checks: codes, diagnosis, exclusivity, practitioner, place of service
    "code_valid_for_date",
    "rhc_fqhc_code_set",
    "diagnosis_pointed_behavioral",
    "diagnosis_outside_chapter5",
    "g2214_with_cocm_base",
    "cocm_initial_month_rules",
    "cocm_addon_without_base",
    "monthly_code_duplicate",
    "apcm_bundled_services",
    "apcm_addon_without_base",
    "apcm_addon_with_mirror",
    "standalone_bhi_with_apcm",
    "g0323_with_other_bhi",
    "concurrent_care_management_evidence",
    "billing_practitioner_type",
    "incident_to_same_group",
    "telehealth_place_of_service",
    "dmht_requirements",
    # rulebook checks: time, documentation, consent, initiating visit, CoCM team,
    # general BHI, payment
    "time_g2214_range",
    "time_under_billing",
    "time_countable_minutes",
    "time_dos_after_threshold",
    "time_log_documentation",
    "consent_required_elements",
    "consent_best_practice",
    "initiating_visit",
    "initiating_visit_quality",
    "cocm_psychiatric_consultant",
    "cocm_registry_tracking",
    "cocm_care_manager",
    "cocm_initial_month_elements",
    "cocm_outcome_monitoring",
    "general_bhi_care_plan",
    "general_bhi_designated_member",
    "payment_expected",
    "payment_episode_start",
    "cost_sharing",
    # NCCI: the real MUE when a pack is imported, else fallback unit limits (§4.13, D12)
    "units_over_mue_fallback",
    # NCCI PTP pairs on one date of service, from an imported PTP pack (§4.11)
    "ncci_ptp_pairs",
    # NCCI add-on code edits, from an imported AOC pack (§4.12)
    "ncci_addon_without_primary",
)
