"""BHI-EXCL-010 (g0323-with-other-bhi) on synthetic bundles read by the real loader.

Requirement: G0323 and another practitioner's 99484, CoCM or G0570 in one month are audit risk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import g0323_with_other_bhi

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "g0323_with_other_bhi"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_g0323_alone_or_other_month", []),
    (
        "fail_g0323_beside_other_practitioner",
        [("C1", 1, None, W), ("C3", 1, None, W), ("C5", 1, None, W)],
    ),
    # review-b: independent boundary cases written from the rulebook
    ("pass_month_edge_and_non_bhi", []),
    ("fail_beside_g2214_and_g0570", [("C1", 1, None, W), ("C3", 1, None, W)]),
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
def test_g0323_with_other_bhi(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[g0323_with_other_bhi.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {g0323_with_other_bhi.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
