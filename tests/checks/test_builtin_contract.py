"""Every registered built-in check keeps its identity, and each has its fixtures and tests.

Why every check, not only the first nine: an id, name, scope or default severity that changes
silently breaks waivers, baselines and CI annotations (STYLE §3); a new check must be added
here deliberately, with its identity, and ``test_every_registered_check_is_listed`` says so.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from checkcases import FIXTURES

import checks

HERE = Path(__file__).parent

# module: (ID, NAME, SCOPE, DEFAULT_SEVERITY, SEVERITIES)
IDENTITY = {
    "record_references": (
        "BHI-DATA-001",
        "unresolved-reference",
        "batch",
        "error",
        {"claim": "error", "documentation": "warning"},
    ),
    "consent_before_billing": (
        "BHI-CONS-001",
        "consent-before-billing",
        "patient_month",
        "error",
        {},
    ),
    "consent_per_concurrent_program": (
        "BHI-CONS-004",
        "consent-per-concurrent-program",
        "patient_month",
        "error",
        {},
    ),
    "time_general_bhi_minimum": (
        "BHI-TIME-001",
        "general-bhi-minimum-minutes",
        "patient_month",
        "error",
        {},
    ),
    # rulebook §8 D15 (revision 2026-12-02) added g0512-first-month
    "time_cocm_base_minimum": (
        "BHI-TIME-002",
        "cocm-base-minimum-minutes",
        "patient_month",
        "error",
        {"g0512-first-month": "warning"},
    ),
    "time_cocm_addon_units": (
        "BHI-TIME-003",
        "cocm-addon-units-supported",
        "patient_month",
        "error",
        {},
    ),
    "minutes_counted_twice": (
        "BHI-TIME-007",
        "minutes-counted-twice",
        "patient_month",
        "error",
        {"probable-duplicate": "warning"},
    ),
    "bhi_with_cocm_same_month": (
        "BHI-EXCL-001",
        "bhi-with-cocm-same-month",
        "patient_month",
        "error",
        {"same-practitioner": "error", "different-practitioner": "warning"},
    ),
    # rulebook §3.8a / D14 (revision 2026-12-02) added no-review-held and plan-review-only
    "cocm_caseload_review": (
        "BHI-COCM-003",
        "cocm-caseload-review",
        "patient_month",
        "warning",
        {
            "never-reviewed": "error",
            "no-review-held": "error",
            "plan-review-only": "warning",
            "not-reviewed-in-window": "warning",
        },
    ),
    "code_valid_for_date": (
        "BHI-CODE-001",
        "code-valid-for-date",
        "line",
        "error",
        {
            "retired": "error",
            "not-yet-effective": "error",
            "practitioner-not-yet-eligible": "error",
        },
    ),
    "rhc_fqhc_code_set": (
        "BHI-CODE-002",
        "rhc-fqhc-code-set",
        "line",
        "error",
        {
            "rhc-code-off-rhc-claim": "error",
            "rhc-code-retired": "error",
            "transition-window": "warning",
            "individual-code-too-early": "error",
            "revenue-code": "error",
        },
    ),
    "diagnosis_pointed_behavioral": (
        "BHI-DX-001",
        "diagnosis-pointed-behavioral",
        "line",
        "error",
        {},
    ),
    "diagnosis_outside_chapter5": (
        "BHI-DX-002",
        "diagnosis-outside-chapter5",
        "line",
        "warning",
        {},
    ),
    "g2214_with_cocm_base": ("BHI-EXCL-002", "g2214-with-cocm-base", "patient_month", "error", {}),
    "cocm_initial_month_rules": (
        "BHI-EXCL-003",
        "cocm-initial-month-rules",
        "patient_month",
        "error",
        {"initial-and-subsequent": "error", "not-episode-start": "error"},
    ),
    "cocm_addon_without_base": (
        "BHI-EXCL-004",
        "cocm-addon-without-base",
        "patient_month",
        "error",
        {"not-same-date": "warning"},
    ),
    "monthly_code_duplicate": (
        "BHI-EXCL-005",
        "monthly-code-duplicate",
        "patient_month",
        "error",
        {"same-practitioner": "error", "different-practitioner": "warning"},
    ),
    "apcm_bundled_services": (
        "BHI-EXCL-006",
        "apcm-bundled-services",
        "patient_month",
        "error",
        {},
    ),
    "apcm_addon_without_base": (
        "BHI-EXCL-007",
        "apcm-addon-without-base",
        "patient_month",
        "error",
        {},
    ),
    "apcm_addon_with_mirror": (
        "BHI-EXCL-008",
        "apcm-addon-with-mirror",
        "patient_month",
        "error",
        {},
    ),
    "standalone_bhi_with_apcm": (
        "BHI-EXCL-009",
        "standalone-bhi-with-apcm",
        "patient_month",
        "warning",
        {},
    ),
    "g0323_with_other_bhi": (
        "BHI-EXCL-010",
        "g0323-with-other-bhi",
        "patient_month",
        "warning",
        {},
    ),
    "concurrent_care_management_evidence": (
        "BHI-EXCL-011",
        "concurrent-care-management-evidence",
        "patient_month",
        "warning",
        {},
    ),
    "billing_practitioner_type": (
        "BHI-PRAC-001",
        "billing-practitioner-type",
        "line",
        "error",
        {
            "type-not-allowed": "error",
            "care-team-role": "error",
            "not-billing-practitioner": "error",
        },
    ),
    "incident_to_same_group": (
        "BHI-PRAC-002",
        "incident-to-same-group",
        "patient_month",
        "warning",
        {},
    ),
    "telehealth_place_of_service": (
        "BHI-POS-001",
        "telehealth-place-of-service",
        "line",
        "warning",
        {"care-management": "warning", "dmht": "error"},
    ),
    "dmht_requirements": (
        "BHI-DMHT-001",
        "dmht-requirements",
        "patient_month",
        "error",
        {"no-care-plan": "error", "minutes": "error"},
    ),
    "time_g2214_range": (
        "BHI-TIME-004",
        "g2214-minutes-in-range",
        "patient_month",
        "error",
        {"below-floor": "error", "below-30": "warning"},
    ),
    "time_under_billing": ("BHI-TIME-005", "cocm-under-billing", "patient_month", "info", {}),
    "time_countable_minutes": (
        "BHI-TIME-006",
        "countable-minutes",
        "patient",
        "warning",
        {
            "dropped-below-threshold": "warning",
            "out-of-month": "warning",
            "incomplete-entry": "warning",
        },
    ),
    "time_dos_after_threshold": (
        "BHI-TIME-008",
        "date-of-service-after-threshold",
        "patient_month",
        "error",
        {},
    ),
    "time_log_documentation": ("BHI-DOC-001", "time-log-documentation", "patient", "warning", {}),
    "consent_required_elements": (
        "BHI-CONS-002",
        "consent-required-elements",
        "patient_month",
        "error",
        {"missing-elements": "error", "other-practitioner": "warning"},
    ),
    "consent_best_practice": (
        "BHI-CONS-003",
        "consent-best-practice-elements",
        "patient",
        "info",
        {},
    ),
    "initiating_visit": ("BHI-INIT-001", "initiating-visit", "patient", "error", {}),
    "initiating_visit_quality": (
        "BHI-INIT-002",
        "initiating-visit-quality",
        "patient",
        "warning",
        {
            "level-1": "warning",
            "not-qualifying": "warning",
            "other-practitioner": "warning",
            "tcm-only": "warning",
        },
    ),
    "cocm_psychiatric_consultant": (
        "BHI-COCM-001",
        "cocm-psychiatric-consultant",
        "patient_month",
        "error",
        {
            "no-consultant": "error",
            "not-qualified": "error",
            "qualification-undocumented": "warning",
        },
    ),
    "cocm_registry_tracking": (
        "BHI-COCM-002",
        "cocm-registry-tracking",
        "patient_month",
        "error",
        {"not-enrolled": "error", "no-tracking": "error"},
    ),
    "cocm_care_manager": (
        "BHI-COCM-004",
        "cocm-care-manager-qualified",
        "patient_month",
        "error",
        {
            "no-care-manager": "error",
            "not-trained": "error",
            "not-designated": "warning",
            "training-undocumented": "warning",
        },
    ),
    "cocm_initial_month_elements": (
        "BHI-COCM-005",
        "cocm-initial-month-elements",
        "patient_month",
        "error",
        {"no-rating-scale": "error", "no-treatment-plan": "error", "no-consultant-review": "error"},
    ),
    "cocm_outcome_monitoring": (
        "BHI-COCM-006",
        "cocm-outcome-monitoring",
        "patient_month",
        "warning",
        {},
    ),
    "general_bhi_care_plan": (
        "BHI-GEN-001",
        "general-bhi-care-plan",
        "patient_month",
        "warning",
        {"no-care-plan": "warning", "not-revised": "warning"},
    ),
    "general_bhi_designated_member": (
        "BHI-GEN-002",
        "general-bhi-designated-member",
        "patient_month",
        "warning",
        {},
    ),
    "payment_expected": ("BHI-PAY-001", "expected-payment", "line", "info", {}),
    "payment_episode_start": (
        "BHI-PAY-002",
        "unbilled-month-opportunity",
        "patient_month",
        "info",
        {},
    ),
    "cost_sharing": (
        "BHI-COST-001",
        "cost-sharing-expected",
        "patient",
        "info",
        {"coinsurance-expected": "info", "qmb": "info", "g0558-not-qmb": "info"},
    ),
    "units_over_mue_fallback": (
        "BHI-NCCI-002",
        "units-over-mue-fallback",
        "patient_month",
        "warning",
        {"mue": "error"},
    ),
    "ncci_ptp_pairs": ("BHI-NCCI-001", "ncci-ptp-pair-same-date", "patient_month", "error", {}),
    "ncci_addon_without_primary": (
        "BHI-NCCI-003",
        "ncci-addon-without-primary",
        "patient_month",
        "error",
        {"type-3": "warning"},
    ),
}

#: Checks judged on imported NCCI packs: their tests build the pack and the claims in code.
WITHOUT_FIXTURES = {
    "ncci_ptp_pairs": "its test module imports a PTP pack per case",
    "ncci_addon_without_primary": "its test module imports an AOC pack per case",
}
FIXTURE_PREFIXES = ("pass_", "fail_", "warn_", "unverifiable_")


def test_every_registered_check_is_listed():
    assert sorted(IDENTITY) == sorted(checks.BUILTIN)


@pytest.mark.parametrize("name", sorted(IDENTITY))
def test_identity_is_stable(name):
    module = importlib.import_module(f"checks.{name}")
    assert (
        module.ID,
        module.NAME,
        module.SCOPE,
        module.DEFAULT_SEVERITY,
        getattr(module, "SEVERITIES", {}),
    ) == IDENTITY[name]


@pytest.mark.parametrize("name", sorted(set(IDENTITY) - set(WITHOUT_FIXTURES)))
def test_has_pass_and_fail_fixtures_and_a_test_module(name):
    names = [p.name for p in (FIXTURES / name).glob("*.json")]
    assert any(n.startswith("pass_") for n in names)
    assert any(n.startswith(("fail_", "warn_")) for n in names)
    assert all(n.startswith(FIXTURE_PREFIXES) for n in names)
    assert (HERE / f"test_{name}.py").is_file()


@pytest.mark.parametrize("name", sorted(WITHOUT_FIXTURES))
def test_pack_driven_checks_have_a_test_module(name):
    assert (HERE / f"test_{name}.py").is_file()
