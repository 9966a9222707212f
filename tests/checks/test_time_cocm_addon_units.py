"""BHI-TIME-003: 99494 units may not exceed what the month's countable minutes support."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import time_cocm_addon_units as check

ID = check.ID
FAIL = {("C1", 2, ID, "violation")}

CASES = [
    # initial month (99492): first unit at 70 + 16 = 86 min, second at 116
    ("fail_initial_85_min_1_unit.json", FAIL),
    ("pass_initial_86_min_1_unit.json", set()),
    ("fail_initial_115_min_2_units.json", FAIL),
    ("pass_initial_116_min_2_units.json", set()),
    # subsequent month (99493): first unit at 60 + 16 = 76 min, second at 106
    ("fail_subsequent_75_min_1_unit.json", FAIL),
    ("pass_subsequent_76_min_1_unit.json", set()),
    ("fail_subsequent_105_min_2_units.json", FAIL),
    ("pass_subsequent_106_min_2_units.json", set()),
    ("fail_subsequent_100_min_2_units.json", FAIL),
    # two 99494 lines of one unit each: the last one is flagged
    ("fail_units_summed_over_lines.json", {("C1", 3, ID, "violation")}),
    # 99494 with no base code is BHI-EXCL-004's finding, not this check's
    ("pass_addon_without_base_code.json", set()),
    ("fail_unverifiable_no_time_log.json", {("C1", 2, ID, "unverifiable")}),
    # 76 min, but only the practitioner's 40 are verified without staff records
    ("fail_unverifiable_staff_roles_without_roster.json", {("C1", 2, ID, "unverifiable")}),
    # third unit: 60 + 16 + 2 x 30 = 136 (subsequent), 146 (initial)
    ("fail_subsequent_135_min_3_units.json", FAIL),
    ("pass_subsequent_136_min_3_units.json", set()),
    ("fail_initial_145_min_3_units.json", FAIL),
    ("pass_initial_146_min_3_units.json", set()),
    # the base code on another claim of the month still supports the add-on
    ("pass_addon_on_separate_claim.json", set()),
    # time logged on 1 April does not count toward March
    ("fail_initial_time_on_first_of_next_month.json", FAIL),
    # records from 15 March only: the minutes of 1-14 March are unknown
    ("fail_unverifiable_period_starts_mid_month.json", {("C1", 2, ID, "unverifiable")}),
    # 3 units billed (x2 on line 2, x1 on line 3), 1 supported: one excess unit on each line
    (
        "fail_excess_units_span_two_lines.json",
        {("C1", 2, ID, "violation"), ("C1", 3, ID, "violation")},
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_cocm_addon_units(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("fixture", "facts"),
    [
        ("fail_initial_85_min_1_unit.json", (1, 0, 85, 86)),
        ("fail_initial_115_min_2_units.json", (2, 1, 115, 116)),
        ("fail_subsequent_75_min_1_unit.json", (1, 0, 75, 76)),
        ("fail_subsequent_105_min_2_units.json", (2, 1, 105, 106)),
        ("fail_units_summed_over_lines.json", (2, 1, 100, 106)),
    ],
    ids=lambda v: str(v).removesuffix(".json"),
)
def test_facts(fixture, facts):
    (finding,) = audit_fixture(check, fixture).findings
    billed, supported, minutes, needed = facts
    assert finding.facts == {
        "billed_units": billed,
        "supported_units": supported,
        "countable_minutes": minutes,
        "minutes_needed": needed,
        "units_at_risk": billed - supported,
    }


# 2026 non-facility 99494 is $61.46 (rulebook §6.2): only the unsupported units are at risk.
AT_RISK = [
    ("fail_initial_85_min_1_unit.json", {("C1", 2): "61.46"}, "61.46"),
    ("fail_subsequent_105_min_2_units.json", {("C1", 2): "61.46"}, "61.46"),
    ("fail_subsequent_135_min_3_units.json", {("C1", 2): "61.46"}, "61.46"),
    (
        "fail_excess_units_span_two_lines.json",
        {("C1", 2): "61.46", ("C1", 3): "61.46"},
        "122.92",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "per_line", "total"), AT_RISK, ids=[c[0].removesuffix(".json") for c in AT_RISK]
)
def test_only_excess_units_at_risk(fixture, per_line, total):
    result = audit_fixture(check, fixture)
    assert {(f.claim_id, f.line_number): str(f.at_risk) for f in result.findings} == per_line
    assert str(result.totals.at_risk) == total
