"""BHI-CONS-003: right to stop and one-practitioner notice, info only (rulebook §3.2d, D9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "consent_best_practice"
ID = "BHI-CONS-003"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


CASES = [
    ("pass_all_four_statements", set()),
    ("pass_other_program_consent_ignored", set()),
    ("fail_two_statements_missing", {("/consents/0", None, ID, "info", "violation")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_consent_best_practice(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_never_more_than_info_and_no_money() -> None:
    (finding,) = audit("fail_two_statements_missing").findings
    assert finding.severity.value == "info"
    assert finding.at_risk is None
    assert "right_to_stop or one_practitioner" in finding.message


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("fail_one_statement_missing", {("/consents/0", None, ID, "info", "violation")}),
    ("fail_cocm_consent_two_missing", {("/consents/0", None, ID, "info", "violation")}),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
