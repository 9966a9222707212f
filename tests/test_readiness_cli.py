"""``bhi-audit readiness PATH...`` (text, JSON, HTML), the readiness in the JSON and HTML
reports, and its redaction (docs/readiness.md).

Exit codes: 0 whatever the readiness; 2 on a usage error or unusable input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bhi_audit.cli import main

from conftest import SAMPLE

KEY = ["--redact-key", "k-readiness-test"]


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    """A not-ready practice: the consultant's qualification is blank and a week is missed.

    Staff names carry markup, which every HTML output must escape.
    """
    document: dict[str, Any] = {
        "period": {"records_from": "2025-01-01", "records_to": "2026-03-31"},
        "staff": [
            {"staff_id": "D1", "name": "Dr One", "roles": ["billing_practitioner"],
             "practitioner_type": "physician"},
            {"staff_id": "N1", "name": "<script>alert(1)</script>", "roles": ["bhcm"],
             "bh_training": True},
            {"staff_id": "R1", "name": "Rae & Co", "roles": ["psychiatric_consultant"],
             "full_psych_prescriber": True},
        ],
        "patients": [{"patient_id": "PATIENT-CANARY", "name": "Canary Patientname"}],
        "claims": [
            {"claim_id": "CLAIM-CANARY", "patient_id": "PATIENT-CANARY",
             "billing_practitioner": "D1", "diagnoses": ["F32.1"]},
        ],
        "claim_lines": [
            {"claim_id": "CLAIM-CANARY", "line_number": 1, "code": "99492",
             "date_of_service": "2026-03-31", "diagnosis_pointers": [1]},
        ],
        "time_entries": [
            {"entry_id": "ENTRY-CANARY", "patient_id": "PATIENT-CANARY", "program": "COCM",
             "date": "2026-03-06", "minutes": 20, "staff_id": "N1", "note": "NOTE-CANARY"},
        ],
        "consents": [
            {"consent_id": "CONSENT-CANARY", "patient_id": "PATIENT-CANARY",
             "programs": ["COCM"], "date_obtained": "2026-02-20", "method": "verbal",
             "elements": ["cost_sharing"]},
        ],
        "caseload_reviews": [
            {"review_id": "REVIEW-CANARY", "date": "2026-03-04", "consultant_id": "R1",
             "patients_reviewed": ["PATIENT-CANARY"]},
        ],
    }  # fmt: skip
    path = tmp_path / "practice.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


CANARIES = (
    "PATIENT-CANARY",
    "CLAIM-CANARY",
    "ENTRY-CANARY",
    "CONSENT-CANARY",
    "REVIEW-CANARY",
    "Canary Patientname",
    "NOTE-CANARY",
)


def test_text_report_exits_0_when_not_ready(runner, practice):
    result = runner.invoke(main, ["readiness", str(practice), "--isolated"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("CoCM readiness: bhi-audit ")
    assert lines[0].endswith("; records 2025-01-01..2026-03-31; configuration isolated")
    assert "2026-03  not ready  1 CoCM patient-month(s)" in lines
    assert (
        "  [amber] psychiatric consultant on the roster and qualified: 0 qualified "
        "psychiatric consultant(s) of 1 on the roster"
    ) in lines
    assert "  [amber] weekly caseload reviews held: 1 of 4 weeks covered by a caseload review" in (
        lines
    )
    assert "  [red] registry in use: 0 of 1 patient-month(s) on the registry" in lines
    assert "      refs: CONSENT-CANARY" in lines
    assert (
        "  would pay (1 patient-month(s) with BHI/CoCM time): general BHI $57.45  CoCM $60.79"
    ) in lines
    assert "total  general BHI $57.45  CoCM $60.79" in lines


def test_json_report_is_the_result_readiness(runner, practice):
    result = runner.invoke(main, ["readiness", str(practice), "--isolated", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == "1"
    assert document["configuration"] == "isolated"
    [month] = document["readiness"]["months"]
    assert month["status"] == "red"
    assert month["minutes"]["g2214_only"] == 1
    assert [i["status"] for i in month["items"]] == [
        "amber",
        "green",
        "red",
        "amber",
        "red",
        "red",
        "red",
    ]
    assert document["readiness"]["rates"][0]["year"] == 2026


def test_html_page_is_self_contained_and_escaped(runner, practice, tmp_path):
    out = tmp_path / "readiness.html"
    result = runner.invoke(
        main, ["readiness", str(practice), "--isolated", "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Rae &amp; Co (R1)" in page
    assert 'id="readiness"' in page
    assert "<link" not in page and "src=" not in page


def test_output_is_byte_identical_on_rerun(runner, practice):
    for fmt in ("text", "json", "html"):
        args = ["readiness", str(practice), "--isolated", "--format", fmt, "--as-of", "2026-04-15"]
        first = runner.invoke(main, args)
        second = runner.invoke(main, args)
        assert first.exit_code == second.exit_code == 0
        assert first.stdout == second.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_redact_leaves_no_identifier(runner, practice, fmt):
    plain = runner.invoke(main, ["readiness", str(practice), "--isolated", "--format", fmt])
    assert "CONSENT-CANARY" in plain.stdout
    result = runner.invoke(
        main, ["readiness", str(practice), "--isolated", "--format", fmt, "--redact", *KEY]
    )
    assert result.exit_code == 0, result.output
    for canary in CANARIES:
        assert canary not in result.stdout
        assert canary not in result.stderr
    assert str(practice.name) not in result.stdout
    # staff names are not patient identifiers (docs/security.md): they stay
    assert "Rae &amp; Co" in result.stdout or "Rae & Co" in result.stdout


def test_check_json_report_redacts_readiness(runner, practice):
    result = runner.invoke(
        main, ["check", str(practice), "--isolated", "--format", "json", "--redact", *KEY]
    )
    assert result.exit_code == 1  # findings
    document = json.loads(result.stdout)
    [month] = document["readiness"]["months"]
    refs = [ref for item in month["items"] for ref in item["refs"]]
    assert any(ref.startswith("id-") for ref in refs)  # the consent and review, pseudonymised
    assert any(ref.startswith("pt-") for ref in refs)  # a patient-month gap
    for canary in CANARIES:
        assert canary not in result.stdout


def test_main_html_report_has_the_readiness_section(runner, practice):
    result = runner.invoke(main, ["check", str(practice), "--isolated", "--format", "html"])
    page = result.stdout
    assert page.count('id="readiness"') == 1
    assert "CoCM readiness, and what the logged minutes would pay" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_nothing_to_assess(runner, tmp_path):
    empty = {
        "claims": [{"claim_id": "C1", "patient_id": "P1", "billing_practitioner": "D1"}],
        "claim_lines": [
            {"claim_id": "C1", "line_number": 1, "code": "99213", "date_of_service": "2026-03-02"}
        ],
    }
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(empty), encoding="utf-8")
    text = runner.invoke(main, ["readiness", str(path), "--isolated"])
    assert text.exit_code == 0
    assert text.stdout.splitlines()[1] == (
        "no BHI or CoCM patient-month in the input: nothing to assess"
    )
    document = json.loads(
        runner.invoke(main, ["readiness", str(path), "--isolated", "--format", "json"]).stdout
    )
    assert document["readiness"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing-dir"], "missing-dir"),
        (["--format", "xml", str(SAMPLE)], "'xml' is not one of"),
    ],
    ids=["missing-input", "unknown-format"],
)
def test_unusable_input_and_usage_errors_exit_2(runner, args, message):
    result = runner.invoke(main, ["readiness", "--isolated", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_invalid_json_exits_2_without_traceback(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(main, ["readiness", str(bad), "--isolated"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"bhi-audit: error: {bad}")
    assert "Traceback" not in result.stderr


def test_sample_practice(runner):
    result = runner.invoke(main, ["readiness", str(SAMPLE), "--isolated", "--format", "json"])
    assert result.exit_code == 0
    months = json.loads(result.stdout)["readiness"]["months"]
    assert [(m["month"], m["status"]) for m in months] == [
        ("2026-01", "amber"),
        ("2026-02", "amber"),
        ("2026-03", "green"),
    ]


def test_command_and_json_report_carry_the_same_readiness(runner, practice):
    report = runner.invoke(main, ["check", str(practice), "--isolated", "--format", "json"])
    command = runner.invoke(main, ["readiness", str(practice), "--isolated", "--format", "json"])
    assert json.loads(report.stdout)["readiness"] == json.loads(command.stdout)["readiness"]
