"""BHI-PAY-001: expected national payment per line by date-of-service year (rulebook §6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.engine import AuditSettings
from bhi_audit.result import AuditResult
from checks.payment_expected import Options

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "payment_expected"
ID = "BHI-PAY-001"


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


def every_line() -> AuditSettings:
    """The opt-in payment worksheet: one info per priced line as well."""
    return AuditSettings(options={ID: Options(every_line=True)})


def test_by_default_only_lines_that_cannot_be_priced() -> None:
    result = audit("fail_expected_amounts")
    assert keys(result) == {("C4", 1, ID, "info", "violation"), ("C6", 1, ID, "info", "violation")}


def test_every_line_option_one_info_per_priced_code_line_and_none_for_other_codes() -> None:
    result = audit("fail_expected_amounts", settings=every_line())
    assert keys(result) == {(c, n, ID, "info", "violation") for c, n, _, _ in CASES}  # not C7
    assert all(f.at_risk is None and f.opportunity is None for f in result.findings)


@pytest.mark.parametrize(("claim", "line", "amount", "what"), CASES, ids=[c[3] for c in CASES])
def test_amount(claim: str, line: int, amount: str | None, what: str) -> None:
    (finding,) = (
        f
        for f in audit("fail_expected_amounts", settings=every_line()).findings
        if (f.claim_id, f.line_number) == (claim, line)
    )
    assert finding.facts.get("amount") == amount


def test_2027_says_rates_not_loaded() -> None:
    (finding,) = (f for f in audit("fail_expected_amounts").findings if f.claim_id == "C4")
    assert "rates not loaded for CY2027" in finding.message


def test_priced_lines_are_silent_by_default() -> None:
    # 99492 + 99494 in CY2026, 99484 on 2024-03-08: all priced, nothing to find
    assert keys(audit("pass_priced_lines_silent_by_default")) == set()
    settings = every_line()
    assert len(audit("pass_priced_lines_silent_by_default", settings=settings).findings) == 3


def test_retired_code_is_code_001s_error_not_a_rate_gap() -> None:
    assert keys(audit("pass_retired_code_left_to_code_001")) == set()
