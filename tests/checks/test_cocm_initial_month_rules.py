"""BHI-EXCL-003 (cocm-initial-month-rules) on synthetic bundles read by the real loader.

Requirement: 99492 and 99493 never share a month, and 99492 bills only the first month of an
episode.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import cocm_initial_month_rules

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cocm_initial_month_rules"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_new_episode_after_six_months", []),
    ("pass_subsequent_month_only", []),
    ("fail_new_episode_after_five_months", [("C2", 1, "not-episode-start", E)]),
    ("fail_initial_and_subsequent_same_month", [("C1", 2, "initial-and-subsequent", E)]),
    ("fail_cocm_time_in_previous_month", [("C1", 1, "not-episode-start", E)]),
    ("fail_episode_record_without_six_month_break", [("C2", 1, "not-episode-start", E)]),
    ("pass_episode_record_first_month", []),
    ("unverifiable_lookback_outside_records", [("C1", 1, None, U)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_cross_year_six_month_gap", []),
    ("fail_cross_year_five_month_gap", [("C3", 1, "not-episode-start", E)]),
    ("fail_g2214_in_previous_month", [("C2", 1, "not-episode-start", E)]),
    ("fail_other_practitioner_previous_month", [("C2", 1, "not-episode-start", E)]),
    ("fail_initial_and_subsequent_separate_claims", [("C2", 1, "initial-and-subsequent", E)]),
    ("pass_period_covers_six_months", []),
    ("unverifiable_period_one_month_short", [("C1", 1, None, U)]),
    ("pass_duplicate_initial_same_month", []),
    # review-b: independent boundary cases written from the rulebook
    ("fail_initial_and_subsequent_in_later_month", [("C2", 1, "not-episode-start", E)]),
    ("unverifiable_episode_record_without_lookback", [("C1", 1, None, U)]),
    # review-b: independent boundary cases written from the rulebook
    ("fail_rhc_99492_after_g0512_transition", [("C2", 1, "not-episode-start", E)]),
]


def finding_keys(result):
    keys = [
        (
            f.claim_id,
            f.line_number,
            f.variant,
            "unverifiable" if f.outcome.value == "unverifiable" else f.severity.value,
        )
        for f in result.findings
    ]
    return sorted(keys, key=str)


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cocm_initial_month_rules(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[cocm_initial_month_rules.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {cocm_initial_month_rules.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
