"""BHI-DOC-001: time-log entries document who, what and how long (rulebook §7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "time_log_documentation"
ID = "BHI-DOC-001"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def w(pointer: str) -> tuple[object, ...]:
    return (pointer, None, ID, "warning", "violation")


CASES = [
    ("pass_complete_entry", set()),
    (
        "fail_gaps",
        {
            w("/time_entries/1"),  # no activity narrative
            w("/time_entries/2"),  # 30 min vs 09:00-09:20
            w("/time_entries/3"),  # staff without credential
            w("/time_entries/4"),  # staff not on the roster, no narrative
        },  # /5 has a note as narrative; /6 is CCM time
    ),
    ("fail_no_roster_unverifiable", {("/time_entries/0", None, ID, "info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_time_log_documentation(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_one_finding_lists_every_gap_of_an_entry() -> None:
    messages = [f.message for f in audit("fail_gaps").findings]
    assert "time entry T5: staff X9 not on the roster; no activity narrative" in messages
    assert "time entry T3: 30 min but 20 min between start and end" in messages


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_clock_times_without_minutes", set()),  # start/end give the duration
    ("fail_no_duration", set()),  # BHI-TIME-006 reports it (test below)
    ("fail_no_staff", set()),  # BHI-TIME-006 reports it (test below)
    ("fail_no_date", set()),  # BHI-TIME-006 reports it (test below)
    ("fail_staff_without_name", {("/time_entries/0", None, ID, "warning", "violation")}),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


@pytest.mark.parametrize("fixture", ["fail_no_duration", "fail_no_staff", "fail_no_date"])
def test_entry_that_cannot_count_is_reported_once_by_time_006(fixture: str) -> None:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID, "BHI-TIME-006"])
    assert keys(result) == {
        ("/time_entries/1", None, "BHI-TIME-006", "incomplete-entry", "violation")
    }
