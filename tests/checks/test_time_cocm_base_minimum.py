"""BHI-TIME-002: 99492 needs 36 and 99493 31 countable CoCM minutes in the month."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import time_cocm_base_minimum as check

ID = check.ID
FAIL = {("C1", 1, ID, "violation")}

CASES = [
    ("pass_99492_36_min.json", set()),
    ("fail_99492_35_min.json", FAIL),
    ("pass_99493_31_min.json", set()),
    ("fail_99493_30_min.json", FAIL),
    ("fail_99493_consultant_time_not_counted.json", FAIL),
    ("pass_99492_treating_practitioner_time_counts.json", set()),
    ("fail_99492_practitioner_time_for_billed_visit.json", FAIL),
    ("fail_99493_clinical_staff_not_care_manager.json", FAIL),
    ("fail_99493_entry_logged_to_cocm_and_ccm.json", FAIL),  # CCM billed too: counts for neither
    ("pass_99493_entry_logged_to_cocm_and_ccm_ccm_not_billed.json", set()),  # nothing claimed twice
    ("fail_unverifiable_no_time_log.json", {("C1", 1, ID, "unverifiable")}),
    ("fail_unverifiable_staff_roles_without_roster.json", {("C1", 1, ID, "unverifiable")}),
    ("pass_practitioner_time_without_roster.json", set()),
    # time given by start and end only (09:00-09:36)
    ("pass_99492_start_end_only_36_min.json", set()),
    # 30 min on 31 March + 10 on 1 April: April's minutes do not count toward March
    ("fail_99493_entry_on_first_of_next_month.json", FAIL),
    ("pass_99493_leap_day_2024.json", set()),
    ("fail_99493_bhi_program_time_not_counted.json", FAIL),
    ("fail_99493_overlapping_clock_times_counted_once.json", FAIL),
    ("pass_99492_two_lines_two_months.json", set()),
    # records from 15 March only: minutes of 1-14 March cannot be ruled out
    ("fail_unverifiable_period_starts_mid_month.json", {("C1", 1, ID, "unverifiable")}),
    # §8 D15, historic RHC/FQHC CoCM: G0512 with 70 min in a first month, 60 in a later one
    ("pass_g0512_historic_rhc.json", set()),
    # 60 and 69 min in a first month warn; 59 is an error in a later (C3) or first (C4) month
    (
        "fail_g0512_historic_rhc.json",
        {
            ("C1", 1, ID, "g0512-first-month"),
            ("C2", 1, ID, "g0512-first-month"),
            ("C3", 1, ID, "violation"),
            ("C4", 1, ID, "violation"),
        },
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_cocm_base_minimum(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("fixture", "text"),
    [
        (
            "fail_99492_35_min.json",
            "CoCM initial month: 35 countable min (< 36 required for 99492)",
        ),
        (
            "fail_99493_30_min.json",
            "CoCM subsequent month: 30 countable min (< 31 required for 99493)",
        ),
        (
            "fail_99493_consultant_time_not_counted.json",
            "25 countable min (< 31 required for 99493); 40 min logged; not counted: "
            "T2 15 min (psychiatric consultant time)",
        ),
    ],
    ids=lambda v: str(v).removesuffix(".json")[:40],
)
def test_message(fixture, text):
    (finding,) = audit_fixture(check, fixture).findings
    assert text in finding.message


def test_g0512_severities_and_messages():
    findings = audit_fixture(check, "fail_g0512_historic_rhc.json").findings
    by_claim = {f.claim_id: (f.severity.value, f.message) for f in findings}
    assert by_claim["C1"] == (
        "warning",
        "RHC/FQHC CoCM first month: 60 countable min (< 70 for G0512 in a first month by the "
        "MICMT reading; 60 met, D15)",
    )
    assert by_claim["C2"][0] == "warning"
    assert by_claim["C3"][0] == by_claim["C4"][0] == "error"
    assert by_claim["C4"][1].startswith(
        "RHC/FQHC CoCM month: 59 countable min (< 60 required for G0512)"
    )
