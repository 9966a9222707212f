"""BHI-EXCL-002 (g2214-with-cocm-base) on synthetic bundles read by the real loader.

Requirement: G2214 is not billed in a month that also bills 99492 or 99493 for the patient.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import g2214_with_cocm_base

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "g2214_with_cocm_base"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_g2214_alone", []),
    ("fail_g2214_with_base", [("C1", 1, None, E), ("C2", 1, None, E)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_adjacent_months_and_addon", []),
    ("fail_base_on_separate_claim_month_edges", [("C1", 1, None, E)]),
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
def test_g2214_with_cocm_base(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[g2214_with_cocm_base.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {g2214_with_cocm_base.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
