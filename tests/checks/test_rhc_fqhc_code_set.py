"""BHI-CODE-002 (rhc-fqhc-code-set) on synthetic bundles read by the real loader.

Requirement: RHC/FQHC claims bill BHI and CoCM with the code set of the year, on the right claim
form.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import rhc_fqhc_code_set

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "rhc_fqhc_code_set"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_code_set_by_year", []),
    (
        "fail_g0511_transition_window",
        [
            ("C1", 1, "transition-window", W),
            ("C1", 2, "transition-window", W),
            ("C1", 3, "rhc-code-retired", E),
        ],
    ),
    ("fail_g0512_in_2026", [("C1", 1, "rhc-code-retired", E)]),
    (
        "fail_individual_code_too_early",
        [("C1", 1, "individual-code-too-early", E), ("C1", 2, "individual-code-too-early", E)],
    ),
    ("fail_revenue_code", [("C1", 1, "revenue-code", E), ("C1", 2, "revenue-code", E)]),
    (
        "fail_rhc_code_off_rhc_claim",
        [("C1", 1, "rhc-code-off-rhc-claim", E), ("C2", 1, "rhc-code-off-rhc-claim", E)],
    ),
    ("unverifiable_no_type_of_bill", [("C1", 1, None, U)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_d5_and_2026_boundaries", []),
    (
        "fail_d5_window_edges",
        [
            ("C1", 1, "transition-window", W),
            ("C1", 2, "transition-window", W),
            ("C2", 1, "rhc-code-retired", E),
        ],
    ),
    (
        "fail_cocm_individual_codes_in_2025",
        [
            ("C1", 1, "individual-code-too-early", E),
            ("C1", 2, "individual-code-too-early", E),
            ("C2", 1, "individual-code-too-early", E),
        ],
    ),
    ("fail_g0512_first_day_2026", [("C1", 1, "rhc-code-retired", E)]),
    ("fail_rhc_code_on_hospital_claim", [("C1", 1, "rhc-code-off-rhc-claim", E)]),
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
def test_rhc_fqhc_code_set(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[rhc_fqhc_code_set.ID])
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {rhc_fqhc_code_set.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
