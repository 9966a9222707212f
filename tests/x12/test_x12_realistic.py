"""A realistic 837P written by hand after the 005010X222A1 structure, and pyx12 validation.

``fixtures/realistic_837p.837`` is synthetic (the implementation guide's own examples are
X12's copyright and no redistributable real file was found). It uses what real files carry
and the generated ones do not: a group billing provider (NM102=2) with PRV, pay-to address,
2310B rendering with PRV, REF and line-level 2420A segments, an RD8 date range, and a
dependent patient in a 2000C loop. pyx12 4.x validates it without errors.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from x12_support import FIXTURES, load, replace, write

from bhi_audit.loaders import X12Options, load_paths
from bhi_audit.loaders.x12_reader import X12Claim, read_837
from bhi_audit.loaders.x12_validate import validate_with_pyx12

from conftest import run_audit

REALISTIC = FIXTURES / "realistic_837p.837"
DOCS = FIXTURES / "docs.json"


def test_realistic_file_gives_exactly_these_records():
    bundle = load(REALISTIC)
    assert bundle.rejected == []
    claims = [
        (c.claim_id, c.patient_id, c.billing_practitioner, c.rendering_practitioner,
         c.place_of_service, c.diagnoses, c.location.segment)
        for c in bundle.records["claims"]
    ]  # fmt: skip
    assert claims == [
        ("SPC-2026-0311", "P1", "S1", "S1", "11", ["F32.1", "F41.1"], 25),
        ("SPC-2026-0412", "P3", "S2", "S2", "02", ["F41.1", "F32.9"], 49),
    ]
    lines = [
        (x.claim_id, x.line_number, x.code, x.modifiers, x.units, x.date_of_service,
         x.diagnosis_pointers, x.charge, x.place_of_service, x.location.segment)
        for x in bundle.records["claim_lines"]
    ]  # fmt: skip
    march, april = date(2026, 3, 31), date(2026, 4, 12)
    assert lines == [
        ("SPC-2026-0311", 1, "99492", [], 1, march, [1, 2], Decimal("160.32"), None, 30),
        ("SPC-2026-0311", 2, "99494", [], 1, march, [1], Decimal("58.90"), None, 34),
        ("SPC-2026-0412", 1, "G2214", ["95"], 1, april, [1, 2], Decimal("62.50"), "02", 52),
    ]


def test_reader_keeps_the_raw_identifiers():
    claims = [e for e in read_837(REALISTIC, "r.837") if isinstance(e, X12Claim)]
    assert [(c.billing_npi, c.billing_entity, c.member_id, c.patient_in_2000c) for c in claims] == [
        ("1444333227", "2", "1EG4TE5MK73", False),
        ("1444333227", "2", "3GJ6VG7PM95", True),
    ]
    assert [(c.frequency, c.filing_indicator, c.payer_id) for c in claims] == [
        ("1", "MB", "04402"),
        ("1", "MB", "04402"),
    ]


def test_realistic_file_audits_like_any_claim():
    result = run_audit(REALISTIC, DOCS, select=["BHI-DATA-001"])
    assert result.findings == ()
    assert sorted(result.per_claim) == ["SPC-2026-0311", "SPC-2026-0412"]


# ------------------------------------------------------------------ pyx12 validation

pytest.importorskip("pyx12")


def test_pyx12_accepts_the_realistic_file():
    assert validate_with_pyx12(REALISTIC, "r.837") == {}


def test_pyx12_errors_reject_the_claim_they_fall_in(tmp_path):
    text = REALISTIC.read_text()
    text = replace(text, "DTP*472*D8*20260412", "DTP*472*D8*20260412*X")
    path = write(tmp_path, text)
    plain = load_paths([path, DOCS])
    assert plain.rejected == []
    checked = load_paths([path, DOCS], X12Options(validate=True))
    assert {(r.kind, r.location.segment, r.message) for r in checked.rejected} == {
        (
            "claims",
            49,
            'pyx12: error 8: DTP: Too many elements in segment "Date - Service Date" (DTP). '
            "Has 4, should have 3 (segment 54)",
        ),
        ("claim_lines", 52, "claim_id: claim SPC-2026-0412 (segment 49) is rejected"),
    }
    assert [c.claim_id for c in checked.records["claims"]] == ["SPC-2026-0311"]


def test_pyx12_errors_outside_claims_are_rejected_segments(tmp_path):
    text = replace(REALISTIC.read_text(), "N4*SPRINGFIELD*IL*627040001~\n", "")
    text = replace(text, "SE*53*0021", "SE*52*0021")
    path = write(tmp_path, text)
    checked = load_paths([path, DOCS], X12Options(validate=True))
    assert {(r.kind, r.location.segment, r.message) for r in checked.rejected} == {
        (
            "x12_segments",
            12,  # pyx12 notices the missing N4 at the next segment (REF, now segment 12)
            'pyx12: error 3: N4: Mandatory segment "Billing Provider City, State, ZIP Code" '
            "(N4) missing",
        )
    }
    assert len(checked.records["claims"]) == 2


def test_cli_x12_validate_flag(runner, tmp_path):
    from bhi_audit.cli import main

    report = tmp_path / "out.txt"
    result = runner.invoke(
        main, ["check", str(REALISTIC), str(DOCS), "--x12-validate", "-o", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "rejected claims record" not in report.read_text()
    assert "claims 2 read = 2 audited + 0 rejected" in report.read_text()
