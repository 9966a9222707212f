"""BHI-DMHT-001 (dmht-requirements) on synthetic bundles read by the real loader.

Requirement: Digital mental health treatment (G0552-G0554) rests on a care plan and enough
minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import dmht_requirements

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "dmht_requirements"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_plan_and_minutes", [("C1", 1, None, U)]),
    ("pass_twenty_minutes", [("C1", 1, None, U)]),
    ("fail_no_care_plan_before_service", [("C1", 1, None, U), ("C1", 1, "no-care-plan", E)]),
    ("fail_nineteen_minutes", [("C1", 1, None, U), ("C1", 1, "minutes", E)]),
    ("fail_thirty_nine_minutes_two_units", [("C1", 1, None, U), ("C1", 2, "minutes", E)]),
    (
        "unverifiable_no_plan_or_time_records",
        [("C1", 1, None, U), ("C1", 1, None, U), ("C1", 1, None, U)],
    ),
    # review-b: independent boundary cases written from the rulebook
    ("pass_g0552_plan_created_same_day", [("C1", 1, None, U)]),
    ("pass_sixty_minutes_three_units", [("C1", 1, None, U)]),
    ("fail_bhi_time_and_other_month_not_counted", [("C1", 1, None, U), ("C1", 1, "minutes", E)]),
    ("fail_plan_created_day_after", [("C1", 1, None, U), ("C1", 1, "no-care-plan", E)]),
    # review-b: independent boundary cases written from the rulebook
    (
        "unverifiable_minutes_month_partly_outside_records",
        [("C1", 1, None, U), ("C1", 1, None, U), ("C2", 1, None, U), ("C2", 1, "minutes", E)],
    ),
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
def test_dmht_requirements(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[dmht_requirements.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {dmht_requirements.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
