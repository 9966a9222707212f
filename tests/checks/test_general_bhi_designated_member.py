"""BHI-GEN-002: a designated care-team member for general BHI (rulebook §3.5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "general_bhi_designated_member"
ID = "BHI-GEN-002"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


CASES = [
    ("pass_designated_member_on_roster", set()),
    ("fail_no_designated_member", {("C1", 1, ID, "warning", "violation")}),
    ("fail_member_not_on_roster", {("C1", 1, ID, "warning", "violation")}),
    ("fail_no_care_plan", {("C1", 1, ID, "warning", "violation")}),
    ("fail_no_care_plans_unverifiable", {("C1", 1, ID, "info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_designated_member(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_member_named_roster_not_given", set()),
    ("pass_no_care_plan_left_to_gen_001", set()),  # BHI-GEN-001 reports no-care-plan
    ("fail_member_only_on_cocm_plan", {("C1", 1, ID, "warning", "violation")}),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
