"""BHI-EXCL-011 (concurrent-care-management-evidence) on synthetic bundles read by the real loader.

Requirement: CCM or PCM billed beside BHI/CoCM in a month has time evidence that no minute
counts twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks import concurrent_care_management_evidence

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "concurrent_care_management_evidence"

E, W, U = "error", "warning", "unverifiable"
#: fixture -> sorted (claim, line, variant, severity or "unverifiable") of every finding
CASES = [
    ("pass_consents_and_separate_time", []),
    ("fail_no_ccm_time", [("C1", 2, None, W)]),
    ("pass_consent_missing_is_cons_004s", []),
    ("fail_same_day_without_clock_times", [("C1", 2, None, W)]),
    ("unverifiable_no_time_log", [("C1", 2, None, U)]),
    # review-b: independent boundary cases written from the rulebook
    ("pass_pcm_with_cocm_separate_time", []),
    ("pass_rpm_not_in_scope", []),
    ("fail_tcm_and_other_practitioner_ccm_without_time", [("C2", 1, None, W)]),
    # review-b: independent boundary cases written from the rulebook
    (
        "unverifiable_no_ccm_time_month_partly_outside_records",
        [("C1", 2, None, U), ("C2", 2, None, W)],
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
def test_concurrent_care_management_evidence(fixture, expected):
    result = run_audit(
        FIXTURES / f"{fixture}.json", select=[concurrent_care_management_evidence.ID]
    )
    assert finding_keys(result) == sorted(expected, key=str)
    assert {f.check_id for f in result.findings} <= {concurrent_care_management_evidence.ID}
    assert not result.rejected


def test_every_fixture_is_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(c[0] for c in CASES)
