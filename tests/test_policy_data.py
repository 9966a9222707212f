"""The effective-dated policy data (code windows, exclusivity pairs) is well formed."""

from __future__ import annotations

from datetime import date

import pytest

from bhi_audit.models import HCPCS_RE, PractitionerType
from bhi_audit.policy import (
    code_validity,
    code_window,
    exclusions,
    exclusivity,
    rhc_transition_for,
)
from bhi_audit.registry import load_registry


def all_codes():
    for window in code_validity().window:
        yield from window.codes
    for transition in code_validity().rhc_transition:
        yield transition.rhc_code
        yield from transition.individual_codes
    for pair in exclusivity().pair:
        yield from pair.flagged
        yield from pair.with_


def test_every_code_is_a_hcpcs_code():
    assert all(HCPCS_RE.fullmatch(code) for code in all_codes())


def test_windows_are_ordered_and_codes_unique():
    seen: list[str] = []
    for window in code_validity().window:
        if window.valid_from and window.valid_to:
            assert window.valid_from <= window.valid_to
        if window.warn_from:
            assert window.valid_to and window.warn_from <= window.valid_to
        seen.extend(window.codes)
        for narrower in window.practitioner:
            assert {t for t in narrower.types} <= {t.value for t in PractitionerType}
    assert len(seen) == len(set(seen))


def test_every_pair_names_a_registered_check():
    ids = {spec.id for spec in load_registry(plugins=False).specs}
    assert {pair.check for pair in exclusivity().pair} <= ids
    assert all(pair.source for pair in exclusivity().pair)


@pytest.mark.parametrize(
    ("code", "day", "in_force"),
    [
        ("G2214", date(2020, 12, 31), False),
        ("G2214", date(2021, 1, 1), True),
        ("G0507", date(2017, 12, 31), True),
        ("G0507", date(2018, 1, 1), False),
        ("G0511", date(2025, 9, 30), True),
        ("G0511", date(2025, 10, 1), False),
        ("G0512", date(2026, 1, 1), False),
    ],
)
def test_code_window(code, day, in_force):
    window = code_window(code)
    assert window is not None
    assert window.in_force(day) is in_force


def test_codes_without_bounds_have_no_window():
    assert code_window("99490") is None


def test_cpt_bhi_codes_start_in_2018():
    window = code_window("99484")
    assert window is not None
    assert window.valid_from == date(2018, 1, 1)


def test_g0511_disputed_span():
    window = code_window("G0511")
    assert window is not None
    assert not window.in_warning_span(date(2025, 6, 30))
    assert window.in_warning_span(date(2025, 7, 1))
    assert not window.in_warning_span(date(2025, 10, 1))


def test_rhc_transitions():
    assert rhc_transition_for("99484").rhc_code == "G0511"
    assert rhc_transition_for("G0512").individual_from == date(2026, 1, 1)
    assert rhc_transition_for("99490") is None


def test_pairs_follow_practitioner_rule():
    (same,) = exclusions("BHI-EXCL-006")
    assert same.applies_between("D1", "D1") and not same.applies_between("D1", "D2")
    (other,) = exclusions("BHI-EXCL-010")
    assert other.applies_between("D1", "D2") and not other.applies_between("D1", "D1")
