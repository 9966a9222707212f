"""CSV worklist: golden output, one row per finding, an empty resolution column, no formulas."""

from __future__ import annotations

import csv
import io

import pytest

from bhi_audit.reporters import csv_worklist
from bhi_audit.reporters.text import one_line


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("name", ["sample", "rich", "hostile"])
def test_matches_golden(name, render_text, golden, golden_input):
    result = golden_input(name)
    golden(f"{name}.csv", render_text(csv_worklist.render, result))


def test_one_row_per_rejected_record_and_finding_with_required_columns(rich_result, render_text):
    rows = _rows(render_text(csv_worklist.render, rich_result))
    assert len(rich_result.rejected) == 2
    assert len(rows) == len(rich_result.rejected) + len(rich_result.findings)
    for column in ("patient", "month", "claim", "line", "check", "severity", "message", "at_risk"):
        assert column in rows[0]
    assert list(rows[0])[-1] == "resolution"
    assert all(row["resolution"] == "" for row in rows)


def test_rows_hold_every_rejected_record_then_every_finding_once(rich_result, render_text):
    rows = _rows(render_text(csv_worklist.render, rich_result))
    rejected = len(rich_result.rejected)
    assert [(r["check"], r["message"]) for r in rows[:rejected]] == [
        ("BHI-INPUT", one_line(f"rejected {r.kind} record: {r.message}"))
        for r in rich_result.rejected
    ]
    assert sorted(r["finding"] for r in rows[rejected:]) == sorted(
        f.fingerprint for f in rich_result.findings
    )


def test_rejected_records_are_worklist_rows(sample_result, render_text):
    rows = _rows(render_text(csv_worklist.render, sample_result))
    rejected = [r for r in rows if r["status"] == "rejected"]
    assert [
        (r["check"], r["check_name"], r["severity"], r["message"], r["location"]) for r in rejected
    ] == [
        (
            "BHI-INPUT",
            "rejected-input",
            "error",
            "rejected assessments record: score: expected a whole number, got 'not-a-number'",
            "tests/reporters/fixtures/sample.json#/assessments/0",
        ),
        (
            "BHI-INPUT",
            "rejected-input",
            "error",
            "rejected patients record: dob: not a calendar date: '1950-02-30'",
            "tests/reporters/fixtures/sample.json#/patients/3",
        ),
    ]


def test_status_and_money(rich_result, render_text):
    rows = _rows(render_text(csv_worklist.render, rich_result))
    by_key = {(r["check"], r["claim"], r["line"]): r for r in rows}
    waived = by_key[("BHI-COCM-003", "CLM-003", "1")]
    assert (waived["status"], waived["at_risk"]) == ("waived", "160.32")
    assert waived["waiver_reason"] == "consultant review documented on paper <scanned>"
    assert by_key[("BHI-TIME-001", "CLM-002", "1")]["status"] == "waiver expired"
    assert by_key[("BHI-TIME-003", "CLM-004", "2")]["status"] == "baselined"
    unverifiable = by_key[("BHI-CONS-004", "CLM-001", "1")]
    assert (unverifiable["status"], unverifiable["at_risk"]) == ("not verifiable", "")
    assert unverifiable["opportunity"] == "12.50"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("P1", "P1"),
    ],
    ids=["equals", "plus", "minus", "at", "plain"],
)
def test_formula_cells_are_defused(sample_result, render_text, value, cell):
    finding = sample_result.findings[0].model_copy(update={"patient_id": value})
    result = sample_result.model_copy(update={"findings": (finding,), "rejected": ()})
    (row,) = _rows(render_text(csv_worklist.render, result))
    assert row["patient"] == cell


def test_output_is_deterministic(rich_result, render_text):
    assert render_text(csv_worklist.render, rich_result) == render_text(
        csv_worklist.render, rich_result
    )
