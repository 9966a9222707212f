"""GitHub workflow-command reporter: golden output, severities, escaping, waived findings."""

from __future__ import annotations

import re

import pytest

from bhi_audit.reporters import github

#: A workflow command as GitHub parses it: ``::name key=value,...::message`` on one line.
COMMAND = re.compile(
    r"^::(error|warning|notice)(?: ((?:[a-z]+=[^,:]*)(?:,[a-z]+=[^,:]*)*))?::(.*)$"
)


def commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in text.splitlines():
        match = COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in match[2].split(",")) if match[2] else {}
        parsed.append((match[1], props, match[3]))
    return parsed


@pytest.mark.parametrize("name", ["sample", "rich", "csv", "hostile"])
def test_matches_golden_and_parses(name, render_text, golden, golden_input):
    result = golden_input(name)
    text = render_text(github.render, result)
    commands(text)
    golden(f"{name}.github", text)


def test_one_annotation_per_finding_on_its_file_and_line(csv_result, render_text):
    parsed = commands(render_text(github.render, csv_result))
    time = [c for c in parsed if c[1].get("title", "").startswith("BHI-TIME-001 ")]
    assert time == [
        (
            "error",
            {
                "file": "tests/reporters/fixtures/csv_bundle/claim_lines.csv",
                "line": "2",
                "title": "BHI-TIME-001 general-bhi-minimum-minutes",
            },
            time[0][2],
        )
    ]
    opened = [f for f in csv_result.findings if f.status not in ("waived", "baselined")]
    assert len(parsed) == len(opened) + len(csv_result.rejected) + len(csv_result.missing_records)


def test_severity_picks_the_command(rich_result, render_text):
    parsed = commands(render_text(github.render, rich_result))
    by_title = {}
    for level, props, _ in parsed:
        by_title.setdefault(props.get("title", "").split(" ")[0], set()).add(level)
    for finding in rich_result.findings:
        if finding.status in ("waived", "baselined"):
            continue
        expected = {
            "internal-error": "error",
            "unverifiable": "notice",
        }.get(
            finding.status,
            {"error": "error", "warning": "warning", "info": "notice"}[finding.severity.value],
        )
        assert expected in by_title[finding.check_id], finding.check_id


def test_waived_and_baselined_findings_are_not_annotated(rich_result, render_text):
    text = render_text(github.render, rich_result)
    accepted = [f for f in rich_result.findings if f.status in ("waived", "baselined")]
    assert accepted
    for finding in accepted:
        assert finding.message not in text


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("50% done", "50%25 done", "50%25 done"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("x::error::forged", "x::error::forged", "x%3A%3Aerror%3A%3Aforged"),
        ("a,b:c", "a,b:c", "a%2Cb%3Ac"),
        ("\x1b[2J\u202e", "\\x1b[2J\\u202e", "\\x1b[2J\\u202e"),
    ],
    ids=["percent", "line-breaks", "colons", "comma", "controls-and-bidi"],
)
def test_escaping_follows_the_workflow_command_rules(text, data, prop):
    assert github.escape_data(text) == data
    assert github.escape_property(text) == prop


def test_an_input_value_cannot_start_another_command():
    line = github.command("warning", "id X\n::error::forged", "a,b.csv", 3, "T:1")
    assert line == "::warning file=a%2Cb.csv,line=3,title=T%3A1::id X%0A::error::forged"
    assert "\n" not in line


def test_a_clean_run_writes_nothing(render_text, sample_result):
    clean = sample_result.model_copy(update={"findings": (), "rejected": (), "missing_records": ()})
    assert render_text(github.render, clean) == ""


def test_the_sample_annotates_its_csv_row_from_the_command_line(runner):
    from bhi_audit.cli import main

    result = runner.invoke(main, ["check", "sample_claims", "--format", "github", "--no-redact"])
    assert result.exit_code == 1
    assert (
        "::error file=sample_claims/claim_lines.csv,line=36,title=BHI-TIME-002 "
        "cocm-base-minimum-minutes::CoCM initial month: 35 countable min (< 36 required for "
        "99492); 35 min logged [P023 2026-01 C030]"
    ) in result.stdout.splitlines()
    commands(result.stdout)


def test_annotations_are_redacted_by_default(runner):
    from bhi_audit.cli import main

    result = runner.invoke(
        main, ["check", "sample_claims", "--format", "github"], env={"BHI_AUDIT_REDACT_KEY": "k"}
    )
    assert result.exit_code == 1
    assert "P023" not in result.stdout
    assert "sample_claims" not in result.stdout
    assert "file=input-" in result.stdout
