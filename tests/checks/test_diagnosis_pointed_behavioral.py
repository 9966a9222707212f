"""BHI-DX-001 (diagnosis-pointed-behavioral) on synthetic bundles read by the real loader.

Requirement: A BHI/CoCM line points to a real, billable diagnosis on its claim.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import diagnosis_pointed_behavioral

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "diagnosis_pointed_behavioral"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_pointed_billable", []),
    ("fail_no_diagnosis", [("C1", 1, "no-diagnosis", E)]),
    ("fail_no_pointer", [("C1", 1, "no-pointer", E)]),
    ("fail_pointer_past_list", [("C1", 1, "bad-pointer", E)]),
    ("fail_not_billable", [("C1", 1, "not-billable", E), ("C2", 1, "not-billable", E)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_leaf_codes_and_dotless", []),
    ("pass_institutional_without_line_pointers", []),
    (
        "fail_header_and_unknown_codes",
        [
            ("C1", 1, "not-billable", E),
            ("C2", 1, "not-billable", E),
            ("C3", 1, "not-billable", E),
            ("C4", 1, "not-billable", E),
            ("C5", 1, "not-billable", E),
        ],
    ),
    ("fail_addon_and_second_pointer", [("C1", 2, "no-pointer", E), ("C2", 1, "bad-pointer", E)]),
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
def test_diagnosis_pointed_behavioral(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[diagnosis_pointed_behavioral.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {diagnosis_pointed_behavioral.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
