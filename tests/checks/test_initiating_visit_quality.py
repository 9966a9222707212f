"""BHI-INIT-002: initiating visit not a 99211 and by the billing practitioner (rulebook §3.3b)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "initiating_visit_quality"
ID = "BHI-INIT-002"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


CASES = [
    ("pass_own_visit", set()),
    ("pass_own_visit_beside_99211", set()),
    ("pass_no_visit_left_to_init_001", set()),
    ("pass_90791_for_g0323", set()),
    ("fail_psychotherapy_visit_only", {("C1", 1, ID, "not-qualifying", "violation")}),
    ("fail_90791_for_99484", {("C1", 1, ID, "not-qualifying", "violation")}),
    ("fail_level_1_visit", {("C1", 1, ID, "level-1", "violation")}),
    ("fail_visit_by_colleague", {("C1", 1, ID, "other-practitioner", "violation")}),
    # §8 D16: a TCM that is the practitioner's only initiating visit is a warning (P1 99495;
    # P3 99496 beside a 99211); a TCM beside the practitioner's own E/M passes (P2); a
    # colleague's TCM stays "other-practitioner" (P4)
    (
        "fail_tcm_only_initiating_visit",
        {
            ("C1", 1, ID, "tcm-only", "violation"),
            ("C3", 1, ID, "tcm-only", "violation"),
            ("C4", 1, ID, "other-practitioner", "violation"),
        },
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_initiating_visit_quality(fixture: str, expected: set[tuple[object, ...]]) -> None:
    result = audit(fixture)
    assert keys(result) == expected
    assert all(f.severity.value == "warning" for f in result.findings)


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_awv", set()),
    ("pass_no_visit_records", set()),  # BHI-INIT-001 says not verifiable
    (
        "pass_outside_group_visit_left_to_init_001",
        set(),
    ),  # BHI-INIT-001's error, not a second warning
    ("pass_old_99211_outside_year", set()),  # the 99211 is outside the year
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_tcm_only_message() -> None:
    findings = audit("fail_tcm_only_initiating_visit").findings
    by_claim = {f.claim_id: f.message for f in findings}
    assert by_claim["C1"] == (
        "the only initiating visit, V1 on 2026-01-10, is TCM (99495): accepted by AAFP, "
        "not listed by the CMS BHI FAQ (D16)"
    )


def test_tcm_only_is_no_error_for_init_001() -> None:
    # D16: TCM still initiates (BHI-INIT-001 passes); the note is BHI-INIT-002's warning only
    result = run_audit(
        FIXTURES / "fail_tcm_only_initiating_visit.json", select=["BHI-INIT-001", ID]
    )
    assert {(f.claim_id, f.check_id, f.severity.value) for f in result.findings} == {
        ("C1", ID, "warning"),
        ("C3", ID, "warning"),
        ("C4", ID, "warning"),
    }
