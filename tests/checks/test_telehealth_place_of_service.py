"""BHI-POS-001 (telehealth-place-of-service) on synthetic bundles read by the real loader.

Requirement: BHI, CoCM and care-management lines are not billed as telehealth (POS 02/10,
95/93/FQ).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import telehealth_place_of_service

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "telehealth_place_of_service"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_office_place_of_service", []),
    # §6.4: the informational modifiers BB/BC are accepted (also on DMHT, also lower-case);
    # beside 95 only 95 is reported
    ("fail_informational_modifiers_beside_95", [("C4", 1, "care-management", W)]),
    (
        "fail_telehealth_coding",
        [
            ("C1", 1, "care-management", W),
            ("C2", 1, "care-management", W),
            ("C3", 1, "dmht", E),
            ("C4", 1, "care-management", W),
            ("C5", 1, "dmht", E),
        ],
    ),
    # review-b: independent boundary cases written from the rulebook
    ("pass_line_pos_overrides_claim", []),
    (
        "fail_line_level_and_modifiers",
        [
            ("C1", 1, "care-management", W),
            ("C2", 1, "care-management", W),
            ("C3", 1, "care-management", W),
            ("C4", 1, "dmht", E),
            ("C4", 2, "dmht", E),
            ("C5", 1, "care-management", W),
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
def test_telehealth_place_of_service(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[telehealth_place_of_service.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {telehealth_place_of_service.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)


def test_informational_modifiers_are_not_telehealth_modifiers():
    assert {"BB", "BC"} == telehealth_place_of_service.INFORMATIONAL_MODIFIERS
    assert not (
        telehealth_place_of_service.INFORMATIONAL_MODIFIERS
        & telehealth_place_of_service.TELEHEALTH_MODIFIERS
    )


def test_informational_modifiers_message_and_no_other_check_objects():
    path = FIXTURES / "fail_informational_modifiers_beside_95.json"
    (finding,) = run_audit(path, select=[telehealth_place_of_service.ID]).findings
    assert finding.message == (
        "99484 billed with modifier 95 (care management is not a Medicare telehealth service)"
    )
    # every check: BB/BC load, and no finding concerns the modifiers except C4's 95
    result = run_audit(path)
    assert not result.rejected
    assert {(f.claim_id, f.check_id) for f in result.findings if f.field == "modifiers"} == {
        ("C4", telehealth_place_of_service.ID)
    }
