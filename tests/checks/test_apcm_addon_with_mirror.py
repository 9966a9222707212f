"""BHI-EXCL-008 (apcm-addon-with-mirror) on synthetic bundles read by the real loader.

Requirement: An APCM add-on and the CPT code it mirrors are not billed for the same patient-
month.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import apcm_addon_with_mirror

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "apcm_addon_with_mirror"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_addon_or_mirror", []),
    ("fail_addon_with_mirror", [("C1", 2, None, E), ("C2", 2, None, E), ("C4", 2, None, E)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_non_mirror_pairs", []),
    ("fail_mirror_by_other_practitioner", [("C1", 2, None, E)]),
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
def test_apcm_addon_with_mirror(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[apcm_addon_with_mirror.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {apcm_addon_with_mirror.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
