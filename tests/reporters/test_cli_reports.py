"""The CLI writes several reports from one run, keeps --format/--output, and is deterministic."""

from __future__ import annotations

import json

import pytest

from bhi_audit.cli import main
from bhi_audit.reporters import REPORTERS

SAMPLE = "tests/reporters/fixtures/sample.json"
CSV_BUNDLE = "tests/reporters/fixtures/csv_bundle"


def _run_all(runner, out_dir, *extra):
    out_dir.mkdir(parents=True, exist_ok=True)
    args = ["check", SAMPLE, CSV_BUNDLE, "--format", "json", "-o", str(out_dir / "main.json")]
    for fmt in sorted(REPORTERS):
        args += ["--report", f"{fmt}:{out_dir / ('report.' + fmt)}"]
    result = runner.invoke(main, [*args, *extra])
    assert result.exit_code == 1, result.output
    return {p.name: p.read_bytes() for p in sorted(out_dir.iterdir())}


def test_several_reports_from_one_run(runner, tmp_path):
    files = _run_all(runner, tmp_path, "--redact-key", "k")
    assert set(files) == {"main.json"} | {f"report.{fmt}" for fmt in REPORTERS}
    assert json.loads(files["main.json"]) == json.loads(files["report.json"])
    assert files["report.html"].startswith(b"<!DOCTYPE html>")
    assert files["report.junit"].startswith(b"<?xml")


@pytest.mark.parametrize("redaction", [(), ("--redact",), ("--no-redact",)], ids=str)
def test_every_format_is_byte_identical_across_runs(runner, tmp_path, redaction):
    first = _run_all(runner, tmp_path / "first", "--redact-key", "k", *redaction)
    second = _run_all(runner, tmp_path / "second", "--redact-key", "k", *redaction)
    assert first == second


def test_format_and_output_still_work(runner, tmp_path):
    target = tmp_path / "out.sarif"
    result = runner.invoke(main, ["check", SAMPLE, "--format", "sarif", "-o", str(target)])
    assert result.exit_code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    result = runner.invoke(main, ["check", SAMPLE, "--format", "csv"])
    assert result.stdout.startswith("patient,month,claim,line")


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("pdf:out.pdf", "unknown format 'pdf'"),
        ("html", "'html' is not FORMAT:PATH"),
        ("html:", "'html:' is not FORMAT:PATH"),
    ],
    ids=["unknown-format", "no-path", "empty-path"],
)
def test_bad_report_spec_is_a_usage_error(runner, spec, error):
    result = runner.invoke(main, ["check", SAMPLE, "--report", spec])
    assert result.exit_code == 2
    assert error in result.stderr
    assert result.stdout == ""


def test_unwritable_report_path_is_a_user_error(runner, tmp_path):
    target = tmp_path / "missing-dir" / "report.html"
    result = runner.invoke(main, ["check", SAMPLE, "--report", f"html:{target}"])
    assert result.exit_code == 2
    assert "cannot write output (no such folder)" in result.stderr


WAIVERS = """\
waivers:
  - id: W-1
    check: BHI-COCM-003
    patient: MRN-10002
    month: 2026-01
    reason: consultant review documented on paper <binder 4>
    approved_by: compliance officer
    approved_on: 2099-01-01
    expires: 2099-12-31
  - id: W-2
    check: BHI-TIME-001
    patient: MRN-10003
    month: 2026-01
    reason: matches nothing, so it is reported
    approved_by: compliance officer
    approved_on: 2099-01-01
    expires: 2099-12-31
"""


def _run_with_waivers(runner, tmp_path, *extra):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    args = ["check", SAMPLE, "--waivers", str(waivers), "--format", "text"]
    for fmt in ("html", "junit", "sarif", "csv"):
        args += ["--report", f"{fmt}:{tmp_path / ('report.' + fmt)}"]
    result = runner.invoke(main, [*args, *extra])
    assert result.exit_code == 1, result.output
    return {
        fmt: (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")
        for fmt in REPORTERS
        if (tmp_path / f"report.{fmt}").exists()
    }


def test_real_waivers_show_in_every_report(runner, tmp_path):
    out = _run_with_waivers(runner, tmp_path, "--no-redact")
    assert "waived (W-1): consultant review documented on paper &lt;binder 4&gt;" in out["html"]
    assert "Waivers that matched nothing" in out["html"]
    assert '<skipped message="waived (W-1): consultant review documented on paper' in out["junit"]
    sarif = json.loads(out["sarif"])
    (waived,) = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert waived["suppressions"][0]["justification"].startswith("waiver W-1: consultant review")
    assert [w["waiverId"] for w in sarif["runs"][0]["properties"]["unusedWaivers"]] == ["W-2"]
    assert ",waived,no caseload review held in 2026-01" in out["csv"]


def test_redaction_reaches_waivers(runner, tmp_path):
    out = _run_with_waivers(runner, tmp_path, "--redact", "--redact-key", "k")
    for fmt, text in out.items():
        assert "MRN-1000" not in text, fmt
