"""The gate tells the truth: every report counts the same settled statuses, rejected input and
missing documentation are shown everywhere, and an exception cannot be waved through.

Through the real CLI on the gating fixture bundle (P1 and P4 short of minutes, P2 without
consent, P3 clean; all 99484 in 2026-03).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from lxml import etree

from bhi_audit.cli import main
from bhi_audit.context import build_batch
from bhi_audit.engine import Engine
from bhi_audit.gate import exit_code
from bhi_audit.loaders import load_paths
from bhi_audit.registry import load_registry

from conftest import run_audit

CHECKS = ["--select", "BHI-TIME-001,BHI-CONS-001"]
AS_OF = ["--as-of", "2026-04-15"]
BAD_LINE = "C-101,9,99484,1,2026-13-45,1\n"


def _waivers(path: Path, **changes: object) -> Path:
    waiver: dict[str, object] = {
        "id": "W-2026-014",
        "check": "BHI-TIME-001",
        "claim": "C-101",
        "reason": "time log recovered from the paper chart",
        "approved_by": "J. Rivera (compliance)",
        "approved_on": "2026-04-01",
        "expires": "2026-06-30",
    }
    waiver.update(changes)
    path.write_text(
        yaml.safe_dump({"waivers": [{k: v for k, v in waiver.items() if v is not None}]}),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def reports(runner, project):
    """One run with a waiver (C-101), a baseline (C-104) and a rejected line, in every format."""
    baseline = runner.invoke(
        main,
        ["baseline", "claims", "-o", "baseline.json", "--select", "BHI-TIME-001", *AS_OF],
    )
    assert baseline.exit_code == 0, baseline.stderr
    with (project / "claims" / "claim_lines.csv").open("a", encoding="utf-8") as handle:
        handle.write(BAD_LINE)
    _waivers(project / "waivers.yaml")
    args = ["check", "claims", *CHECKS, *AS_OF, "--waivers", "waivers.yaml"]
    args += ["--baseline", "baseline.json", "--no-redact", "--format", "text"]
    for fmt in ("json", "junit", "sarif", "csv"):
        args += ["--report", f"{fmt}:report.{fmt}"]
    result = runner.invoke(main, args)
    assert result.exit_code == 1, result.stderr  # C-102 is open, and a line was rejected
    out = {
        fmt: (project / f"report.{fmt}").read_text(encoding="utf-8")
        for fmt in ("json", "junit", "sarif", "csv")
    }
    out["text"] = result.stdout
    return out


def test_every_report_counts_the_same(reports):
    document = json.loads(reports["json"])
    totals = document["totals"]
    statuses = Counter(e["status"] for e in document["evaluations"])
    # the fixture's facts, so that agreement cannot be agreement on nothing
    assert (totals["open_errors"], totals["waived"], totals["baselined"]) == (1, 1, 1)
    assert (totals["rejected"], statuses["failed"]) == (1, 1)
    assert (statuses["waived"], statuses["baselined"]) == (1, 1)
    assert totals["findings"] == (
        totals["open_errors"]
        + totals["open_warnings"]
        + totals["open_infos"]
        + totals["waived"]
        + totals["baselined"]
        + totals["unverifiable"]
        + totals["internal_errors"]
    )

    summary = next(line for line in reports["text"].splitlines() if "error(s) open" in line)
    assert summary == (
        f"{totals['open_errors']} error(s) open, {totals['open_warnings']} warning(s) open, "
        f"{totals['open_infos']} info open, {totals['waived']} waived, "
        f"{totals['baselined']} baselined, {totals['unverifiable']} not verifiable, "
        f"{totals['rejected']} rejected record(s)"
    )

    root = etree.fromstring(reports["junit"].encode("utf-8"))
    cases = root.findall(".//testcase")
    # the JSON report lists only the evaluations that did not pass; the passes are counted
    assert document["evaluations_listed"] == "not-passed" and "passed" not in statuses
    applicable = sum(c["applicable"] for c in document["per_check"].values())
    passed = sum(c["passed"] for c in document["per_check"].values())
    assert applicable == passed + len(document["evaluations"])
    assert int(root.get("tests")) == len(cases) == applicable + totals["rejected"]
    assert int(root.get("failures")) == statuses["failed"] + totals["rejected"]
    assert len(root.findall(".//testcase/failure")) == int(root.get("failures"))
    assert len(root.findall(".//testcase/skipped")) == (
        statuses["waived"] + statuses["baselined"] + statuses["unverifiable"]
    )

    run = json.loads(reports["sarif"])["runs"][0]
    results = run["results"]
    assert len(results) == len(document["findings"]) + totals["rejected"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == totals["waived"] + totals["baselined"]
    assert sum(1 for r in results if r["ruleId"] == "BHI-INPUT") == totals["rejected"]
    assert run["properties"]["totals"]["openErrors"] == totals["open_errors"]

    rows = list(csv.DictReader(io.StringIO(reports["csv"])))
    by_status = Counter(row["status"] for row in rows)
    assert by_status == Counter(
        {"open": totals["open_errors"], "waived": 1, "baselined": 1, "rejected": 1}
    )


def test_text_marks_waived_and_baselined_findings(reports):
    lines = reports["text"].splitlines()
    assert any(
        ": BHI-TIME-001 error: " in line
        and " C-101#1] " in line
        and line.endswith("[waived W-2026-014 until 2026-06-30]")
        for line in lines
    )
    assert any(
        ": BHI-TIME-001 error: " in line and " C-104#1] " in line and line.endswith("[baselined]")
        for line in lines
    )
    open_line = next(line for line in lines if ": BHI-CONS-001 " in line and " C-102#1]" in line)
    assert not open_line.endswith("]") or open_line.endswith("at risk]")


def test_rejected_record_is_listed_not_failed_in_junit_with_fail_on_never(runner, project):
    with (project / "claims" / "claim_lines.csv").open("a", encoding="utf-8") as handle:
        handle.write(BAD_LINE)
    result = runner.invoke(
        main,
        ["check", "claims", *CHECKS, "--fail-on", "never", "--format", "junit", "--no-redact"],
    )
    assert result.exit_code == 0  # --fail-on never passes the run ...
    root = etree.fromstring(result.stdout.encode("utf-8"))
    (case,) = root.findall("testsuite[@name='BHI-INPUT rejected-input']/testcase")
    assert case.get("name") == "claims/claim_lines.csv:6"
    # ... and JUnit still lists it, as a passed test (a green gate is a green test report)
    assert case.find("failure") is None
    assert case.findtext("system-out").startswith("rejected claim_lines record: ")
    assert root.get("failures") == "0"


# ------------------------------------------------------------------ missing documentation


@pytest.fixture
def no_consents(project: Path) -> Path:
    (project / "claims" / "consents.csv").unlink()
    return project


def test_missing_kind_is_stated_first_and_does_not_fail_by_default(runner, no_consents):
    result = runner.invoke(main, ["check", "claims", "--select", "BHI-CONS-001"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "missing: no consents records in the input: 1 check(s) (BHI-CONS-001) could not "
        "verify the billed 99484"
    )
    document = json.loads(
        runner.invoke(
            main, ["check", "claims", "--select", "BHI-CONS-001", "--format", "json"]
        ).stdout
    )
    assert [(m["kind"], m["checks"], m["codes"]) for m in document["missing_records"]] == [
        ("consents", ["BHI-CONS-001"], ["99484"])
    ]


def test_a_provided_kind_is_not_missing(runner, project):
    args = ["check", "claims", "--select", "BHI-CONS-001", "--format", "json"]
    assert json.loads(runner.invoke(main, args).stdout)["missing_records"] == []


@pytest.mark.parametrize(
    ("args", "config", "code"),
    [
        ([], "", 0),
        (["--fail-on-unverifiable"], "", 1),
        ([], "fail-on-unverifiable = true\n", 1),
        (["--no-fail-on-unverifiable"], "fail-on-unverifiable = true\n", 0),
        (["--fail-on-unverifiable", "--fail-on", "never"], "", 1),
    ],
    ids=["default", "option", "config", "option-over-config", "with-fail-on-never"],
)
def test_fail_on_unverifiable(runner, no_consents, args, config, code):
    (no_consents / "bhi-audit.toml").write_text(config, encoding="utf-8")
    result = runner.invoke(main, ["check", "claims", "--select", "BHI-CONS-001", *args])
    assert result.exit_code == code, result.stderr


def test_fail_on_unverifiable_counts_unverifiable_findings_too(no_consents):
    result = run_audit(no_consents / "claims", select=["BHI-CONS-001"])
    assert result.totals.unverifiable == 4  # one per patient-month
    # without the missing-kind statement, the not-verifiable finding alone decides
    findings_only = result.model_copy(update={"missing_records": ()})
    assert exit_code(findings_only) == 0
    assert exit_code(findings_only, fail_on_unverifiable=True) == 1


# ------------------------------------------------------------------ --as-of


def test_as_of_before_the_period_end_is_warned(runner, project):
    result = runner.invoke(main, ["check", "claims", *CHECKS, "--as-of", "2026-01-01"])
    warning = (
        "--as-of 2026-01-01 precedes the end of the audited period (2026-03-31): waivers that "
        "expired since are judged in force"
    )
    assert f"bhi-audit: warning: {warning}" in result.stderr.splitlines()
    assert f"note: {warning}" in result.stdout.splitlines()


def test_as_of_after_the_period_end_is_quiet(runner, project):
    result = runner.invoke(main, ["check", "claims", *CHECKS, *AS_OF])
    assert "--as-of" not in result.stderr
    assert "--as-of" not in result.stdout


# ------------------------------------------------------------------ waiver rules

BAD_WAIVERS = [
    (
        "short-reason",
        {"reason": "ok fine"},
        "reason: too short to justify an exception "
        "(7 characters, 2 words; at least 15 characters and 3 words)",
    ),
    ("one-long-word", {"reason": "reasonreasonreason"}, "reason: too short to justify"),
    (
        "question-mark-approver",
        {"approved_by": "?"},
        "approved_by: '?' is not a reason or an approver",
    ),
    ("initial-approver", {"approved_by": "J"}, "approved_by: 'J' does not name an approver"),
    (
        "self-approved",
        {"requested_by": "j. rivera (Compliance)"},
        "approved_by: the approver must not be the requester",
    ),
    (
        "too-long-from-approval",
        {"expires": "9999-12-31"},
        "expires: 9999-12-31 is 2912352 days after approved_on (2026-04-01); at most 365 "
        "(configuration: waiver-max-days)",
    ),
    (
        "too-long-from-as-of",
        {"approved_on": None, "expires": "2027-06-30"},
        "expires: 2027-06-30 is 441 days after the day expiry is judged on (2026-04-15); "
        "at most 365 (configuration: waiver-max-days)",
    ),
    ("approved-after-expiry", {"approved_on": "2026-07-01"}, "approved_on: after expires"),
]


@pytest.mark.parametrize(
    ("changes", "message"), [c[1:] for c in BAD_WAIVERS], ids=[c[0] for c in BAD_WAIVERS]
)
def test_bad_waiver_is_a_usage_error_naming_file_line_and_field(runner, project, changes, message):
    _waivers(project / "waivers.yaml", **changes)
    result = runner.invoke(main, ["check", "claims", *CHECKS, *AS_OF, "--waivers", "waivers.yaml"])
    assert result.exit_code == 2
    assert f"bhi-audit: error: waivers.yaml:2: waiver W-2026-014: {message}" in result.stderr
    assert "Traceback" not in result.output


def test_waiver_max_days_is_configurable(runner, project):
    _waivers(project / "waivers.yaml")  # 90 days
    (project / "bhi-audit.toml").write_text("waiver-max-days = 30\n", encoding="utf-8")
    result = runner.invoke(main, ["check", "claims", *CHECKS, *AS_OF, "--waivers", "waivers.yaml"])
    assert result.exit_code == 2
    assert "expires: 2026-06-30 is 90 days after approved_on (2026-04-01); at most 30" in (
        result.stderr
    )


def test_toml_waiver_errors_name_the_line(runner, project):
    (project / "waivers.toml").write_text(
        '# accepted exceptions\n\n[[waivers]]\nid = "W1"\ncheck = "BHI-TIME-001"\n'
        'claim = "C-101"\nreason = "too short"\napproved_by = "J. Rivera"\nexpires = 2026-06-30\n',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["check", "claims", *CHECKS, *AS_OF, "--waivers", "waivers.toml"])
    assert result.exit_code == 2
    assert re.search(r"waivers\.toml:3: waiver W1: reason: too short", result.stderr)


def test_missing_kinds_survive_partitioned_audits(no_consents):
    registry = load_registry(plugins=False)
    engine = Engine(registry.select(["BHI-CONS-001"]))
    bundle = load_paths([no_consents / "claims"])
    batch = build_batch(bundle)
    # NOTE: a fresh batch per partition, as a forked or spawned worker has its own copy
    partials = [engine.audit_partition(build_batch(bundle), k, 2) for k in range(2)]
    merged = engine.merge(bundle, batch, partials)
    assert merged.missing_records == engine.audit(bundle).missing_records
    assert [m.kind for m in merged.missing_records] == ["consents"]
