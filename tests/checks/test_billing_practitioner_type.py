"""BHI-PRAC-001 (billing-practitioner-type) on synthetic bundles read by the real loader.

Requirement: The billing practitioner's type may bill the code, and CoCM is not billed by the
care team.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bhi_audit.models import PractitionerType
from checks import billing_practitioner_type

from conftest import REPO, run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "billing_practitioner_type"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_allowed_types", []),
    ("fail_type_not_allowed", [("C1", 1, "type-not-allowed", E), ("C2", 1, "type-not-allowed", E)]),
    (
        "fail_care_team_bills_cocm",
        [
            ("C1", 1, "care-team-role", E),
            ("C2", 1, "care-team-role", E),
            ("C3", 1, "care-team-role", E),
        ],
    ),
    ("unverifiable_roster_or_type_missing", [("C1", 1, None, U), ("C2", 1, None, U)]),
    # the registered care manager (type "other") billing CoCM is an error even though the
    # type alone could not say who may bill; for 99484 the roster's care-manager-only entry
    # says the person does not bill: an error since §3.11z (was "not verifiable")
    (
        "fail_care_manager_of_type_other_bills_cocm",
        [("C1", 1, "care-team-role", E), ("C2", 1, "not-billing-practitioner", E)],
    ),
    # §3.11z: an RN (clinical staff, type not given), an MA of type non_billing, a billing-role
    # entry of type non_billing, an unregistered care manager and a consultant without the
    # billing role may not bill 99484, CoCM or G0570; G0323 by type non_billing is the type
    # rule's error. Boundaries: billing role with no type stays not verifiable (C7), and a
    # clinical social worker rostered only as care manager may still bill G0323 (C9).
    (
        "fail_roster_says_not_a_billing_practitioner",
        [
            ("C1", 1, "not-billing-practitioner", E),
            ("C2", 1, "not-billing-practitioner", E),
            ("C3", 1, "not-billing-practitioner", E),
            ("C4", 1, "type-not-allowed", E),
            ("C5", 1, "not-billing-practitioner", E),
            ("C6", 1, "not-billing-practitioner", E),
            ("C7", 1, None, U),
            ("C8", 1, "not-billing-practitioner", E),
        ],
    ),
    # review-b: independent boundary cases written from the rulebook
    ("pass_every_allowed_type", []),
    ("pass_psychiatrist_consultant_bills_general_bhi", []),
    ("pass_counselor_g0323_2023_left_to_code_001", []),
    (
        "fail_type_edges",
        [
            ("C1", 1, "type-not-allowed", E),
            ("C2", 1, "type-not-allowed", E),
            ("C3", 1, "type-not-allowed", E),
            ("C4", 1, "type-not-allowed", E),
            ("C5", 1, "type-not-allowed", E),
            ("C5", 2, "type-not-allowed", E),
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
def test_billing_practitioner_type(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[billing_practitioner_type.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {billing_practitioner_type.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)


def test_not_billing_practitioner_messages():
    result = run_audit(
        FIXTURES / "fail_roster_says_not_a_billing_practitioner.json",
        select=[billing_practitioner_type.ID],
    )
    by_claim = {f.claim_id: f.message for f in result.findings}
    assert (
        by_claim["C1"] == "99484 billed by RN1, clinical staff on the roster: not a billing "
        "practitioner"
    )
    assert by_claim["C3"] == (
        "99484 billed by NB1, practitioner type non_billing on the roster: not a billing "
        "practitioner"
    )
    assert by_claim["C5"] == (
        "99484 billed by CM2, a behavioral health care manager on the roster: not a billing "
        "practitioner"
    )
    assert by_claim["C6"] == (
        "99484 billed by PC2, a psychiatric consultant on the roster: not a billing practitioner"
    )


def test_every_practitioner_type_is_documented():
    doc = (REPO / "docs" / "input-format.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `practitioner_type` |"))
    assert {t.value for t in PractitionerType} <= set(re.findall(r"`([a-z_]+)`", row))
