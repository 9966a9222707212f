"""GitLab Code Quality reporter: golden output and the fields GitLab documents.

GitLab publishes the report format as a table of fields ("Code Quality report format",
docs.gitlab.com), not as a JSON schema; ``check_issue`` checks each documented field.
"""

from __future__ import annotations

import json
import re

import pytest

from bhi_audit.reporters import gitlab

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def check_issue(issue: dict) -> None:
    """One issue as GitLab documents it (required fields, types, the severity set)."""
    assert set(issue) == {
        "type",
        "check_name",
        "description",
        "fingerprint",
        "severity",
        "location",
    }
    assert issue["type"] == "issue"
    assert isinstance(issue["description"], str) and issue["description"]
    assert isinstance(issue["check_name"], str) and issue["check_name"]
    assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert issue["severity"] in SEVERITIES
    location = issue["location"]
    assert set(location) == {"path", "lines"}
    assert isinstance(location["path"], str) and location["path"]
    assert set(location["lines"]) == {"begin"}
    assert isinstance(location["lines"]["begin"], int) and location["lines"]["begin"] >= 1


def check_report(text: str) -> list[dict]:
    report = json.loads(text)
    assert isinstance(report, list)
    for issue in report:
        check_issue(issue)
    fingerprints = [i["fingerprint"] for i in report]
    assert len(set(fingerprints)) == len(fingerprints), "fingerprints must be unique"
    return report


@pytest.mark.parametrize("name", ["sample", "rich", "csv", "hostile"])
def test_matches_golden_and_has_the_documented_fields(name, render_text, golden, golden_input):
    result = golden_input(name)
    text = render_text(gitlab.render, result)
    check_report(text)
    golden(f"{name}.gitlab.json", text)


def test_an_issue_points_at_the_input_row(csv_result, render_text):
    report = check_report(render_text(gitlab.render, csv_result))
    (issue,) = [i for i in report if i["check_name"] == "BHI-TIME-001"]
    assert issue["location"] == {
        "path": "tests/reporters/fixtures/csv_bundle/claim_lines.csv",
        "lines": {"begin": 2},
    }
    assert issue["severity"] == "major"


def test_severities_and_accepted_findings(rich_result, render_text):
    report = check_report(render_text(gitlab.render, rich_result))
    opened = [f for f in rich_result.findings if f.status not in ("waived", "baselined")]
    assert len(report) == len(opened) + len(rich_result.rejected)
    expected = {"error": "major", "warning": "minor", "info": "info"}
    findings = report[len(rich_result.rejected) :]
    for issue, finding in zip(findings, opened, strict=True):
        assert issue["check_name"] == finding.check_id
        if finding.status == "internal-error":
            assert issue["severity"] == "critical"
        elif finding.status == "unverifiable":
            assert issue["severity"] == "info"
        else:
            assert issue["severity"] == expected[finding.severity.value]
    assert all(i["severity"] == "critical" for i in report[: len(rich_result.rejected)])


def test_fingerprints_are_stable_across_runs(sample_result, render_text):
    assert render_text(gitlab.render, sample_result) == render_text(gitlab.render, sample_result)


def test_a_clean_run_is_an_empty_list(render_text, sample_result):
    clean = sample_result.model_copy(update={"findings": (), "rejected": ()})
    assert render_text(gitlab.render, clean) == "[]\n"


def test_the_sample_gives_a_code_quality_file(runner, tmp_path):
    from bhi_audit.cli import main

    out = tmp_path / "gl-code-quality-report.json"
    result = runner.invoke(
        main,
        ["check", "sample_claims", "--report", f"gitlab:{out}"],
        env={"BHI_AUDIT_REDACT_KEY": "k"},
    )
    assert result.exit_code == 1
    report = check_report(out.read_text(encoding="utf-8"))
    assert any(i["check_name"] == "BHI-TIME-002" and i["severity"] == "major" for i in report)
    assert all(i["location"]["path"].startswith("input-") for i in report)
