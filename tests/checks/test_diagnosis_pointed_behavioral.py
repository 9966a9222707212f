"""BHI-DX-001 (diagnosis-pointed-behavioral) on synthetic bundles read by the real loader.

Requirement: A BHI/CoCM line points to a real, billable diagnosis on its claim.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bhi_audit.engine import AuditSettings
from checks import diagnosis_outside_chapter5, diagnosis_pointed_behavioral

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
    # §5.1f: nothing in F01-F99 and nothing allow-listed anywhere on the claim is an error
    # (E11.9; E11.9 + I10 on an 837I; a Z-code or G30.9 not on the allow-list); F01.50 and F99
    # (the chapter's edges), R45.851 (allow-listed) or F02.81 with G30.9 elsewhere on the claim
    # pass here (a pointer to the non-behavioral code is BHI-DX-002's warning)
    (
        "fail_no_behavioral_diagnosis",
        [
            ("C1", 1, "no-behavioral-diagnosis", E),
            ("C2", 1, "no-behavioral-diagnosis", E),
            ("C3", 1, "no-behavioral-diagnosis", E),
            ("C4", 1, "no-behavioral-diagnosis", E),
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
def test_diagnosis_pointed_behavioral(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[diagnosis_pointed_behavioral.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {diagnosis_pointed_behavioral.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)


def test_no_behavioral_diagnosis_message():
    result = run_audit(
        FIXTURES / "fail_no_behavioral_diagnosis.json", select=[diagnosis_pointed_behavioral.ID]
    )
    by_claim = {f.claim_id: f for f in result.findings}
    assert by_claim["C1"].message == (
        "99484 billed on claim C1 with no behavioral diagnosis "
        "(claim has E11.9; none in F01-F99 or allow-listed)"
    )
    assert by_claim["C1"].severity.value == "error"


@pytest.mark.parametrize(
    ("allow_list", "expected"),
    [
        ([], ["C1", "C2", "C3", "C4", "C7"]),  # without R45.851, C7 has no behavioral code
        (["G30", "Z63"], ["C1", "C2", "C7"]),  # a prefix covers G30.9 and Z63.0
        (["e11.9"], ["C3", "C4"]),  # written any way
    ],
    ids=["empty", "prefixes", "exact-code"],
)
def test_allow_list_option(allow_list, expected):
    options = diagnosis_pointed_behavioral.Options(allow_list=allow_list)
    settings = AuditSettings(options={diagnosis_pointed_behavioral.ID: options})
    result = run_audit(
        FIXTURES / "fail_no_behavioral_diagnosis.json",
        select=[diagnosis_pointed_behavioral.ID],
        settings=settings,
    )
    assert sorted(f.claim_id for f in result.findings) == expected


def test_default_allow_list_matches_dx_002():
    assert (
        diagnosis_pointed_behavioral.Options().allow_list
        == diagnosis_outside_chapter5.Options().allow_list
        == ["R45851"]
    )


def test_no_line_is_reported_by_both_dx_checks():
    # §5.1f: a claim with no behavioral code is DX-001's error only; a pointer to a
    # non-behavioral code on a claim that has one is DX-002's warning only.
    ids = [diagnosis_pointed_behavioral.ID, diagnosis_outside_chapter5.ID]
    result = run_audit(FIXTURES / "fail_no_behavioral_diagnosis.json", select=ids)
    found = sorted((f.claim_id, f.check_id) for f in result.findings)
    assert found == [
        ("C1", "BHI-DX-001"),
        ("C2", "BHI-DX-001"),
        ("C3", "BHI-DX-001"),
        ("C4", "BHI-DX-001"),
        ("C5", "BHI-DX-002"),
        ("C6", "BHI-DX-002"),
        ("C7", "BHI-DX-002"),
        ("C8", "BHI-DX-002"),
    ]
