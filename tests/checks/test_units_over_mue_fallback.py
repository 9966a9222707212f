"""BHI-NCCI-002: fallback unit limits while no MUE table is loaded (rulebook §4.13, D12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bhi_audit.engine import AuditSettings
from checks import units_over_mue_fallback as check

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "units_over_mue_fallback"

CASES = [
    ("pass_within_limits", set()),
    ("pass_addon_two_units_in_each_of_two_months", set()),
    ("fail_addon_three_units", {("C1", 2, "warning")}),
    ("fail_addon_split_over_two_lines", {("C2", 1, "warning")}),
    ("fail_base_two_units_on_a_line", {("C1", 1, "warning")}),
]


def keys(result):
    return {(f.claim_id, f.line_number, f.severity.value) for f in result.findings}


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_units_over_mue_fallback(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[check.ID])
    assert keys(result) == expected
    assert result.rejected == ()


def test_every_fixture_is_a_case():
    assert {p.stem for p in FIXTURES.glob("*.json")} == {c[0] for c in CASES}


def test_limits_are_options():
    settings = AuditSettings(options={check.ID: check.Options(addon_units_per_month=4)})
    result = run_audit(
        FIXTURES / "fail_addon_three_units.json", select=[check.ID], settings=settings
    )
    assert result.findings == ()


def test_message_says_the_limit_is_a_fallback():
    result = run_audit(FIXTURES / "fail_addon_three_units.json", select=[check.ID])
    (finding,) = result.findings
    assert finding.message == "99494 x3 in 2026-03 (fallback limit 2 a month; no MUE table loaded)"
