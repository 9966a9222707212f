"""BHI-GEN-001: a care plan, revised when scores show no improvement (rulebook §3.5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "general_bhi_care_plan"
ID = "BHI-GEN-001"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def v(variant: str, outcome: str = "violation") -> tuple[object, ...]:
    return ("C1", 1, ID, variant, outcome)


CASES = [
    ("pass_5_point_drop", set()),  # 15 -> 10: boundary of min_point_drop
    ("pass_50_percent_drop", set()),  # 8 -> 4: 4 points but 50 %
    ("pass_no_improvement_plan_revised", set()),
    ("pass_single_score", set()),
    ("pass_instrument_not_followed", set()),
    ("fail_4_point_drop_not_revised", {v("not-revised")}),  # 15 -> 11: 4 points, 27 %
    ("fail_worse_revised_before_first_score", {v("not-revised")}),  # GAD-7 and GAD7 match
    ("fail_no_care_plan", {v("no-care-plan")}),
    ("fail_plan_created_after_month", {v("no-care-plan")}),
    ("fail_no_care_plans_unverifiable", {v("info", "unverifiable")}),
    ("fail_no_assessments_unverifiable", {v("info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_general_bhi_care_plan(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_thresholds_are_options() -> None:
    from bhi_audit.engine import AuditSettings
    from bhi_audit.registry import load_registry

    model = load_registry(plugins=False).get(ID).options_model
    assert model is not None
    settings = AuditSettings(options={ID: model(min_point_drop=4)})
    assert keys(audit("fail_4_point_drop_not_revised", settings=settings)) == set()


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_no_improvement_within_first_month", set()),  # 25 days: too early to judge
    ("fail_no_improvement_over_two_months", {v("not-revised")}),  # February has one score
    ("pass_improving_scores", set()),
    ("pass_revised_after_latest_score", set()),
    ("pass_g0323_improving", set()),
    ("fail_only_cocm_plan", {v("no-care-plan")}),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_min_days_is_an_option() -> None:
    from bhi_audit.engine import AuditSettings
    from bhi_audit.registry import load_registry

    model = load_registry(plugins=False).get(ID).options_model
    assert model is not None
    settings = AuditSettings(options={ID: model(min_days=21)})  # 25 days apart now counts
    result = audit("pass_no_improvement_within_first_month", settings=settings)
    assert keys(result) == {v("not-revised")}
