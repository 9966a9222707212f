"""BHI-PAY-002: months with billable BHI/CoCM minutes that were not billed (rulebook §9)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "payment_episode_start"
ID = "BHI-PAY-002"


def keys(result: AuditResult) -> set[tuple[object, ...]]:
    """(claim id or JSON pointer, line, check, variant or severity, outcome) per finding."""
    return {
        (
            f.claim_id or f.location.split("#")[-1],
            f.line_number,
            f.check_id,
            f.variant or f.severity.value,
            f.outcome.value,
        )
        for f in result.findings
    }


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
