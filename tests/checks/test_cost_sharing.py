"""BHI-COST-001: cost sharing expected unless QMB / G0558 (rulebook §5.5)."""

from __future__ import annotations

from pathlib import Path

from checkcases import labelled_keys as keys

from bhi_audit.engine import AuditSettings
from bhi_audit.result import AuditResult
from checks.cost_sharing import Options

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "cost_sharing"
ID = "BHI-COST-001"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


def test_no_note_without_bhi_lines() -> None:
    assert keys(audit("pass_no_bhi_lines")) == set()


def every_patient() -> AuditSettings:
    """The opt-in coinsurance note for ordinary patients."""
    return AuditSettings(options={ID: Options(every_patient=True)})


def test_by_default_only_qmb_notes() -> None:
    result = audit("fail_cost_sharing_notes")
    assert keys(result) == {
        ("C3", 1, ID, "qmb", "violation"),  # P2 is a QMB
        ("C4", 1, ID, "g0558-not-qmb", "violation"),  # P3: G0558 but qmb false
    }  # P1 (ordinary patient, two 99484 lines): nothing to find
    assert all(f.severity.value == "info" for f in result.findings)


def test_one_note_per_patient_with_every_patient() -> None:
    result = audit("fail_cost_sharing_notes", settings=every_patient())
    assert keys(result) == {
        ("C1", 1, ID, "coinsurance-expected", "violation"),  # P1: two 99484 lines
        ("C3", 1, ID, "qmb", "violation"),
        ("C4", 1, ID, "g0558-not-qmb", "violation"),
    }


def test_coinsurance_is_20_percent_of_national_amounts() -> None:
    result = audit("fail_cost_sharing_notes", settings=every_patient())
    (finding,) = (f for f in result.findings if f.claim_id == "C1")
    assert finding.facts["coinsurance"] == "22.98"  # 2 x 57.45 x 0.20


def test_no_dollar_amount_when_rates_are_not_loaded() -> None:
    result = audit("fail_2027_line_rates_not_loaded", settings=every_patient())
    (finding,) = result.findings
    assert "amount unknown, rates not loaded" in finding.message
    assert "$0.00" not in finding.message
