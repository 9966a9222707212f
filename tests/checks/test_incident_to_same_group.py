"""BHI-PRAC-002 (incident-to-same-group) on synthetic bundles read by the real loader.

Requirement: Staff whose time counts toward a BHI/CoCM line are in the billing practitioner's
group.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import incident_to_same_group

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "incident_to_same_group"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_staff_in_group", []),
    ("fail_staff_outside_group", [("C1", 1, None, W)]),
    ("unverifiable_group_not_recorded", [("C1", 1, None, U), ("C2", 1, None, U)]),
    ("unverifiable_no_roster", [("C1", 1, None, U)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_consultant_other_program_and_month", []),
    ("fail_bhcm_outside_group_cocm", [("C1", 1, None, W)]),
    # review-b: independent boundary cases written from the rulebook
    ("unverifiable_no_time_log", [("C1", 1, None, U)]),
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
def test_incident_to_same_group(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[incident_to_same_group.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {incident_to_same_group.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
