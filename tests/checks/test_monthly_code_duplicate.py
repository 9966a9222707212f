"""BHI-EXCL-005 (monthly-code-duplicate) on synthetic bundles read by the real loader.

Requirement: A monthly code is billed at most once per patient-month.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import monthly_code_duplicate

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "monthly_code_duplicate"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_once_per_month", []),
    (
        "fail_same_code_twice",
        [
            ("C2", 1, "same-practitioner", E),
            ("C4", 1, "different-practitioner", W),
            ("C5", 1, "same-practitioner", E),
            ("C6", 2, "same-practitioner", E),
        ],
    ),
    # review-b: independent boundary cases written from the rulebook
    ("pass_month_edges_and_addon_lines", []),
    (
        "fail_addon_codes_and_g0323",
        [
            ("C2", 1, "same-practitioner", E),
            ("C4", 1, "different-practitioner", W),
            ("C6", 1, "different-practitioner", W),
            ("C8", 1, "same-practitioner", E),
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
def test_monthly_code_duplicate(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[monthly_code_duplicate.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {monthly_code_duplicate.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
