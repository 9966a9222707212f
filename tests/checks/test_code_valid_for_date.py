"""BHI-CODE-001 (code-valid-for-date) on synthetic bundles read by the real loader.

Requirement: Each BHI-family code is billed only on dates of service when it exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import code_valid_for_date

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "code_valid_for_date"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_window_boundaries", []),
    ("fail_retired_2017_code", [("C1", 1, "retired", E), ("C1", 2, "retired", E)]),
    (
        "fail_not_yet_effective",
        [
            ("C1", 1, "not-yet-effective", E),
            ("C1", 2, "not-yet-effective", E),
            ("C1", 3, "not-yet-effective", E),
            ("C1", 4, "not-yet-effective", E),
            ("C2", 1, "not-yet-effective", E),
        ],
    ),
    ("fail_counselor_g0323_before_2024", [("C1", 1, "practitioner-not-yet-eligible", E)]),
    ("unverifiable_g0323_2023_without_roster", [("C1", 1, None, U)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_first_effective_day", []),
    # the CPT codes replaced G0502-G0504/G0507 on 2018-01-01 (rulebook §1.1, §1.15)
    ("pass_cpt_bhi_codes_from_2018", []),
    (
        "fail_cpt_bhi_codes_in_2017",
        [
            ("C1", 1, "not-yet-effective", E),
            ("C2", 1, "not-yet-effective", E),
            ("C2", 2, "not-yet-effective", E),
        ],
    ),
    (
        "fail_day_before_effective",
        [
            ("C1", 1, "not-yet-effective", E),
            ("C1", 2, "not-yet-effective", E),
            ("C1", 3, "not-yet-effective", E),
            ("C2", 1, "not-yet-effective", E),
            ("C3", 2, "not-yet-effective", E),
        ],
    ),
    ("fail_g0507_first_day_2018", [("C1", 1, "retired", E), ("C1", 2, "retired", E)]),
    ("fail_mft_g0323_last_day_2023", [("C1", 1, "practitioner-not-yet-eligible", E)]),
    ("pass_g0323_2024_without_roster", []),
    ("fail_g0323_2022_without_roster", [("C1", 1, "not-yet-effective", E)]),
    ("pass_g0506_ccm_addon_still_active", []),
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
def test_code_valid_for_date(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[code_valid_for_date.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {code_valid_for_date.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
