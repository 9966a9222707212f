"""BHI-DX-002 (diagnosis-outside-chapter5) on synthetic bundles read by the real loader.

Requirement: A BHI/CoCM line points to a diagnosis in ICD-10-CM F01-F99 (or an allow-listed
code).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_audit

from checks import diagnosis_outside_chapter5

FIXTURES = Path(__file__).parent / "fixtures" / "diagnosis_outside_chapter5"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_chapter5_or_allowed", []),
    ("fail_outside_chapter5", [("C1", 1, None, W), ("C2", 1, None, W)]),
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
def test_diagnosis_outside_chapter5(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[diagnosis_outside_chapter5.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {diagnosis_outside_chapter5.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
