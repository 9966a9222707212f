"""BHI-EXCL-007 (apcm-addon-without-base) on synthetic bundles read by the real loader.

Requirement: G0568, G0569 and G0570 are billed only with APCM from the same practitioner that
month.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import apcm_addon_without_base

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "apcm_addon_without_base"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_addon_with_apcm", []),
    ("fail_addon_without_apcm", [("C1", 1, None, E), ("C2", 1, None, E)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_base_on_separate_claim", []),
    ("fail_base_other_practitioner_or_month", [("C1", 1, None, E), ("C4", 1, None, E)]),
    # review-b: independent boundary cases written from the rulebook
    ("unverifiable_month_partly_outside_records", [("C1", 1, None, U), ("C2", 1, None, E)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_addon_before_2026_left_to_code_001", []),
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
def test_apcm_addon_without_base(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[apcm_addon_without_base.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {apcm_addon_without_base.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
