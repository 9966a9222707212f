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
)
