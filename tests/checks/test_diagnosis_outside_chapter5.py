"""BHI-DX-002 (diagnosis-outside-chapter5) on synthetic bundles read by the real loader.

Requirement: A BHI/CoCM line points to a diagnosis in ICD-10-CM F01-F99 (or an allow-listed
code).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bhi_audit.engine import AuditSettings
from checks import diagnosis_outside_chapter5

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "diagnosis_outside_chapter5"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_chapter5_or_allowed", []),
    ("fail_outside_chapter5", [("C1", 1, None, W), ("C2", 1, None, W)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_chapter_edges_and_mixed_pointers", []),
    (
        "fail_outside_edges",
        [("C1", 1, None, W), ("C2", 1, None, W), ("C3", 1, None, W), ("C4", 2, None, W)],
    ),
    # review-b: independent boundary cases written from the rulebook
    ("fail_institutional_claim_without_chapter5", [("C2", 1, None, W)]),
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


@pytest.mark.parametrize(
    ("allow_list", "expected"),
    [
        (["E11"], []),  # a prefix allows E11.9
        (["e11.9"], []),  # written any way
        (["E11.65"], [("C1", 1, None, W), ("C2", 1, None, W)]),
    ],
    ids=["prefix", "exact-code", "other-code"],
)
def test_allow_list_option(allow_list, expected):
    # fail_outside_chapter5: C1 points to E11.9 only; C2 points to E11.9 with F32.1 unpointed.
    options = diagnosis_outside_chapter5.Options(allow_list=allow_list)
    settings = AuditSettings(options={diagnosis_outside_chapter5.ID: options})
    result = run_audit(
        FIXTURES / "fail_outside_chapter5.json",
        select=[diagnosis_outside_chapter5.ID],
        settings=settings,
    )
    assert finding_keys(result) == sorted(expected, key=str)


def test_default_allow_list_is_r45_851():
    assert diagnosis_outside_chapter5.Options().allow_list == ["R45851"]


def test_unknown_option_is_refused():
    with pytest.raises(ValidationError):
        diagnosis_outside_chapter5.Options(allowlist=["R45.851"])
