"""The general-BHI-versus-CoCM comparison of the audited months (docs/comparison.md)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.reporters.text import render
from bhi_audit.result import ComparisonRow

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "comparison"
# Select one cheap check: the comparison is computed whatever checks run.
SELECT = ["BHI-TIME-001"]


def rows(fixture: str) -> list[tuple[str, int, str, str]]:
    comparison = run_audit(FIXTURES / f"{fixture}.json", select=SELECT).comparison
    assert comparison is not None
    return [_row(r) for r in comparison.rows]


def _row(row: ComparisonRow) -> tuple[str, int, str, str]:
    return (row.month, row.patient_months, str(row.general_bhi), str(row.cocm))


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "two_months",
            # 2026-03: P1 20 min clinical staff (99484 $57.45 at the boundary; not CoCM time:
            # $0), P4 19 min (nothing) and P2 40 min BHCM (99484 $57.45; initial CoCM 99492
            # $160.32). 2026-04: P2 30 min (99484; G2214 $60.79), P3 10 min (nothing).
            [("2026-03", 3, "114.90", "160.32"), ("2026-04", 2, "57.45", "60.79")],
        ),
        # records start 2026-03: month type unknown, lower reading 99493 $144.96 (not 99492)
        ("month_type_unknown", [("2026-03", 1, "57.45", "144.96")]),
        # the 2027 month has no loaded rates and is left out
        ("rates_not_loaded", [("2026-12", 1, "57.45", "0.00")]),
        # 90 min BHCM in 2024-03, first month: 99492 153.12 + 99494 59.25 (CF 33.2875 from
        # 9 March, month-end pricing); as general BHI 99484 54.92
        ("cf_2024_after_9_march", [("2024-03", 1, "54.92", "212.37")]),
        # 30 min BHCM + 20 min consultant: 30 countable in both models (99484; G2214 initial)
        ("consultant_time_counts_for_neither", [("2026-03", 1, "57.45", "60.79")]),
        # the billing practitioner's own 20 min, nothing billed, no consent: counts for both
        ("practitioner_own_time", [("2026-03", 1, "57.45", "60.79")]),
        # 15 min: below the G2214 floor (nothing); 16 min next month: G2214 (subsequent)
        ("g2214_floor", [("2026-03", 1, "0.00", "0.00"), ("2026-04", 1, "0.00", "60.79")]),
    ],
    ids=[
        "two-months",
        "month-type-unknown",
        "rates-not-loaded",
        "cf-2024-split",
        "consultant-time",
        "practitioner-own-time",
        "g2214-floor",
    ],
)
def test_rows(fixture: str, expected: list[tuple[str, int, str, str]]) -> None:
    assert rows(fixture) == expected


def test_totals_and_notes() -> None:
    result = run_audit(FIXTURES / "two_months.json", select=SELECT)
    assert result.comparison is not None
    assert result.comparison.general_bhi == Decimal("172.35")
    assert result.comparison.cocm == Decimal("221.11")
    unknown = run_audit(FIXTURES / "month_type_unknown.json", select=SELECT).comparison
    assert unknown is not None and "1 patient-month(s) of unknown month type" in unknown.note
    later = run_audit(FIXTURES / "rates_not_loaded.json", select=SELECT).comparison
    assert later is not None and "rates not loaded" in later.note


def test_no_time_no_comparison() -> None:
    assert run_audit(FIXTURES / "no_time.json", select=SELECT).comparison is None


def test_text_report_has_a_short_section() -> None:
    out = io.StringIO()
    render(run_audit(FIXTURES / "two_months.json", select=SELECT), out)
    text = out.getvalue()
    assert "model comparison: the countable minutes billed as general BHI vs as CoCM" in text
    assert "  total    general BHI $172.35  CoCM $221.11" in text


def test_time_logged_to_another_program_too_is_no_behavioral_time() -> None:
    result = run_audit(FIXTURES / "two_program_entry_only.json", select=SELECT)
    assert result.comparison is None
