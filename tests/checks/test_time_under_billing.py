"""BHI-TIME-005: CoCM minutes that support more than was billed (rulebook §2.4, §6.2)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "time_under_billing"
ID = "BHI-TIME-005"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def v(opportunity: str | None) -> tuple[object, ...]:
    return ("C1", 1, ID, "info", "violation", None if opportunity is None else Decimal(opportunity))


def keys_with_money(fixture: str) -> set[tuple[object, ...]]:
    return {
        (f.claim_id, f.line_number, f.check_id, f.severity.value, f.outcome.value, f.opportunity)
        for f in audit(fixture).findings
    }


CASES = [
    ("pass_99492_85_min", set()),
    ("pass_99493_105_min_one_unit", set()),
    ("pass_g2214_30_min_subsequent", set()),
    ("pass_g2214_35_min_initial", set()),
    ("pass_g2214_33_min_month_type_unknown", set()),  # fits G2214 in an initial month
    ("fail_g2214_36_min_initial", {v("99.53")}),  # 99492 160.32 - G2214 60.79 (CY2026)
    ("fail_g2214_31_min_subsequent", {v("84.17")}),  # 99493 144.96 - 60.79
    ("pass_99493_75_min", set()),
    ("fail_99492_86_min_no_addon", {v("61.46")}),  # boundary: first 99494 unit at 86
    ("fail_99493_76_min_no_addon", {v("61.46")}),  # boundary: first 99494 unit at 76
    ("fail_99492_90_min_no_addon", {v("61.46")}),  # one 99494 unit
    ("fail_99493_106_min_one_unit", {v("61.46")}),  # second 99494 unit
    ("fail_g2214_40_min_month_type_unknown", {v("84.17")}),  # lower reading: 99493
    ("fail_g2214_2027_rates_not_loaded", {v(None)}),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_under_billing(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys_with_money(fixture) == expected


def test_uncertain_month_type_is_said() -> None:
    (finding,) = audit("fail_g2214_40_min_month_type_unknown").findings
    assert "month type not certain" in finding.message


def test_no_rates_for_2027_is_said() -> None:
    (finding,) = audit("fail_g2214_2027_rates_not_loaded").findings
    assert "rates not loaded for CY2027" in finding.message
    assert finding.at_risk is None


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_99492_115_min_one_unit", set()),  # 115 < 116: one unit is right
    ("fail_99492_116_min_one_unit", {v("61.46")}),  # second 99494 unit at 116
    ("pass_99484_60_min", set()),  # general BHI has no higher code
    ("fail_g2214_40_min_initial_2024_03_08", {v("94.30")}),  # 150.62 - 56.32 (CF 32.7442)
    ("fail_g2214_40_min_initial_2024_03_09", {v("95.87")}),  # 153.12 - 57.25 (CF 33.2875)
    ("fail_g2214_31_min_subsequent_2025", {v("79.25")}),  # 133.59 - 54.34 (CY2025)
    ("pass_g2214_consultant_minutes_not_counted", set()),  # 30 countable of 50 logged
    ("pass_99493_units_over_billed_not_under", set()),  # over-billing is BHI-TIME-003's
    ("fail_g2214_76_min_subsequent", {v("145.63")}),  # 99493 + 99494 - G2214
    ("pass_99492_145_min_two_units", set()),
    ("fail_99492_146_min_two_units", {v("61.46")}),  # third unit (subject to the MUE, D12)
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys_with_money(fixture) == expected
