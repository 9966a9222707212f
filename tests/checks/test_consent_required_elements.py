"""BHI-CONS-002: consent records consultation and cost sharing (rulebook §3.2a, §3.2d2, D9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "consent_required_elements"
ID = "BHI-CONS-002"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def v(variant: str, outcome: str = "violation") -> tuple[object, ...]:
    return ("C1", 1, ID, variant, outcome)


CASES = [
    ("pass_both_elements", set()),
    ("pass_consent_on_day_of_service", set()),
    ("pass_no_consent_left_to_cons_001", set()),
    ("fail_no_consult_specialists", {v("missing-elements")}),
    ("fail_no_elements", {v("missing-elements")}),
    ("fail_cocm_no_cost_sharing", {v("missing-elements")}),
    ("fail_other_practitioner", {v("other-practitioner")}),
    # two practitioners bill general BHI in one month: each is judged by its own consent
    ("pass_two_practitioners_each_own_consent", set()),
    ("fail_second_practitioner_without_consent", {v("other-practitioner")}),
    ("fail_no_consent_records_unverifiable", {v("info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_consent_required_elements(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


@pytest.mark.parametrize(
    ("fixture", "severity"),
    [("fail_no_elements", "error"), ("fail_other_practitioner", "warning")],
)
def test_severity(fixture: str, severity: str) -> None:
    (finding,) = audit(fixture).findings
    assert finding.severity.value == severity


def test_message_names_both_missing_elements() -> None:
    (finding,) = audit("fail_no_elements").findings
    assert "does not record consult_specialists or cost_sharing" in finding.message


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_newer_consent_complete", set()),  # the consent in force has both elements
    ("pass_g0323_own_consent", set()),
    ("pass_practitioner_not_named", set()),  # no practitioner on the consent: not another's
    ("fail_cocm_only_cost_sharing", {v("missing-elements")}),
    ("fail_addon_line_not_reported_twice", {v("missing-elements")}),  # one finding, base line
    ("pass_consent_lists_both_programs", set()),
    ("fail_elements_not_given", {v("missing-elements")}),  # no elements recorded = none documented
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
