"""BHI-COCM-004: a designated, trained behavioral health care manager (rulebook §3.9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cocm_care_manager"
ID = "BHI-COCM-004"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def v(variant: str, outcome: str = "violation") -> tuple[object, ...]:
    return ("C1", 1, ID, variant, outcome)


CASES = [
    ("pass_designated_trained", set()),
    ("fail_not_trained", {v("not-trained")}),
    ("fail_training_blank", {v("training-undocumented")}),
    ("fail_not_designated", {v("not-designated")}),
    ("fail_no_care_manager", {v("no-care-manager")}),
    ("fail_no_roster_unverifiable", {v("info", "unverifiable")}),
    ("fail_no_enrollments_unverifiable", {v("info", "unverifiable")}),
    (
        "fail_no_enrollments_logger_not_trained",
        {v("info", "unverifiable"), v("not-trained")},
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_care_manager(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


@pytest.mark.parametrize(
    ("fixture", "severity"),
    [
        ("fail_not_trained", "error"),
        ("fail_no_care_manager", "error"),
        ("fail_not_designated", "warning"),
        ("fail_training_blank", "warning"),
    ],
)
def test_severity(fixture: str, severity: str) -> None:
    (finding,) = audit(fixture).findings
    assert finding.severity.value == severity


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("fail_addon_line_not_reported_twice", {v("not-trained")}),  # S1 is no BHCM
    ("pass_g2214_trained_bhcm", set()),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
