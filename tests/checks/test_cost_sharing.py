"""BHI-COST-001: cost sharing expected unless QMB / G0558 (rulebook §5.5)."""

from __future__ import annotations

from pathlib import Path

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cost_sharing"
ID = "BHI-COST-001"


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


def test_no_note_without_bhi_lines() -> None:
    assert keys(audit("pass_no_bhi_lines")) == set()


def test_one_note_per_patient() -> None:
    result = audit("fail_cost_sharing_notes")
    assert keys(result) == {
        ("C1", 1, ID, "coinsurance-expected", "violation"),  # P1: two 99484 lines
        ("C3", 1, ID, "qmb", "violation"),  # P2 is a QMB
        ("C4", 1, ID, "g0558-not-qmb", "violation"),  # P3: G0558 but qmb false
    }
    assert all(f.severity.value == "info" for f in result.findings)


def test_coinsurance_is_20_percent_of_national_amounts() -> None:
    (finding,) = (f for f in audit("fail_cost_sharing_notes").findings if f.claim_id == "C1")
    assert finding.facts["coinsurance"] == "22.98"  # 2 x 57.45 x 0.20
