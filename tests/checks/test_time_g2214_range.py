"""BHI-TIME-004: G2214 countable minutes at or above the floor (rulebook §2.5, D1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "time_g2214_range"
ID = "BHI-TIME-004"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def v(variant: str, outcome: str = "violation") -> tuple[object, ...]:
    return ("C1", 1, ID, variant, outcome)


CASES = [
    ("pass_30_min", set()),
    ("pass_40_min_above_range", set()),  # above the range is BHI-TIME-005's under-billing
    ("fail_15_min", {v("below-floor")}),
    ("fail_16_min", {v("below-30")}),
    ("fail_29_min", {v("below-30")}),
    ("fail_consultant_minutes_excluded", {v("below-floor")}),
    ("fail_no_time_log_unverifiable", {v("info", "unverifiable")}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_g2214_range(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


@pytest.mark.parametrize(
    ("fixture", "severity"), [("fail_15_min", "error"), ("fail_16_min", "warning")]
)
def test_severity_follows_d1(fixture: str, severity: str) -> None:
    (finding,) = audit(fixture).findings
    assert finding.severity.value == severity


def _options(**values: object) -> object:
    from bhi_audit.registry import load_registry

    model = load_registry(plugins=False).get(ID).options_model
    assert model is not None
    return model(**values)


@pytest.mark.parametrize(
    ("options", "fixture", "expected"),
    [
        ({"strict": True}, "fail_29_min", {v("below-floor")}),
        ({"strict": True}, "pass_30_min", set()),
        ({"floor": 20}, "fail_16_min", {v("below-floor")}),
    ],
    ids=["strict-29", "strict-30", "floor-20"],
)
def test_configured_floor(options: dict[str, object], fixture: str, expected: set) -> None:
    from bhi_audit.engine import AuditSettings

    settings = AuditSettings(options={ID: _options(**options)})  # type: ignore[dict-item]
    assert keys(audit(fixture, settings=settings)) == expected


def test_message_names_the_minutes() -> None:
    (finding,) = audit("fail_consultant_minutes_excluded").findings
    assert "10 countable min (< 16 floor)" in finding.message
    assert "T2 20 min (psychiatric consultant time)" in finding.message


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_initial_35_min", set()),  # upper end of the initial-month range
    ("pass_subsequent_30_min", set()),  # upper end of the subsequent-month range
    ("pass_clock_times_30_min", set()),  # duration from start/end times
    ("fail_two_program_entry_not_counted", {v("below-30")}),  # COCM+CCM both billed: for neither
    ("pass_two_program_entry_not_counted_ccm_not_billed", set()),  # CCM not billed: counts
    ("fail_separately_billed_time_excluded", {v("below-30")}),  # psychotherapy time excluded
    ("fail_previous_month_time_not_counted", {v("below-floor")}),  # February minutes
    ("fail_general_bhi_time_is_not_cocm_time", {v("below-floor")}),  # BHI-program time
    (
        "fail_overlapping_clock_times_counted_once",
        {v("below-30")},
    ),  # 09:00-09:20 + 09:05-09:25 = 25
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected
