"""BHI-EXCL-001 (bhi-with-cocm-same-month) on synthetic bundles read by the real loader.

Requirement: General BHI (99484) and CoCM (99492/99493/99494/G2214) are never billed in one
month.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_audit

from checks import bhi_with_cocm_same_month

FIXTURES = Path(__file__).parent / "fixtures" / "bhi_with_cocm_same_month"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_one_model_per_month", []),
    (
        "fail_bhi_with_cocm",
        [
            ("C1", 1, "same-practitioner", E),
            ("C2", 1, "different-practitioner", W),
            ("C4", 2, "same-practitioner", E),
            ("C5", 2, "different-practitioner", W),
        ],
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
def test_bhi_with_cocm_same_month(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[bhi_with_cocm_same_month.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {bhi_with_cocm_same_month.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
