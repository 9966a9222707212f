"""BHI-COCM-001: a qualified psychiatric consultant on the patient's team (rulebook §3.10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cocm_psychiatric_consultant"
ID = "BHI-COCM-001"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def v(variant: str, outcome: str = "violation") -> tuple[object, ...]:
    return ("C1", 1, ID, variant, outcome)


CASES = [
    ("pass_enrollment_names_consultant", set()),
    ("pass_review_lists_patient", set()),
    ("fail_no_consultant", {v("no-consultant")}),
    ("fail_consultant_not_full_prescriber", {v("not-qualified")}),
    ("fail_qualifications_blank", {v("qualification-undocumented")}),
    ("fail_consultant_not_on_roster", {v("qualification-undocumented")}),
    ("fail_no_team_records_unverifiable", {v("info", "unverifiable")}),
    ("fail_no_roster_unverifiable", {v("info", "unverifiable")}),
    ("fail_no_reviews_in_input_unverifiable", {v("info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_psychiatric_consultant(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


@pytest.mark.parametrize(
    ("fixture", "severity"),
    [("fail_consultant_not_full_prescriber", "error"), ("fail_qualifications_blank", "warning")],
)
def test_severity(fixture: str, severity: str) -> None:
    (finding,) = audit(fixture).findings
    assert finding.severity.value == severity


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("fail_not_psychiatry_trained", {v("not-qualified")}),
    ("fail_addon_line_not_reported_twice", {v("no-consultant")}),
    ("pass_g2214_with_consultant", set()),
    (
        "fail_consultant_is_primary_care_physician",
        {v("not-qualified")},
    ),  # D2 has no consultant role
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
