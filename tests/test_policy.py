"""Year-versioned policy data (bhi_audit.policy): thresholds, 99494 ladder and national rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bhi_audit.policy import (
    available_years,
    line_price,
    policy_for,
    policy_for_year,
    thresholds_for,
    unit_price,
)


def test_years_with_data():
    assert available_years() == (2024, 2025, 2026)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_thresholds_are_the_rulebook_minutes(year):
    t = thresholds_for(date(year, 6, 1))
    assert (t.general_bhi_minutes, t.cocm_initial_minutes, t.cocm_subsequent_minutes) == (
        20,
        36,
        31,
    )
    assert (t.cocm_initial_base, t.cocm_subsequent_base) == (70, 60)
    assert (t.addon_first_extra, t.addon_block, t.g2214_floor) == (16, 30, 16)


# rulebook §2.4: initial 86-115 -> 1 unit, 116-145 -> 2; subsequent 76-105 -> 1, 106-135 -> 2
LADDER = [
    (85, True, 0),
    (86, True, 1),
    (115, True, 1),
    (116, True, 2),
    (145, True, 2),
    (146, True, 3),
    (0, True, 0),
    (75, False, 0),
    (76, False, 1),
    (105, False, 1),
    (106, False, 2),
    (135, False, 2),
    (136, False, 3),
]


@pytest.mark.parametrize(
    ("minutes", "initial", "units"),
    LADDER,
    ids=[f"{'initial' if i else 'subsequent'}-{m}min" for m, i, _ in LADDER],
)
def test_addon_units_supported(minutes, initial, units):
    assert thresholds_for(date(2026, 3, 1)).addon_units_supported(minutes, initial) == units


# rulebook §6.2 national non-facility amounts (facility where marked)
RATES = [
    ("99484", date(2026, 3, 31), False, False, "57.45"),
    ("99492", date(2026, 3, 31), False, False, "160.32"),
    ("99492", date(2026, 3, 31), False, True, "161.12"),
    ("99492", date(2026, 3, 31), True, False, "82.17"),
    ("99493", date(2026, 3, 31), False, False, "144.96"),
    ("99494", date(2026, 3, 31), False, False, "61.46"),
    ("G2214", date(2026, 3, 31), False, False, "60.79"),
    ("G0323", date(2026, 3, 31), False, False, "57.78"),
    ("99484", date(2025, 3, 31), False, False, "53.05"),
    ("99492", date(2025, 3, 31), False, False, "145.24"),
    ("99492", date(2025, 3, 31), True, False, "90.89"),
    ("99493", date(2025, 3, 31), False, False, "133.59"),
    ("99494", date(2025, 3, 31), False, False, "55.96"),
    ("G2214", date(2025, 3, 31), False, False, "54.34"),
    ("G0323", date(2025, 3, 31), False, False, "53.70"),
    ("99484", date(2024, 3, 8), False, False, "54.03"),
    ("99484", date(2024, 3, 9), False, False, "54.92"),
    ("99492", date(2024, 3, 8), False, False, "150.62"),
    ("99492", date(2024, 3, 9), False, False, "153.12"),
    ("99493", date(2024, 12, 31), False, False, "139.81"),
    ("99494", date(2024, 1, 1), False, False, "58.28"),
]


@pytest.mark.parametrize(
    ("code", "day", "facility", "qp", "amount"),
    RATES,
    ids=[f"{c}-{d}{'-F' if f else ''}{'-QP' if q else ''}" for c, d, f, q, _ in RATES],
)
def test_unit_price_matches_rulebook(code, day, facility, qp, amount):
    assert unit_price(code, day, facility=facility, qp=qp) == Decimal(amount)


def test_line_price_multiplies_units():
    assert line_price("99494", date(2026, 3, 31), 2) == Decimal("122.92")


def test_code_without_rvu_has_no_price():
    assert unit_price("90834", date(2026, 3, 31)) is None


@pytest.mark.parametrize("year", [2023, 2027])
def test_year_without_data_uses_nearest_thresholds_and_no_rates(year):
    choice = policy_for_year(year)
    assert not choice.exact
    assert choice.policy.year == (2024 if year == 2023 else 2026)
    assert f"no policy data for CY{year}" in choice.note
    assert unit_price("99492", date(year, 3, 31)) is None
    assert policy_for(date(year, 3, 31)).policy.thresholds.cocm_initial_minutes == 36


def test_year_with_data_has_no_note():
    assert policy_for_year(2026).exact
    assert policy_for_year(2026).note is None
