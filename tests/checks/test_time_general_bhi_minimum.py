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
    ("fail_99484_entry_logged_to_two_programs.json", FAIL),  # 99490 billed too: for neither
    ("pass_99484_entry_logged_to_two_programs_ccm_not_billed.json", set()),
    ("fail_99484_time_in_other_month.json", FAIL),
    ("fail_99484_overlapping_clock_times_counted_once.json", FAIL),
    ("pass_99484_overlapping_clock_times_union_20.json", set()),
    ("pass_99484_same_clock_times_different_staff.json", set()),
    ("pass_g0323_20_own_min.json", set()),
    ("fail_g0323_19_own_min.json", FAIL),
    ("fail_g0323_staff_time_not_counted.json", FAIL),
    ("fail_unverifiable_no_time_log.json", UNVERIFIABLE),
    # without staff records only the billing practitioner's own time is verified
    ("fail_unverifiable_staff_roles_without_roster.json", UNVERIFIABLE),
    ("pass_practitioner_time_without_roster.json", set()),
    ("fail_below_minimum_without_roster.json", FAIL),
    # time given by start and end only (12 + 8 min)
    ("pass_99484_start_end_only_20_min.json", set()),
    ("pass_99484_last_and_first_day_of_month.json", set()),
    # 10 min on 31 March + 10 on 1 April: April's minutes do not count toward March
    ("fail_99484_entry_on_first_of_next_month.json", FAIL),
    ("pass_99484_leap_day_2024.json", set()),
    ("fail_99484_cocm_time_not_counted.json", FAIL),
    # March has 25 min, April 19: only April's line fails
    ("fail_99484_second_month_short.json", {("C2", 1, ID, "violation")}),
    # the billing practitioner's 12 min and staff's 8 add up
    ("pass_99484_other_practitioner_time.json", set()),
    # records from 15 March only: minutes of 1-14 March cannot be ruled out
    ("fail_unverifiable_period_starts_mid_month.json", UNVERIFIABLE),
    # 19 min on 8 and on 9 March 2024: both fail, priced either side of the CF change
    ("fail_99484_cf_split_2024.json", {*FAIL, ("C2", 1, ID, "violation")}),
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


def test_partial_month_message():
    (finding,) = audit_fixture(check, "fail_unverifiable_period_starts_mid_month.json").findings
    assert finding.severity == "info"
    assert finding.at_risk is None
    assert finding.message == (
        "99484 minutes not verifiable: 15 countable min (< 20 required), but the records cover "
        "only 2026-03-15 to 2026-04-30"
    )


def test_unverifiable_roles_message():
    (finding,) = audit_fixture(check, "fail_unverifiable_staff_roles_without_roster.json").findings
    assert finding.severity == "info"
    assert finding.message == (
        "99484 minutes not verifiable: 20 min counted, of which 12 by the billing practitioner "
        "(< 20 required); the roles of the others need staff records"
    )
    assert {e.id for e in finding.evidence} == {"C1#1", "T2"}


def test_at_risk_follows_the_2024_conversion_factor_split():
    # rulebook §6.1-6.2: 99484 NF $54.03 to 8 March 2024, $54.92 from 9 March
    result = audit_fixture(check, "fail_99484_cf_split_2024.json")
    assert {f.claim_id: str(f.at_risk) for f in result.findings} == {"C1": "54.03", "C2": "54.92"}
