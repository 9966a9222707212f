"""SARIF reporter: golden output, the OASIS SARIF 2.1.0 schema, rules, locations, suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bhi_audit.models import KIND_BY_NAME
from bhi_audit.reporters import sarif


@pytest.fixture
def validate(validate_sarif):
    """Every SARIF log in this module is validated against the OASIS 2.1.0 schema."""
    return validate_sarif


@pytest.mark.parametrize("name", ["sample", "rich", "csv", "hostile"])
def test_matches_golden_and_validates(name, render_text, golden, validate, golden_input):
    result = golden_input(name)
    text = render_text(sarif.render, result)
    validate(text)
    golden(f"{name}.sarif", text)


def test_rules_have_ids_names_help_and_source(sample_result, render_text, validate):
    log = validate(render_text(sarif.render, sample_result))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    # the sample has rejected records: their rule comes after the checks'
    assert [r["id"] for r in rules] == [c.id for c in sample_result.checks] + ["BHI-INPUT"]
    for rule, check in zip(rules[:-1], sample_result.checks, strict=True):
        assert rule["name"] == check.name
        assert check.source in rule["help"]["text"]
        assert rule["properties"]["source"] == check.source


def test_results_point_at_the_input_row(csv_result, render_text, validate):
    log = validate(render_text(sarif.render, csv_result))
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "BHI-TIME-001"]
    physical = result["locations"][0]["physicalLocation"]
    assert (
        physical["artifactLocation"]["uri"] == "tests/reporters/fixtures/csv_bundle/claim_lines.csv"
    )
    assert physical["region"] == {"startLine": 2}
    assert result["level"] == "error"
    assert result["ruleId"] == "BHI-TIME-001"
    related = {r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]}
    assert "tests/reporters/fixtures/csv_bundle/time_entries.csv" in related


def test_json_inputs_point_at_the_line_of_the_record(sample_result, render_text, validate):
    """A record of a JSON bundle document: its pointer, and the line its object starts on."""
    log = validate(render_text(sarif.render, sample_result))
    source = Path("tests/reporters/fixtures/sample.json")
    document, lines = json.loads(source.read_text()), source.read_text().splitlines()
    for result in log["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == source.as_posix()
        pointer = physical["artifactLocation"]["properties"]["pointer"]
        _, kind, index = pointer.split("/")
        assert kind in KIND_BY_NAME
        # the fixture has one record per line: that line is the record the pointer names
        line = lines[physical["region"]["startLine"] - 1].strip().rstrip(",")
        assert json.loads(line) == document[kind][int(index)]


def test_waived_and_baselined_are_suppressions(rich_result, render_text, validate):
    log = validate(render_text(sarif.render, rich_result))
    by_rule_unit = {(r["ruleId"], r["properties"]["unit"]): r for r in log["runs"][0]["results"]}
    waived = by_rule_unit[("BHI-COCM-003", "MRN-10002 2026-01")]
    assert waived["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "waiver W-2026-01: consultant review documented on paper <scanned> "
            "(approved by compliance officer, expires 2027-01-31)",
        }
    ]
    baselined = by_rule_unit[("BHI-TIME-003", "MRN-10003 2026-02")]
    assert baselined["suppressions"][0]["justification"] == "accepted in the baseline"
    expired = by_rule_unit[("BHI-TIME-001", "MRN-10001 2026-02")]
    assert "suppressions" not in expired
    assert expired["properties"]["expiredWaiver"] == "W-2025-07"
    unverifiable = by_rule_unit[("BHI-CONS-004", "MRN-10001 2026-01")]
    assert (unverifiable["level"], unverifiable["kind"]) == ("note", "review")


def test_levels_follow_severity(sample_result, render_text):
    log = json.loads(render_text(sarif.render, sample_result))
    levels = {(r["ruleId"], r["level"]) for r in log["runs"][0]["results"]}
    assert ("BHI-COCM-001", "warning") in levels
    assert ("BHI-COCM-003", "error") in levels  # no caseload review held (rulebook §3.8a)
    assert ("BHI-TIME-002", "error") in levels


def test_inputs_are_artifacts_with_their_digest(sample_result, render_text):
    log = json.loads(render_text(sarif.render, sample_result))
    (artifact,) = log["runs"][0]["artifacts"]
    assert artifact["hashes"]["sha-256"] == sample_result.inputs[0].sha256


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("claims.csv", "claims.csv"),
        ("dir with space/claim_lines.csv", "dir%20with%20space/claim_lines.csv"),
        ("/abs/claims.csv", "file:///abs/claims.csv"),
        ("sub\\claims.csv", "sub/claims.csv"),
    ],
    ids=["relative", "space", "absolute", "backslash"],
)
def test_artifact_uri(path, uri):
    assert sarif.artifact_uri(path) == uri


def test_output_is_deterministic(rich_result, render_text):
    assert render_text(sarif.render, rich_result) == render_text(sarif.render, rich_result)


def test_rejected_records_are_results_of_the_input_rule(sample_result, render_text, validate):
    log = validate(render_text(sarif.render, sample_result))
    run = log["runs"][0]
    index = len(sample_result.checks)
    assert run["tool"]["driver"]["rules"][index]["id"] == "BHI-INPUT"
    rejected = [r for r in run["results"] if r["ruleId"] == "BHI-INPUT"]
    assert [
        (
            r["ruleIndex"],
            r["level"],
            r["message"]["text"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["properties"]["pointer"],
        )
        for r in rejected
    ] == [
        (
            index,
            "error",
            "rejected assessments record: score: expected a whole number, got 'not-a-number'",
            "/assessments/0",
        ),
        (
            index,
            "error",
            "rejected patients record: dob: not a calendar date: '1950-02-30'",
            "/patients/3",
        ),
    ]
    assert run["properties"]["totals"]["rejected"] == 2


def test_missing_documentation_is_a_tool_notification(sample_result, render_text, validate):
    log = validate(render_text(sarif.render, sample_result))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == [
        m.message for m in sample_result.missing_records
    ]
    assert {n["level"] for n in invocation["toolExecutionNotifications"]} == {"warning"}
