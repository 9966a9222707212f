"""The nine first built-in checks keep their identity, and each has its fixtures and tests."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from checkcases import FIXTURES

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
    "time_cocm_base_minimum": (
        "BHI-TIME-002",
        "cocm-base-minimum-minutes",
        "patient_month",
        "error",
        {"g0512-first-month": "warning"},  # rulebook §8 D15 (revision 2026-12-02)
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
    "cocm_caseload_review": (
        "BHI-COCM-003",
        "cocm-caseload-review",
        "patient_month",
        "warning",
        # rulebook §3.8a / D14 (revision 2026-12-02) added no-review-held and plan-review-only
        {
            "never-reviewed": "error",
            "no-review-held": "error",
            "plan-review-only": "warning",
            "not-reviewed-in-window": "warning",
        },
    ),
}


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


@pytest.mark.parametrize("name", sorted(IDENTITY))
def test_has_pass_and_fail_fixtures_and_a_test_module(name):
    names = [p.name for p in (FIXTURES / name).glob("*.json")]
    assert any(n.startswith("pass_") for n in names)
    assert any(n.startswith("fail_") for n in names)
    assert all(n.startswith(("pass_", "fail_")) for n in names)
    assert (HERE / f"test_{name}.py").is_file()
