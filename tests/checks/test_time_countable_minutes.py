"""BHI-TIME-006: excluded minutes explained; incomplete entries flagged (rulebook §2.7-2.9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "time_countable_minutes"
ID = "BHI-TIME-006"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


CASES = [
    ("pass_all_countable", set()),
    ("pass_logged_below_threshold", set()),  # nothing excluded: BHI-TIME-001 reports it
    ("fail_consultant_time", {("C1", 1, ID, "dropped-below-threshold", "violation")}),
    ("fail_separately_billed_time", {("C1", 1, ID, "dropped-below-threshold", "violation")}),
    ("pass_next_month_billed_on_its_own", set()),
    ("fail_time_logged_next_month", {("C1", 1, ID, "out-of-month", "violation")}),
    (
        "fail_incomplete_entries",
        {
            ("/time_entries/1", None, ID, "incomplete-entry", "violation"),  # no date
            ("/time_entries/2", None, ID, "incomplete-entry", "violation"),  # no staff
            ("/time_entries/3", None, ID, "incomplete-entry", "violation"),  # no duration
        },  # /time_entries/4 is CCM-only time: not this check's business
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_countable_minutes(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_shortfall_is_a_warning_with_the_excluded_entries_as_evidence() -> None:
    (finding,) = audit("fail_consultant_time").findings
    assert finding.severity.value == "warning"
    assert [e.id for e in finding.evidence] == ["T2"]
    assert "40 min logged but 25 countable (< 31)" in finding.message


def test_shortfall_is_not_a_second_error_beside_time_002() -> None:
    result = run_audit(FIXTURES / "fail_consultant_time.json", select=[ID, "BHI-TIME-002"])
    errors = [f for f in result.findings if f.severity.value == "error"]
    assert [f.check_id for f in errors] == ["BHI-TIME-002"]
    assert result.totals.at_risk == errors[0].at_risk  # the line's dollars counted once


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_exclusion_leaves_20_min", set()),  # boundary: 20 countable after exclusion
    ("fail_exclusion_leaves_19_min", {("C1", 1, ID, "dropped-below-threshold", "violation")}),
    ("fail_two_program_entry", {("C1", 1, ID, "dropped-below-threshold", "violation")}),
    ("pass_two_program_entry_ccm_not_billed", set()),  # CCM not billed: the minutes count
    (
        "fail_addon_unit_lost_to_consultant_time",
        {("C1", 2, ID, "dropped-below-threshold", "violation")},
    ),  # 90 logged, 80 countable < 86
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
