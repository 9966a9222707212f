"""BHI-TIME-008: date of service not before the threshold was reached (rulebook §5.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "time_dos_after_threshold"
ID = "BHI-TIME-008"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


CASES = [
    ("pass_dos_on_threshold_day", set()),
    ("pass_dos_after_threshold", set()),
    ("pass_addon_on_day_86_min_reached", set()),
    ("pass_threshold_never_reached_left_to_time_001", set()),
    ("fail_dos_day_before_threshold", {("C1", 1, ID, "error", "violation")}),
    ("fail_claim_created_before_threshold", {("C1", 1, ID, "error", "violation")}),
    ("fail_addon_before_86_min", {("C1", 2, ID, "error", "violation")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_dos_after_threshold(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


@pytest.mark.parametrize(
    ("fixture", "field", "text"),
    [
        ("fail_dos_day_before_threshold", "date_of_service", "2026-03-17 is before"),
        ("fail_claim_created_before_threshold", "created_on", "claim created 2026-03-15"),
        ("fail_addon_before_86_min", "date_of_service", "99494 x1 (86 countable min)"),
    ],
)
def test_message_and_field(fixture: str, field: str, text: str) -> None:
    (finding,) = audit(fixture).findings
    assert finding.field == field
    assert text in finding.message


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_99484_dos_on_day_20_min_reached", set()),
    ("fail_99484_dos_day_before_20_min", {("C1", 1, ID, "error", "violation")}),
    (
        "fail_consultant_time_does_not_reach_threshold",
        {("C1", 1, ID, "error", "violation")},
    ),  # 36 countable only on 03-12
    ("pass_g2214_dos_on_day_16_min_reached", set()),
    ("fail_g2214_dos_day_before_16_min", {("C1", 1, ID, "error", "violation")}),
    ("fail_99494_day_before_76_min", {("C1", 2, ID, "error", "violation")}),  # only the add-on line
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
