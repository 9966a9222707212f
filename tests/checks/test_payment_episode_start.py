"""BHI-PAY-002: months with billable BHI/CoCM minutes that were not billed (rulebook §9)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "payment_episode_start"
ID = "BHI-PAY-002"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


CASES = [
    ("pass_bhi_19_min", None),
    ("pass_month_billed", None),
    ("pass_no_consent", None),
    ("pass_no_behavioral_diagnosis", None),
    ("fail_bhi_20_min_not_billed", "57.45"),  # boundary: 99484 at 20 minutes
    ("fail_bhi_month_not_billed", "57.45"),
    ("fail_cocm_initial_month_not_billed", "160.32"),  # 40 min, first CoCM month: 99492
]


@pytest.mark.parametrize(("fixture", "opportunity"), CASES, ids=[c[0] for c in CASES])
def test_unbilled_month(fixture: str, opportunity: str | None) -> None:
    result = audit(fixture)
    if opportunity is None:
        assert keys(result) == set()
        return
    assert keys(result) == {("/time_entries/0", None, ID, "info", "violation")}
    assert [f.opportunity for f in result.findings] == [Decimal(opportunity)]


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    # the April entry (the second) carries the note: G2214 at the 16-minute floor
    ("fail_cocm_16_min_subsequent_not_billed", "/time_entries/1", "60.79"),
    ("pass_cocm_15_min_not_billed", None, None),
    ("pass_consent_revoked", None, None),
    ("pass_month_billed_under_the_other_model", None, None),  # 99484 billed; CoCM time too
    ("pass_other_practitioner_billed_the_month", None, None),  # D2 billed 99484
]


@pytest.mark.parametrize(
    ("fixture", "pointer", "opportunity"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES]
)
def test_review_cases(fixture: str, pointer: str | None, opportunity: str | None) -> None:
    result = audit(fixture)
    if pointer is None:
        assert keys(result) == set()
        return
    assert keys(result) == {(pointer, None, ID, "info", "violation")}
    (finding,) = result.findings
    assert str(finding.opportunity) == opportunity


def test_unbilled_2027_month_says_rates_not_loaded() -> None:
    (finding,) = audit("fail_bhi_2027_rates_not_loaded").findings
    assert "99484 supported, rates not loaded for CY2027" in finding.message
    assert finding.opportunity is None
