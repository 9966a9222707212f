"""BHI-COCM-006: a validated scale in each subsequent CoCM month (rulebook §1.3, §3.7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cocm_outcome_monitoring"
ID = "BHI-COCM-006"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


CASES = [
    ("pass_scale_in_month", set()),
    ("pass_g2214_initial_month_not_checked", set()),
    ("fail_last_scale_previous_month", {("C1", 1, ID, "warning", "violation")}),
    ("fail_g2214_subsequent_month", {("C1", 1, ID, "warning", "violation")}),
    ("fail_g2214_month_type_unknown", {("C1", 1, ID, "warning", "violation")}),
    ("fail_no_assessments_unverifiable", {("C1", 1, ID, "info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_outcome_monitoring(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


@pytest.mark.parametrize(("days", "expected"), [(48, 1), (49, 0)], ids=["48-days", "49-days"])
def test_window_option(days: int, expected: int) -> None:
    from bhi_audit.engine import AuditSettings
    from bhi_audit.registry import load_registry

    model = load_registry(plugins=False).get(ID).options_model
    assert model is not None
    settings = AuditSettings(options={ID: model(window_days=days)})  # 2026-03-31 - 49 days = 02-10
    assert len(audit("fail_last_scale_previous_month", settings=settings).findings) == expected


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_99492_initial_not_checked", set()),  # BHI-COCM-005's month
    ("fail_addon_line_not_reported_twice", {("C1", 1, ID, "warning", "violation")}),
    ("pass_scale_on_first_day", set()),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
