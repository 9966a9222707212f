"""BHI-EXCL-006 (apcm-bundled-services) on synthetic bundles read by the real loader.

Requirement: Services bundled into APCM are not billed by the APCM practitioner in the same
month.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import apcm_bundled_services

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "apcm_bundled_services"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_other_practitioner_or_month", []),
    (
        "fail_bundled_same_practitioner",
        [("C1", 2, None, E), ("C2", 2, None, E), ("C4", 1, None, E)],
    ),
    # review-b: independent boundary cases written from the rulebook
    ("pass_codes_outside_the_bundle", []),
    ("fail_bundle_members", [("C1", n, None, E) for n in range(2, 11)] + [("C2", 2, None, E)]),
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
def test_apcm_bundled_services(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[apcm_bundled_services.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {apcm_bundled_services.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
