"""Estimates against hand-worked examples and textbook t values (not against the code itself).

t quantiles below are from a printed t table (e.g. Cochran, Sampling Techniques, appendix),
to three decimals; the tests allow the difference that rounding makes.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from bhi_audit.sampling.draw import ALL, Design, SampleHeader, parse_strata
from bhi_audit.sampling.estimate import AppraisedUnit, estimate

pytest.importorskip("scipy")


def header(universe: dict[str, tuple[int, Decimal]], strata=(ALL,)) -> SampleHeader:
    return SampleHeader(
        frame_name="frame.csv",
        frame_digest="0" * 64,
        frame_units=sum(n for n, _ in universe.values()),
        unit_kind="patient-month",
        generator="bhi-audit-sha256-v1",
        design=Design(1, strata, tuple(2 for _ in strata), 0, "given"),
        universe=universe,
    )


def unit(stratum: str, examined: str, audited: str, verdict: str = "not-supported"):
    return AppraisedUnit(stratum, 1, "u", Decimal(examined), Decimal(audited), verdict)  # type: ignore[arg-type]


def close(value: Decimal, expected: float, slack: float) -> bool:
    return abs(float(value) - expected) <= slack


def test_simple_random_sample_by_hand():
    # N = 100, n = 5, differences 0, 0, 10, 20, 0: mean 6, s^2 = (3*36 + 16 + 196) / 4 = 80,
    # V = 100^2 * (1 - 5/100) * 80 / 5 = 152,000, SE = 389.872; T = 600; df = 4.
    units = [
        unit("all", "50", "50", "supported"),
        unit("all", "50", "50", "supported"),
        unit("all", "50", "40"),
        unit("all", "50", "30"),
        unit("all", "50", "50", "supported"),
    ]
    result = estimate(header({"all": (100, Decimal("5000"))}), units, "s.csv")
    se = math.sqrt(152_000)
    assert result.point == Decimal("600.00")
    assert result.standard_error == Decimal(f"{se:.2f}")
    assert result.degrees_of_freedom == 4
    assert close(result.one_sided_90_lower, 600 - 1.533 * se, 0.001 * se)
    assert close(result.two_sided[90].lower, 600 - 2.132 * se, 0.001 * se)
    assert close(result.two_sided[95].upper, 600 + 2.776 * se, 0.001 * se)
    assert close(result.precision_90, 2.132 * se, 0.001 * se)
    assert result.errors == 2 and result.error_rate == pytest.approx(0.4)


def test_stratified_sample_by_hand_with_satterthwaite():
    # A: N=50, diffs 0, 10 -> mean 5, s^2 50, g = 50^2 (1 - 2/50) 50 / 2 = 60,000
    # B: N=20, diffs 4, 8, 0 -> mean 4, s^2 16, g = 20^2 (1 - 3/20) 16 / 3 = 1,813.33
    # T = 250 + 80 = 330; V = 61,813.33; df = V^2 / (60,000^2/1 + 1,813.33^2/2) = 1.0604
    strata = parse_strata("0-100,100-")
    units = [
        unit("0-100", "10", "10", "supported"),
        unit("0-100", "10", "0"),
        unit("100-", "110", "106"),
        unit("100-", "110", "102"),
        unit("100-", "110", "110", "supported"),
    ]
    universe = {"0-100": (50, Decimal("500")), "100-": (20, Decimal("2200"))}
    result = estimate(header(universe, strata), units, "s.csv")
    g_a, g_b = 60_000.0, 400 * 0.85 * 16 / 3
    assert result.point == Decimal("330.00")
    assert close(result.standard_error, math.sqrt(g_a + g_b), 0.005)
    assert result.degrees_of_freedom == pytest.approx((g_a + g_b) ** 2 / (g_a**2 + g_b**2 / 2))
    assert [s.errors for s in result.strata] == [1, 2]


def test_undetermined_is_no_error_and_underpayments_are_not_netted():
    units = [
        unit("all", "100", "0"),  # overpaid 100
        unit("all", "100", "150", "supported"),  # underpaid 50: listed, never netted
        unit("all", "100", "0", "undetermined"),  # never an error
        unit("all", "100", "100", "supported"),
    ]
    result = estimate(header({"all": (4, Decimal("400"))}), units, "s.csv")
    assert result.point == Decimal("100.00")  # a census: 100 overpaid, nothing netted
    assert result.standard_error == Decimal("0.00")  # n = N: the correction removes all error
    assert result.errors == 1
    assert result.undetermined == ("u",) and result.underpaid == ("u",)


def test_clopper_pearson_closed_form_for_no_errors():
    units = [unit("all", "10", "10", "supported") for _ in range(10)]
    result = estimate(header({"all": (1000, Decimal("10000"))}), units, "s.csv")
    assert result.error_rate_90[0] == 0.0
    assert result.error_rate_90[1] == pytest.approx(1 - 0.05 ** (1 / 10))
    assert any("only 0 unit(s)" in w for w in result.warnings)


def test_doubtful_intervals_are_flagged_with_a_conservative_bound():
    units = [unit("all", "100", "0")] + [unit("all", "100", "100", "supported") for _ in range(9)]
    result = estimate(header({"all": (500, Decimal("50000"))}), units, "s.csv")
    assert any("skewed" in w for w in result.warnings)
    assert any("lower limit is negative" in w for w in result.warnings)
    # 500 x (one-sided 90% Clopper-Pearson lower rate for 1 of 10 = 1 - 0.9^(1/10)) x $100
    assert close(result.conservative_lower, 500 * (1 - 0.9 ** (1 / 10)) * 100, 0.01)


def test_unpriced_units_in_error_are_named_not_silently_zero():
    units = [unit("all", "0", "0") for _ in range(2)] + [unit("all", "50", "50", "supported")]
    units[0] = AppraisedUnit(
        "all", 1, "P9 2026-01", Decimal(0), Decimal(0), "not-supported", basis="unpriced"
    )
    result = estimate(header({"all": (10, Decimal("100"))}), units, "s.csv")
    assert any("P9 2026-01" in w and "no national rate" in w for w in result.warnings)
