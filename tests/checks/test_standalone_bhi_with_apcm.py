"""BHI-EXCL-009 (standalone-bhi-with-apcm) on synthetic bundles read by the real loader.

Requirement: From 2026, stand-alone 99484/99492/99493 beside the same practitioner's APCM is
audit risk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import standalone_bhi_with_apcm

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "standalone_bhi_with_apcm"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_before_2026_or_other_practitioner", []),
    ("fail_standalone_with_apcm", [("C1", 2, None, W), ("C2", 2, None, W)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_last_day_2025", []),
    ("fail_first_day_2026_separate_claims", [("C1", 2, None, W), ("C3", 1, None, W)]),
    ("pass_mirror_addon_also_billed", []),
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
def test_standalone_bhi_with_apcm(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[standalone_bhi_with_apcm.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {standalone_bhi_with_apcm.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)


def test_mirror_pair_is_reported_once():
    """G0570 and 99484 beside APCM: BHI-EXCL-008's error only, not also this warning."""
    result = run_audit(
        FIXTURES / "pass_mirror_addon_also_billed.json",
        select=[standalone_bhi_with_apcm.ID, "BHI-EXCL-008"],
    )
    assert [(f.check_id, f.claim_id, f.line_number) for f in result.findings] == [
        ("BHI-EXCL-008", "C1", 2)
    ]
