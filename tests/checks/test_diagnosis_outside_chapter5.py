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
    # C1 carries only E11.9: no behavioral diagnosis at all is BHI-DX-001's error (§5.1f)
    ("fail_outside_chapter5", [("C2", 1, None, W)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_chapter_edges_and_mixed_pointers", []),
    # only C3 (Z63.0 pointed, F32.1 on the claim) keeps a behavioral code; G30.9, R45.850 and
    # E11.9 alone are BHI-DX-001's errors since §5.1f
    ("fail_outside_edges", [("C3", 1, None, W)]),
    # an 837I line points to every claim diagnosis: with F32.1 on the claim it passes, and a
    # claim of E11.9 and I10 only is BHI-DX-001's error (§5.1f), not this warning
    ("pass_institutional_claim_points_to_every_diagnosis", []),
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
        (["E11.65"], [("C2", 1, None, W)]),
    ],
    ids=["prefix", "exact-code", "other-code"],
)
def test_allow_list_option(allow_list, expected):
    # fail_outside_chapter5: C1 points to E11.9 only; C2 points to E11.9 with F32.1 unpointed.
    # An allow-listed E11.9 makes C2's pointed code behavioral; C1 is never this check's.
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


def test_message_names_the_behavioral_code_elsewhere():
    result = run_audit(
        FIXTURES / "fail_outside_chapter5.json", select=[diagnosis_outside_chapter5.ID]
    )
    (finding,) = result.findings
    assert finding.message == (
        "99493 points only to E11.9, outside F01-F99; the claim has F32.1 at 2"
    )
