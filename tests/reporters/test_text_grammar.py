"""The text report's line grammar (docs/reports.md, "Text report") is what tools can follow.

The regular expression is read from the GitHub problem matcher documented in docs/reports.md,
so the documentation cannot drift from the report. Each sample report (CSV bundle, JSON
bundle document, X12 837P) is parsed line by line with it, and each place is checked against
the input file itself: the CSV row starting on that line, the JSON object starting at that
line and column, the X12 segment with that number.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.checkapi import Severity
from bhi_audit.cli import main
from bhi_audit.findings import Finding, Outcome
from bhi_audit.reporters import text
from bhi_audit.reporters.text import format_finding

from conftest import REPO, SAMPLE

DOCS = (REPO / "docs" / "reports.md").read_text(encoding="utf-8")
MATCHER = json.loads(re.search(r'```json\n(\{\n  "problemMatcher".*?)```', DOCS, re.S)[1])
PATTERN = MATCHER["problemMatcher"][0]["pattern"][0]
LINE = re.compile(PATTERN["regexp"])
ERRORFORMAT = re.search(r"```vim\nset errorformat=(.*)\n```", DOCS)[1]
SUBJECT = re.compile(r" \[([^\]$][^\]]*)\]")

X12_DOCS = [SAMPLE / f"{kind}.csv" for kind in ("patients", "staff", "consents", "time_entries")]
X12_DOCS += [SAMPLE / f"{kind}.csv" for kind in ("period", "visits", "care_plans", "assessments")]
X12_DOCS += [SAMPLE / f"{k}.csv" for k in ("caseload_reviews", "registry_enrollments")]
X12_ARGS = [
    str(SAMPLE / "x12" / "sample.837"),
    str(SAMPLE / "x12" / "institutional"),
    *map(str, X12_DOCS),
    "--id-map",
    str(SAMPLE / "x12" / "id_map.csv"),
]


def report_lines(runner, *args: str) -> list[str]:
    """The finding and rejected-record lines of a text report (not missing:, note:, summary)."""
    result = runner.invoke(main, ["check", *args, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    body = result.stdout.split("\n\n", 1)[0].splitlines()
    return [line for line in body if not line.startswith(("missing: ", "note: "))]


def parse(line: str) -> dict[str, str]:
    match = LINE.match(line)
    assert match, f"not in the documented grammar: {line}"
    return {name: match[PATTERN[name]] for name in ("file", "line", "column", "code", "severity")}


def subject_ids(line: str) -> set[str]:
    """Patient and claim ids of the ``[patient month claim#line]`` bracket (empty if none)."""
    match = SUBJECT.search(line)
    if not match:
        return set()
    return {part.split("#")[0] for part in match[1].split(" ")}


def csv_rows_by_line(path: Path) -> dict[int, dict[str, str]]:
    """Each data row of a CSV file by the physical line it starts on."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    rows, start, header = {}, 1, None
    for cells in reader:
        line, start = start, reader.line_num + 1
        if header is None:
            header = cells
        elif any(cells):
            rows[line] = dict(zip(header, cells, strict=False))
    return rows


def test_every_line_of_the_csv_sample_points_at_its_row(runner):
    lines = report_lines(runner, str(SAMPLE))
    assert len(lines) > 50
    severities = set()
    for line in lines:
        place = parse(line)
        severities.add(place["severity"])
        path = Path(place["file"])
        assert path.parent == SAMPLE and path.is_file(), line
        assert place["column"] == "1"
        row = csv_rows_by_line(path)[int(place["line"])]  # a row starts on that line
        ids = subject_ids(line)
        if ids:  # the row is a record of that patient or claim
            assert ids & {row.get("patient_id"), row.get("claim_id")}, line
    assert {"error", "warning", "info", "unverifiable"} <= severities


def test_every_line_of_the_json_sample_points_at_its_object(runner):
    source = SAMPLE / "json" / "sample_practice.json"
    text = source.read_text(encoding="utf-8")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    lines = report_lines(runner, str(source))
    assert len(lines) > 50
    for line in lines:
        place = parse(line)
        assert place["file"] == str(source)
        offset = starts[int(place["line"]) - 1] + int(place["column"]) - 1
        record, _ = json.JSONDecoder().raw_decode(text, offset)  # an object starts right there
        assert isinstance(record, dict), line
        ids = subject_ids(line)
        if ids:
            assert ids & {record.get("patient_id"), record.get("claim_id")}, line


def test_every_x12_line_names_a_segment_of_its_claim(runner):
    source = SAMPLE / "x12" / "sample.837"
    segments = [s.strip() for s in source.read_text(encoding="utf-8").split("~")]
    lines = [line for line in report_lines(runner, *X12_ARGS) if line.startswith(str(source))]
    assert len(lines) > 20
    for line in lines:
        place = parse(line)
        number = int(place["line"])  # segments counted from the ISA (= 1)
        assert place["column"] == "1"
        segment = segments[number - 1]
        assert segment[:3] in ("CLM", "LX*"), line
        if segment.startswith("CLM") and "rejected claims record" not in line:
            claim_id = segment.split("*")[1]
            assert claim_id in subject_ids(line), line


def test_lines_are_in_file_line_column_then_check_order(runner):
    lines = report_lines(runner, str(SAMPLE))
    keys = []
    for line in lines:
        place = parse(line)
        rejected = place["code"] == "BHI-INPUT"
        keys.append((rejected, place["file"], int(place["line"]), place["code"]))
    assert keys == sorted(keys)


FINDING = {
    "check_id": "BHI-TIME-001",
    "check_name": "general-bhi-minimum-minutes",
    "severity": Severity.ERROR,
    "outcome": Outcome.VIOLATION,
    "message": "general BHI 99484: 12 countable min (< 20 required)",
    "source": "CMS",
    "location": "<input>",
    "file": "<input>",
    "unit": "batch",
}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {},
            "<input>:1:1: BHI-TIME-001 error: general BHI 99484: 12 countable min (< 20 required)",
        ),
        (
            {"outcome": Outcome.UNVERIFIABLE, "severity": Severity.INFO, "patient_id": "P1"},
            "<input>:1:1: BHI-TIME-001 unverifiable: general BHI 99484: 12 countable min "
            "(< 20 required) [P1]",
        ),
        (
            {
                "outcome": Outcome.INTERNAL_ERROR,
                "file": "a.837",
                "line": 40,
                "column": 1,
                "patient_id": "P1",
                "month": "2026-03",
                "claim_id": "C1",
                "line_number": 2,
                "at_risk": Decimal("57.45"),
            },
            "a.837:40:1: BHI-TIME-001 internal-error: general BHI 99484: 12 countable min "
            "(< 20 required) [P1 2026-03 C1#2] [$57.45 at risk]",
        ),
    ],
    ids=["whole-run-fallback", "unverifiable", "internal-error"],
)
def test_line_layout(fields, expected):
    assert format_finding(Finding(**{**FINDING, **fields})) == expected


@pytest.mark.skipif(shutil.which("vim") is None, reason="vim is not installed")
def test_vim_errorformat_jumps_to_the_records(runner, tmp_path):
    source = SAMPLE / "json" / "sample_practice.json"
    result = runner.invoke(main, ["check", str(source), "--fail-on", "never"])
    report = tmp_path / "report.txt"
    report.write_text(result.stdout, encoding="utf-8")
    out = tmp_path / "qf.json"
    script = tmp_path / "qf.vim"
    script.write_text(
        f"set errorformat={ERRORFORMAT}\n"
        f"cgetfile {report}\n"
        "call writefile([json_encode(map(getqflist(), "
        "{_, e -> [e.valid, bufname(e.bufnr), e.lnum, e.col]}))], "
        f"'{out}')\n"
        "qall!\n",
        encoding="utf-8",
    )
    subprocess.run(
        ["vim", "-u", "NONE", "-N", "-es", "-S", str(script)],
        check=False,
        timeout=60,
        capture_output=True,
    )
    entries = json.loads(out.read_text(encoding="utf-8"))
    expected = [parse(line) for line in report_lines(runner, str(source))]
    jumps = [(name, lnum, col) for valid, name, lnum, col in entries if valid]
    assert jumps == [(p["file"], int(p["line"]), int(p["column"])) for p in expected]


REDACTED_TOKEN = re.compile(r"pt-[0-9a-f]{12}|[0-9]{4}-[0-9]{2}|cl-[0-9a-f]{12}(#[0-9]+)?")


def test_redacted_lines_keep_the_grammar_and_only_pseudonyms(runner):
    lines = report_lines(runner, str(SAMPLE), "--redact", "--redact-key", "k" * 32)
    assert len(lines) > 50
    for line in lines:
        place = parse(line)
        assert re.fullmatch(r"input-[0-9a-f]{8}", place["file"]), line
        match = SUBJECT.search(line)
        assert match, line  # every sample finding has a subject
        assert all(REDACTED_TOKEN.fullmatch(token) for token in match[1].split(" ")), line


@pytest.mark.parametrize("name", ["sample", "rich", "hostile"])
def test_matches_golden(name, render_text, golden, golden_input):
    golden(f"{name}.txt", render_text(text.render, golden_input(name)))
