"""BHI-COCM-005: scale, plan and consultant review in the initial month (rulebook §1.2, §3.6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cocm_initial_month_elements"
ID = "BHI-COCM-005"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def v(variant: str, outcome: str = "violation") -> tuple[object, ...]:
    return ("C1", 1, ID, variant, outcome)


CASES = [
    ("pass_all_elements", set()),
    ("pass_scale_on_first_day", set()),
    ("pass_g2214_subsequent_month_not_checked", set()),
    ("fail_scale_day_before_month", {v("no-rating-scale")}),
    ("fail_no_rating_scale", {v("no-rating-scale")}),
    ("fail_no_treatment_plan", {v("no-treatment-plan")}),
    ("fail_only_a_general_bhi_plan", {v("no-treatment-plan")}),
    ("fail_plan_not_reviewed", {v("no-consultant-review")}),
    ("fail_review_after_month", {v("no-consultant-review")}),
    ("fail_g2214_initial_month_nothing", {v("no-rating-scale"), v("no-treatment-plan")}),
    ("fail_no_records_unverifiable", {v("info", "unverifiable")}),
    ("fail_g2214_month_type_unknown_unverifiable", {v("info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_initial_month_elements(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_lookback_option_accepts_an_earlier_scale() -> None:
    from bhi_audit.engine import AuditSettings
    from bhi_audit.registry import load_registry

    model = load_registry(plugins=False).get(ID).options_model
    assert model is not None
    settings = AuditSettings(options={ID: model(assessment_lookback_days=1)})
    assert keys(audit("fail_scale_day_before_month", settings=settings)) == set()


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_plan_created_month_before", set()),
    ("pass_review_on_last_day", set()),
    (
        "pass_99493_not_checked",
        {
            ("C0", 1, ID, "no-rating-scale", "violation"),
            ("C0", 1, ID, "no-treatment-plan", "violation"),
        },
    ),  # only the February 99492
    ("fail_addon_line_not_reported_twice", {v("no-rating-scale")}),
    (
        "fail_no_assessments_kind_plan_reviewed",
        {v("info", "unverifiable")},
    ),  # scale part not verifiable, plan checked
    ("fail_no_assessments_kind_no_plan", {v("info", "unverifiable"), v("no-treatment-plan")}),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
