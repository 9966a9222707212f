"""BHI-EXCL-004 (cocm-addon-without-base) on synthetic bundles read by the real loader.

Requirement: 99494 is billed only with 99492 or 99493 from the same practitioner in the same
month.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import cocm_addon_without_base

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cocm_addon_without_base"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_addon_with_base", []),
    ("fail_addon_without_base", [("C1", 1, None, E), ("C2", 2, None, E), ("C3", 1, None, E)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_base_on_separate_claim_same_practitioner", []),
    (
        "fail_base_other_practitioner_month_or_g2214",
        [("C1", 1, None, E), ("C4", 1, None, E), ("C5", 2, None, E)],
    ),
    # review-b: independent boundary cases written from the rulebook
    ("unverifiable_month_partly_outside_records", [("C1", 1, None, U), ("C2", 1, None, E)]),
    # review-b: independent boundary cases written from the rulebook
    ("warn_base_on_another_date", [("C2", 1, "not-same-date", W)]),
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
def test_cocm_addon_without_base(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[cocm_addon_without_base.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {cocm_addon_without_base.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
