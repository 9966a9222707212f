"""Every report counts what the result's summary counts, by construction.

Why: the engine settles each evaluation and finding once, after waivers and the baseline, and
the summary (``totals``, ``per_check``) is computed from those settled statuses; reporters
only map them. One run per input — the sample practice and a generated one, each with a
waiver and a baseline — writes every format, and each format's own counts (JUnit
tests/failures/errors/skipped per suite, SARIF results and suppressions, the HTML first
screen's counters, the text summary line, CSV rows by status, the JSON evaluations) are
compared with the summary the JSON report carries (``--evaluations all``: the whole result).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from bhi_audit.cli import main
from bhi_audit.generator import GenerateSpec, generate

from conftest import SAMPLE

AS_OF = ["--as-of", "2026-12-02"]
FORMATS = ("json", "html", "junit", "sarif", "csv")


def _open(finding: dict[str, Any]) -> bool:
    """A finding whose settled status is open (a violation neither waived nor baselined)."""
    waiver = finding["waiver"]
    in_force = waiver is not None and not waiver["expired"]
    return finding["outcome"] == "violation" and not finding["baselined"] and not in_force


def _write_exceptions(runner: Any, folder: Path) -> tuple[str, str]:
    """A waiver for one claim's findings of one check and a baseline of another check's."""
    first = runner.invoke(main, ["check", "input", "--format", "json", *AS_OF])
    assert first.exit_code == 1, first.stderr
    errors = [
        f
        for f in json.loads(first.stdout)["findings"]
        if _open(f) and f["severity"] == "error" and f["claim_id"]
    ]
    waived = errors[0]
    baselined = next(f["check_id"] for f in errors if f["check_id"] != waived["check_id"])
    waiver = {
        "id": "W-COUNTS-1",
        "check": waived["check_id"],
        "claim": waived["claim_id"],
        "reason": "records recovered from the paper chart",
        "approved_by": "J. Rivera (compliance)",
        "approved_on": "2026-11-01",
        "expires": "2027-03-31",
    }
    (folder / "waivers.yaml").write_text(yaml.safe_dump({"waivers": [waiver]}), encoding="utf-8")
    made = runner.invoke(
        main, ["baseline", "input", "-o", "baseline.json", "--select", baselined, *AS_OF]
    )
    assert made.exit_code == 0, made.stderr
    return waived["check_id"], baselined


@pytest.fixture(scope="module", params=["sample", "generated"])
def reports(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp(f"counts-{request.param}")
    if request.param == "sample":
        shutil.copytree(SAMPLE, folder / "input")
    else:
        generate(GenerateSpec(patients=60, months=6, seed=5, defect_rate=0.2), folder / "input")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        _write_exceptions(runner, folder)
        args = ["check", "input", *AS_OF, "--waivers", "waivers.yaml"]
        args += ["--baseline", "baseline.json", "--no-redact", "--format", "text"]
        args += ["--evaluations", "all"]
        for fmt in FORMATS:
            args += ["--report", f"{fmt}:report.{fmt}"]
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.stderr
    out = {fmt: (folder / f"report.{fmt}").read_text(encoding="utf-8") for fmt in FORMATS}
    out["text"] = result.stdout
    return out


def test_json_evaluations_are_the_per_check_counts(reports):
    document = json.loads(reports["json"])
    totals = document["totals"]
    # the inputs' facts, so that agreement cannot be agreement on nothing
    assert totals["open_errors"] > 0 and totals["waived"] > 0 and totals["baselined"] > 0
    assert document["evaluations_listed"] == "all"
    by_check: dict[str, Counter[str]] = {c: Counter() for c in document["per_check"]}
    for evaluation in document["evaluations"]:
        by_check[evaluation["check_id"]][evaluation["status"]] += 1
    for check_id, summary in document["per_check"].items():
        statuses = by_check[check_id]
        assert (
            summary["passed"],
            summary["failed"],
            summary["units_waived"],
            summary["units_baselined"],
            summary["unverifiable"],
            summary["internal_errors"],
        ) == (
            statuses["passed"],
            statuses["failed"],
            statuses["waived"],
            statuses["baselined"],
            statuses["unverifiable"],
            statuses["internal-error"],
        ), check_id
        assert summary["applicable"] == statuses.total(), check_id
    findings = document["findings"]
    assert (
        totals["findings"]
        == len(findings)
        == (
            totals["open_errors"]
            + totals["open_warnings"]
            + totals["open_infos"]
            + totals["waived"]
            + totals["baselined"]
            + totals["unverifiable"]
            + totals["internal_errors"]
        )
    )


def test_junit_suites_count_the_per_check_summary(reports):
    document = json.loads(reports["json"])
    per_check = document["per_check"]
    open_errors = {(f["check_id"], f["unit"]) for f in document["findings"] if _open(f)}
    open_errors &= {
        (f["check_id"], f["unit"]) for f in document["findings"] if f["severity"] == "error"
    }
    failed = Counter(
        e["check_id"]
        for e in document["evaluations"]
        if e["status"] == "failed" and (e["check_id"], e["unit"]) in open_errors
    )
    root = etree.fromstring(reports["junit"].encode("utf-8"))
    rejected = document["totals"]["rejected"]
    assert int(root.get("tests")) == sum(c["applicable"] for c in per_check.values()) + rejected
    for suite in root.findall("testsuite"):
        check_id = suite.get("name").split(" ", 1)[0]
        if check_id == "BHI-INPUT":
            assert int(suite.get("tests")) == rejected
            continue
        summary = per_check[check_id]
        skipped = summary["units_waived"] + summary["units_baselined"] + summary["unverifiable"]
        assert (
            int(suite.get("tests")),
            int(suite.get("failures")),
            int(suite.get("errors")),
            int(suite.get("skipped")),
        ) == (summary["applicable"], failed[check_id], summary["internal_errors"], skipped)
        assert len(suite.findall("testcase")) == summary["applicable"]
        assert len(suite.findall("testcase/skipped")) == skipped


def test_sarif_results_are_the_findings_and_rejected_records(reports):
    totals = json.loads(reports["json"])["totals"]
    results = json.loads(reports["sarif"])["runs"][0]["results"]
    assert len(results) == totals["findings"] + totals["rejected"]
    assert sum(1 for r in results if r.get("suppressions")) == (
        totals["waived"] + totals["baselined"]
    )
    assert sum(1 for r in results if r["ruleId"] == "BHI-INPUT") == totals["rejected"]


def test_csv_rows_are_the_findings_by_settled_status(reports):
    totals = json.loads(reports["json"])["totals"]
    rows = list(csv.DictReader(io.StringIO(reports["csv"])))
    by_status = Counter(row["status"] for row in rows)
    assert len(rows) == totals["findings"] + totals["rejected"]
    assert by_status["open"] + by_status["waiver expired"] == (
        totals["open_errors"] + totals["open_warnings"] + totals["open_infos"]
    )
    assert (
        by_status["waived"],
        by_status["baselined"],
        by_status["not verifiable"],
        by_status["internal error"],
        by_status["rejected"],
    ) == (
        totals["waived"],
        totals["baselined"],
        totals["unverifiable"],
        totals["internal_errors"],
        totals["rejected"],
    )


def test_text_summary_line_is_the_totals(reports):
    totals = json.loads(reports["json"])["totals"]
    summary = next(line for line in reports["text"].splitlines() if "error(s) open" in line)
    assert summary.startswith(
        f"{totals['open_errors']} error(s) open, {totals['open_warnings']} warning(s) open, "
        f"{totals['open_infos']} info open, {totals['waived']} waived, "
        f"{totals['baselined']} baselined, {totals['unverifiable']} not verifiable"
    )


def test_html_counters_are_the_totals(reports):
    totals = json.loads(reports["json"])["totals"]
    (counts,) = re.findall(r'<p class="counts">(.*?)</p>', reports["html"], re.S)
    bold = [int(n.replace(",", "")) for n in re.findall(r"<b>([\d,]+)</b>", counts)]
    assert bold == [
        totals["open_errors"],
        totals["open_warnings"],
        totals["open_infos"],
        totals["unverifiable"],
    ]
    assert counts.startswith(f"{totals['claims']:,} claims audited.")
    assert f"; {totals['waived']} waived, {totals['baselined']} baselined" in counts
