"""BHI-TIME-007: no minute counts toward BHI/CoCM and another billed care-management service."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import minutes_counted_twice as check

ID = check.ID
# Findings point at the BHI/CoCM line whose minutes are inflated (the claim that is recouped).
FAIL = {("C1", 1, ID, "violation")}

CASES = [
    ("pass_separate_clock_times.json", set()),
    ("pass_adjacent_clock_times.json", set()),
    ("pass_overlap_by_different_staff.json", set()),
    ("pass_overlap_on_different_days.json", set()),
    ("pass_two_program_entry_but_ccm_not_billed.json", set()),
    ("pass_same_minutes_different_description.json", set()),
    ("fail_entry_logged_to_bhi_and_ccm.json", FAIL),
    ("fail_overlapping_clock_times.json", FAIL),
    ("fail_cocm_overlapping_ccm.json", FAIL),
    ("fail_probable_duplicate.json", {("C1", 1, ID, "probable-duplicate")}),
    ("fail_unverifiable_no_time_log.json", {("C1", 1, ID, "unverifiable")}),
    # BHI 10:00-10:20 and RPM 10:10-10:30 by one nurse, RPM 99457 billed
    ("fail_overlap_with_rpm.json", FAIL),
    # the same overlap, but CCM is not billed this month: no minute is claimed twice
    ("pass_overlap_but_ccm_not_billed.json", set()),
    # CCM time linked to its billed 99490, BHI time separate
    ("pass_bhi_entry_linked_to_billed_ccm.json", set()),
    # CoCM 40 min and CCM 20 min on one day without clock times: nothing shows an overlap
    ("pass_cocm_and_ccm_separate_minutes.json", set()),
    # the shared minutes are claimed twice, but 99484 has 25 countable min without them
    ("fail_entry_logged_to_bhi_and_ccm_bhi_still_supported.json", FAIL),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_minutes_counted_twice(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("fixture", "severity", "text", "evidence"),
    [
        (
            "fail_entry_logged_to_bhi_and_ccm.json",
            "error",
            "time entry T1: 20 min counted toward BHI+CCM",
            {"T1", "C1#1"},
        ),
        (
            "fail_overlapping_clock_times.json",
            "error",
            "time entries T1 and T2 (BHI and CCM) by S2 overlap by 15 min on 2026-03-05",
            {"T1", "T2", "C1#1"},
        ),
        (
            "fail_cocm_overlapping_ccm.json",
            "error",
            "time entries T1 and T2 (COCM and CCM) by S3 overlap by 10 min on 2026-03-05",
            {"T1", "T2", "C1#1"},
        ),
        (
            "fail_probable_duplicate.json",
            "warning",
            "same 20 min and description, probably the same minutes logged twice",
            {"T1", "T2", "C1#1"},
        ),
    ],
    ids=["two-program-entry", "bhi-ccm-overlap", "cocm-ccm-overlap", "probable-duplicate"],
)
def test_message_severity_and_evidence(fixture, severity, text, evidence):
    (finding,) = audit_fixture(check, fixture).findings
    assert finding.severity == severity
    assert text in finding.message
    assert {e.id for e in finding.evidence} == evidence


# 2026 non-facility 99484 is $57.45, 99493 $144.96 (rulebook §6.2).
AT_RISK = [
    ("fail_entry_logged_to_bhi_and_ccm.json", "57.45"),
    ("fail_cocm_overlapping_ccm.json", "144.96"),
    # the line stays supported without the shared minutes: nothing of it is at risk
    ("fail_entry_logged_to_bhi_and_ccm_bhi_still_supported.json", None),
]


@pytest.mark.parametrize(("fixture", "at_risk"), AT_RISK, ids=[c[0] for c in AT_RISK])
def test_at_risk_only_when_the_line_falls_short(fixture, at_risk):
    (finding,) = audit_fixture(check, fixture).findings
    assert finding.severity.value == "error"
    assert (str(finding.at_risk) if finding.at_risk else None) == at_risk


def test_message_says_the_line_is_still_supported():
    fixture = "fail_entry_logged_to_bhi_and_ccm_bhi_still_supported.json"
    (finding,) = audit_fixture(check, fixture).findings
    assert finding.message == (
        "time entry T2: 20 min counted toward BHI+CCM (99484 still has 25 countable min without "
        "them)"
    )
