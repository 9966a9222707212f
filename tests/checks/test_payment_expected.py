"""BHI-PAY-001: expected national payment per line by date-of-service year (rulebook §6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "payment_expected"
ID = "BHI-PAY-001"


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
    ("C1", 1, "160.32", "99492 CY2026"),
    ("C2", 1, "54.03", "99484 on 2024-03-08, CF 32.7442"),
    ("C3", 1, "54.92", "99484 on 2024-03-09, CF 33.2875"),
    ("C5", 1, "144.96", "99493 CY2026"),
    ("C5", 2, "122.92", "99494 x2 CY2026"),
    ("C6", 1, None, "G0552 contractor-priced"),
    ("C4", 1, None, "99493 in 2027: rates not loaded"),
]


def test_one_info_per_priced_code_line_and_none_for_other_codes() -> None:
    result = audit("fail_expected_amounts")
    assert keys(result) == {(c, n, ID, "info", "violation") for c, n, _, _ in CASES}  # not C7
    assert all(f.at_risk is None and f.opportunity is None for f in result.findings)


@pytest.mark.parametrize(("claim", "line", "amount", "what"), CASES, ids=[c[3] for c in CASES])
def test_amount(claim: str, line: int, amount: str | None, what: str) -> None:
    (finding,) = (
        f
        for f in audit("fail_expected_amounts").findings
        if (f.claim_id, f.line_number) == (claim, line)
    )
    assert finding.facts.get("amount") == amount


def test_2027_says_rates_not_loaded() -> None:
    (finding,) = (f for f in audit("fail_expected_amounts").findings if f.claim_id == "C4")
    assert "rates not loaded for CY2027" in finding.message
