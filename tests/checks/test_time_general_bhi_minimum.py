"""BHI-TIME-001: 99484 and G0323 need at least 20 countable minutes in the month."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import time_general_bhi_minimum as check

ID = check.ID
FAIL = {("C1", 1, ID, "violation")}
UNVERIFIABLE = {("C1", 1, ID, "unverifiable")}

CASES = [
    ("pass_99484_20_min.json", set()),
    ("fail_99484_19_min.json", FAIL),
    ("pass_99484_billing_practitioner_own_time.json", set()),
    ("fail_99484_consultant_time_not_counted.json", FAIL),
    ("fail_99484_separately_billed_time_not_counted.json", FAIL),
    ("fail_99484_entry_logged_to_two_programs.json", FAIL),
    ("fail_99484_time_in_other_month.json", FAIL),
    ("fail_99484_overlapping_clock_times_counted_once.json", FAIL),
    ("pass_99484_overlapping_clock_times_union_20.json", set()),
    ("pass_99484_same_clock_times_different_staff.json", set()),
    ("pass_g0323_20_own_min.json", set()),
    ("fail_g0323_19_own_min.json", FAIL),
    ("fail_g0323_staff_time_not_counted.json", FAIL),
    ("fail_unverifiable_no_time_log.json", UNVERIFIABLE),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_general_bhi_minimum(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("fixture", "countable"),
    [
        ("fail_99484_19_min.json", 19),
        ("fail_99484_consultant_time_not_counted.json", 15),
        ("fail_99484_separately_billed_time_not_counted.json", 15),
        ("fail_99484_entry_logged_to_two_programs.json", 15),
        ("fail_99484_time_in_other_month.json", 15),
        ("fail_99484_overlapping_clock_times_counted_once.json", 19),
        ("fail_g0323_staff_time_not_counted.json", 12),
    ],
    ids=lambda v: str(v).removesuffix(".json"),
)
def test_message_states_countable_minutes(fixture, countable):
    (finding,) = audit_fixture(check, fixture).findings
    assert finding.severity == "error"
    assert finding.facts["countable_minutes"] == countable
    assert f": {countable} countable min (< 20 required)" in finding.message
