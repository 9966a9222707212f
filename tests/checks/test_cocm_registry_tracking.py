"""BHI-COCM-002: registry enrollment in force with tracking in the month (rulebook §3.8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cocm_registry_tracking"
ID = "BHI-COCM-002"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def v(variant: str, outcome: str = "violation") -> tuple[object, ...]:
    return ("C1", 1, ID, variant, outcome)


CASES = [
    ("pass_scale_in_month", set()),
    ("pass_registry_time_entry", set()),
    ("pass_enrollment_ends_in_month", set()),
    ("fail_enrolled_after_month", {v("not-enrolled")}),
    ("fail_enrollment_ended", {v("not-enrolled")}),
    ("fail_no_tracking_in_month", {v("no-tracking")}),
    ("fail_no_assessments_unverifiable", {v("info", "unverifiable")}),
    ("fail_no_enrollments_unverifiable", {v("info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_registry_tracking(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_tracking_keywords_option() -> None:
    from bhi_audit.engine import AuditSettings
    from bhi_audit.registry import load_registry

    model = load_registry(plugins=False).get(ID).options_model
    assert model is not None
    settings = AuditSettings(options={ID: model(tracking_keywords=("caseload",))})
    result = audit("pass_registry_time_entry", settings=settings)
    assert keys(result) == {v("no-tracking")}


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("fail_addon_line_not_reported_twice", {v("not-enrolled")}),
    ("pass_enrolled_last_day_with_scale", set()),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
