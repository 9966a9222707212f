"""BHI-EXCL-001: 99484 and CoCM in one patient-month: error (same practitioner), else warning."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import bhi_with_cocm_same_month as check

ID = check.ID

# No unverifiable case: the check needs only claims and claim lines, which every input has.
CASES = [
    ("pass_cocm_only.json", set()),
    ("pass_99484_only.json", set()),
    ("pass_different_months.json", set()),
    ("pass_different_patients.json", set()),
    ("fail_same_practitioner_99493.json", {("C1", 1, ID, "same-practitioner")}),
    ("fail_same_claim_99492_99494.json", {("C1", 3, ID, "same-practitioner")}),
    ("fail_same_practitioner_g2214.json", {("C1", 1, ID, "same-practitioner")}),
    ("fail_different_practitioners.json", {("C1", 1, ID, "different-practitioner")}),
    # CoCM by the same practitioner and by another: the same-practitioner error wins
    ("fail_cocm_by_same_and_other_practitioner.json", {("C1", 1, ID, "same-practitioner")}),
    ("pass_one_model_per_month.json", set()),
    # G0570 counts as general BHI, G0568/G0569 as CoCM (APCM add-ons, rulebook §1.9)
    (
        "fail_bhi_with_cocm.json",
        {
            ("C1", 1, ID, "same-practitioner"),
            ("C2", 1, ID, "different-practitioner"),
            ("C4", 2, ID, "same-practitioner"),
            ("C5", 2, ID, "different-practitioner"),
        },
    ),
    # 99484 on 31 March, 99493 on 1 April: different months
    ("pass_month_edge.json", set()),
    # 99492 on 1 March, 99484 on 31 March: one month
    ("fail_same_practitioner_first_and_last_day.json", {("C1", 1, ID, "same-practitioner")}),
    # 99494 alone is a CoCM code too
    ("fail_addon_only_same_practitioner.json", {("C1", 1, ID, "same-practitioner")}),
    # G0323 beside CoCM is BHI-EXCL-010's warning, not this check's
    ("pass_g0323_with_cocm.json", set()),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_bhi_with_cocm_same_month(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("fixture", "severity", "message"),
    [
        (
            "fail_same_practitioner_99493.json",
            "error",
            "99484 billed with CoCM (99493) in 2026-03 by the same practitioner",
        ),
        (
            "fail_same_claim_99492_99494.json",
            "error",
            "99484 billed with CoCM (99492/99494) in 2026-03 by the same practitioner",
        ),
        (
            "fail_different_practitioners.json",
            "warning",
            "99484 billed with CoCM (99493) in 2026-03; CoCM billed by another practitioner (S5)",
        ),
    ],
    ids=["same-practitioner", "same-claim", "different-practitioners"],
)
def test_severity_and_message(fixture, severity, message):
    (finding,) = audit_fixture(check, fixture).findings
    assert finding.severity == severity
    assert finding.message == message
