"""A rejected claim or claim line names the claim it leaves unaudited, in every input format
and every report that lists rejections (X12 and FHIR: tests/x12, tests/fhir).

The claim id is the one the raw row gave, possibly the invalid value itself; None when the row
gives none that can be read. Through the real loader, CSV and JSON/YAML documents here.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from bhi_audit.cli import main
from bhi_audit.redact import claim_pseudonym
from bhi_audit.yamltext import TextYamlLoader

from conftest import REPO, run_audit

CLEAN = REPO / "tests" / "fixtures" / "clean"
CLEAN_YAML = REPO / "tests" / "fixtures" / "clean.yaml"
CHECK = ["--select", "BHI-TIME-001"]
LINE = {"line_number": 2, "code": "99484", "date_of_service": "2026-03-20"}

#: Rejected rows of a bundle document, and the claim id each rejection must name.
DOCUMENT_ROWS: list[tuple[str, Any, str | None]] = [
    ("claims", {"claim_id": "C041", "patient_id": "P1", "billing_practitioner": "S1",
                "diagnoses": ["NOTACODE"]}, "C041"),
    ("claims", {"claim_id": " C042 ", "patient_id": "P1"}, "C042"),
    ("claims", {"patient_id": "P1", "billing_practitioner": "S1"}, None),
    ("claims", {"claim_id": ["C043"], "patient_id": "P1", "billing_practitioner": "S1"}, None),
    ("claims", "not an object", None),
    ("claims", {"claim_id": "C2", "patient_id": "P2", "billing_practitioner": "S1"}, "C2"),
    ("claim_lines", {**LINE, "claim_id": "C1", "code": "BADCODE"}, "C1"),
    ("claim_lines", {**LINE, "claim_id": "C044", "units": "many"}, "C044"),
    ("consents", {"consent_id": "K9"}, None),
]  # fmt: skip


def _document() -> dict[str, Any]:
    """The clean fixture as data (every scalar text), with the rejected rows added."""
    document = yaml.load(CLEAN_YAML.read_text(encoding="utf-8"), Loader=TextYamlLoader)
    for kind, row, _ in DOCUMENT_ROWS:
        document.setdefault(kind, []).append(row)
    return document


def _named(result: Any) -> list[tuple[str, str | None]]:
    return sorted(((r.kind, r.claim_id) for r in result.rejected), key=str)


EXPECTED = sorted(((kind, claim_id) for kind, _, claim_id in DOCUMENT_ROWS), key=str)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_document_rejections_name_their_claim(tmp_path, suffix):
    path = tmp_path / f"bundle{suffix}"
    document = _document()
    text = json.dumps(document) if suffix == ".json" else yaml.safe_dump(document)
    path.write_text(text, encoding="utf-8")
    assert _named(run_audit(path, select=CHECK[1:])) == EXPECTED


def test_json_number_claim_id_is_named_as_text(tmp_path):
    path = tmp_path / "bundle.json"
    document = _document()
    document["claims"].append({"claim_id": 1042, "patient_id": "P1", "place_of_service": "x"})
    path.write_text(json.dumps(document), encoding="utf-8")
    named = [r.claim_id for r in run_audit(path, select=CHECK[1:]).rejected]
    assert "1042" in named


def _csv_bundle(tmp_path: Path, claims: list[list[str]], lines: list[list[str]]) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(CLEAN, bundle)
    for name, rows in (("claims.csv", claims), ("claim_lines.csv", lines)):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        with (bundle / name).open("a", encoding="utf-8") as handle:
            handle.write(out.getvalue())
    return bundle


@pytest.fixture
def csv_bundle(tmp_path):
    """The clean CSV bundle with rejected claims (rows 4-7) and claim lines (rows 4-5)."""
    return _csv_bundle(
        tmp_path,
        [
            ["C041", "P1", "S1", "11", "NOTACODE"],  # claims.csv:4
            ["C042", "P1", "S1", "11", "F32.1", "one cell too many"],  # :5
            ["", "P1", "S1", "11", "F32.1"],  # :6, no claim id
            ["C2", "P2", "S1", "11", "F41.1"],  # :7, duplicate of C2
        ],
        [
            ["C1", "2", "BADCODE", "1", "2026-03-20", "1", "10.00"],  # claim_lines.csv:4
            ["C045", "1", "99484", "1", "2026-02-30", "1", "10.00"],  # :5
        ],
    )


def test_csv_rejections_name_their_claim(csv_bundle):
    result = run_audit(csv_bundle, select=CHECK[1:])
    named = {(Path(r.file).name, r.line, r.kind, r.claim_id) for r in result.rejected}
    assert named == {
        ("claims.csv", 4, "claims", "C041"),
        ("claims.csv", 5, "claims", "C042"),
        ("claims.csv", 6, "claims", None),
        ("claims.csv", 7, "claims", "C2"),
        ("claim_lines.csv", 4, "claim_lines", "C1"),
        ("claim_lines.csv", 5, "claim_lines", "C045"),
    }


def test_banner_names_each_rejected_claim_with_its_location(runner, csv_bundle, tmp_path):
    out = tmp_path / "report.html"
    run = runner.invoke(main, ["check", str(csv_bundle), *CHECK, "--report", f"html:{out}"])
    assert run.exit_code == 1, run.output
    html = out.read_text(encoding="utf-8")
    banner = html[html.index('id="rejected-banner"') : html.index('<div class="tiles')]
    where = f"{csv_bundle}/claims.csv"
    assert f'<li>claim <b class="claim">C041</b> (<span class="loc">{where}:4</span>): ' in banner
    assert (
        f'<li>claim <b class="claim">C042</b> (<span class="loc">{where}:5</span>): row' in banner
    )
    lines = f"{csv_bundle}/claim_lines.csv"
    assert (
        f'<li>a line of claim <b class="claim">C1</b> (<span class="loc">{lines}:4</span>): code'
        in banner
    )
    assert (
        f'<li>claims record with no readable claim id (<span class="loc">{where}:6</span>): '
        "claim_id: required field is missing</li>" in banner
    )


def test_banner_escapes_the_claim_id(runner, tmp_path):
    bundle = _csv_bundle(tmp_path, [["<b>C&1", "P1", "S1", "11", "NOTACODE"]], [])
    out = tmp_path / "report.html"
    runner.invoke(main, ["check", str(bundle), *CHECK, "--report", f"html:{out}"])
    html = out.read_text(encoding="utf-8")
    assert '<li>claim <b class="claim">&lt;b&gt;C&amp;1</b> (' in html
    assert "<b>C&1" not in html


def test_text_line_keeps_the_grammar_with_the_claim_as_subject(runner, csv_bundle):
    run = runner.invoke(main, ["check", str(csv_bundle), *CHECK, "--format", "text"])
    rejected = [line for line in run.stdout.splitlines() if " BHI-INPUT " in line]
    assert (
        f"{csv_bundle}/claims.csv:4:1: BHI-INPUT error: rejected claims record: diagnoses.0: "
        "not an ICD-10-CM code: 'NOTACODE' [C041]" in rejected
    )
    assert (
        f"{csv_bundle}/claims.csv:6:1: BHI-INPUT error: rejected claims record: claim_id: "
        "required field is missing" in rejected
    )


def test_json_csv_and_sarif_reports_carry_the_claim(runner, csv_bundle, tmp_path):
    args = ["check", str(csv_bundle), *CHECK, "--no-redact"]
    for fmt in ("json", "csv", "sarif"):
        args += ["--report", f"{fmt}:{tmp_path / ('report.' + fmt)}"]
    runner.invoke(main, args)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    claims = [(r["line"], r["claim_id"]) for r in report["rejected"] if r["kind"] == "claims"]
    assert claims == [(4, "C041"), (5, "C042"), (6, None), (7, "C2")]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text("utf-8"))))
    assert [r["claim"] for r in rows if r["status"] == "rejected"] == [
        "C1",
        "C045",
        "C041",
        "C042",
        "",
        "C2",
    ]
    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    claims = [
        r["properties"].get("claim")
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == "BHI-INPUT"
    ]
    assert claims == ["C1", "C045", "C041", "C042", None, "C2"]


def test_redaction_pseudonymises_the_claim_in_the_same_id_space(runner, csv_bundle, tmp_path):
    args = ["check", str(csv_bundle), "--redact", "--redact-key", "k"]
    for fmt in ("json", "text", "html", "csv", "sarif"):
        args += ["--report", f"{fmt}:{tmp_path / ('report.' + fmt)}"]
    runner.invoke(main, args)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    named = sorted(r["claim_id"] or "" for r in report["rejected"])
    expected = sorted(
        claim_pseudonym(b"k", c) if c else "" for c in ("C041", "C042", "", "C2", "C1", "C045")
    )
    assert named == expected
    # A line of kept claim C1: the same pseudonym as C1's findings and summary.
    assert claim_pseudonym(b"k", "C1") in report["per_claim"]
    for fmt in ("json", "text", "html", "csv", "sarif"):
        text = (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")
        assert claim_pseudonym(b"k", "C041") in text, fmt
        for raw in ("C041", "C042", "C045"):
            assert raw not in text, (fmt, raw)


def test_github_gitlab_and_junit_messages_name_the_claim(runner, csv_bundle, tmp_path):
    args = ["check", str(csv_bundle), *CHECK, "--no-redact"]
    for fmt, name in (("github", "report.github"), ("gitlab", "gl.json"), ("junit", "j.xml")):
        args += ["--report", f"{fmt}:{tmp_path / name}"]
    runner.invoke(main, args)
    named = "rejected claims record: diagnoses.0: not an ICD-10-CM code: 'NOTACODE' [C041]"
    unnamed = "rejected claims record: claim_id: required field is missing"
    github = (tmp_path / "report.github").read_text(encoding="utf-8").splitlines()
    where = f"::error file={csv_bundle}/claims.csv,line="
    title = ",title=BHI-INPUT rejected-input::"
    assert f"{where}4{title}{named}" in github
    assert f"{where}6{title}{unnamed}" in github
    gitlab = json.loads((tmp_path / "gl.json").read_text(encoding="utf-8"))
    descriptions = [issue["description"] for issue in gitlab]
    assert named in descriptions and unnamed in descriptions
    junit = etree.parse(str(tmp_path / "j.xml"))
    failures = [f.get("message") for f in junit.iter("failure") if f.get("type") == "rejected"]
    assert named in failures and unnamed in failures


def test_a_claim_with_a_rejected_record_is_blocked_once_and_in_no_other_state(csv_bundle):
    from bhi_audit.reporters.decision_view import claim_states

    result = run_audit(csv_bundle, select=CHECK[1:])
    audited = set(result.per_claim)
    assert {"C1", "C2"} <= audited  # kept claims: one has a rejected line, one a rejected twin
    states = claim_states(result)
    # C041, C042, C045 (rejected, not kept), C1 and C2 (kept, but not submittable as read),
    # and the row whose claim id could not be read: six blocked claims, each counted once.
    assert states["blocked"] == 6
    assert states["ready"] + states["fix"] + states["review"] == len(audited - {"C1", "C2"})


def test_the_appendix_lists_each_rejected_record_with_its_claim(runner, csv_bundle, tmp_path):
    out = tmp_path / "report.html"
    run = runner.invoke(main, ["check", str(csv_bundle), *CHECK, "--report", f"html:{out}"])
    assert run.exit_code == 1, run.output
    html = out.read_text(encoding="utf-8")
    table = html[html.index('id="appendix-rejected"') :]
    table = table[: table.index("</table>")]
    assert "<th>claim</th>" in table
    assert "<td>claim_lines</td><td>C045</td><td>date_of_service:" in table
    assert "<td>claims</td><td></td><td>claim_id: required field is missing</td>" in table


def test_two_rejected_lines_of_one_claim_block_one_claim(tmp_path):
    from bhi_audit.reporters.decision_view import claim_states

    bundle = _csv_bundle(
        tmp_path,
        [],
        [
            ["C050", "1", "BADCODE", "1", "2026-03-20", "1", "10.00"],
            ["C050", "2", "99484", "1", "2026-02-30", "1", "10.00"],
        ],
    )
    result = run_audit(bundle, select=CHECK[1:])
    assert [r.claim_id for r in result.rejected] == ["C050", "C050"]
    assert claim_states(result)["blocked"] == 1
