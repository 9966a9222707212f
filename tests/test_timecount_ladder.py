"""Properties of the CoCM minutes ladder shared by the time checks and the comparison (§2.4)."""

from __future__ import annotations

from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import addon_threshold, base_threshold, supported_cocm_codes

THRESHOLDS = thresholds_for(date(2026, 3, 1))
RUNGS = {"G2214": 1, "99493": 2, "99492": 2}


@given(minutes=st.integers(0, 400), initial=st.booleans())
@example(minutes=85, initial=True)
@example(minutes=86, initial=True)
@example(minutes=75, initial=False)
@example(minutes=76, initial=False)
def test_supported_units_reach_exactly_their_threshold(minutes: int, initial: bool) -> None:
    units = supported_cocm_codes(minutes, initial, THRESHOLDS).get("99494", 0)
    if units:
        assert minutes >= addon_threshold(units, initial, THRESHOLDS)
    assert minutes < addon_threshold(units + 1, initial, THRESHOLDS)


@given(minutes=st.integers(0, 399), initial=st.booleans())
def test_more_minutes_never_support_less(minutes: int, initial: bool) -> None:
    def rank(m: int) -> tuple[int, int]:
        codes = supported_cocm_codes(m, initial, THRESHOLDS)
        base = max((RUNGS[c] for c in codes if c in RUNGS), default=0)
        return base, codes.get("99494", 0)

    assert rank(minutes) <= rank(minutes + 1)


@given(minutes=st.integers(0, 400), initial=st.booleans())
@example(minutes=35, initial=True)
@example(minutes=36, initial=True)
@example(minutes=30, initial=False)
@example(minutes=31, initial=False)
@example(minutes=15, initial=False)
@example(minutes=16, initial=False)
def test_base_code_matches_the_minimum_checks(minutes: int, initial: bool) -> None:
    codes = supported_cocm_codes(minutes, initial, THRESHOLDS)
    base = "99492" if initial else "99493"
    assert (base in codes) == (minutes >= (base_threshold(base, THRESHOLDS) or 0))
    assert ("G2214" in codes) == (
        THRESHOLDS.g2214_floor <= minutes < (base_threshold(base, THRESHOLDS) or 0)
    )
