"""``-`` as PATH: a bundle document (JSON or YAML) or an X12 837P read from standard input,
located as ``<stdin>``, giving the same findings as the file itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.errors import InputError
from bhi_audit.loaders.stdin import sniff_suffix

from conftest import ERRORS_DOCUMENT, FIXTURES

X12 = Path(__file__).parent / "x12" / "fixtures" / "realistic_837p.837"


@pytest.mark.parametrize(
    ("data", "suffix"),
    [
        (b"ISA*00*", ".837"),
        (b"\xef\xbb\xbf  \nISA*00*", ".837"),
        (b'{"claims": []}', ".json"),
        (b"\n  [1]", ".json"),
        (b"claims: []\n", ".yaml"),
    ],
    ids=["x12", "x12-bom-and-blanks", "json-object", "json-array", "yaml"],
)
def test_what_standard_input_holds_is_told_by_its_first_bytes(data, suffix):
    assert sniff_suffix(data) == suffix


def test_empty_standard_input_is_an_input_error():
    with pytest.raises(InputError) as caught:
        sniff_suffix(b" \n")
    assert str(caught.value) == "<stdin>: standard input is empty"


def report(runner, args, stdin=None):
    result = runner.invoke(main, ["check", *args, "--isolated", "--format", "json"], input=stdin)
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    "source", [ERRORS_DOCUMENT, FIXTURES / "clean.yaml", X12], ids=["json", "yaml", "x12"]
)
def test_standard_input_gives_the_findings_of_the_file(runner, source):
    code, from_file = report(runner, [str(source)])
    stdin_code, from_stdin = report(runner, ["-"], source.read_bytes())
    assert stdin_code == code
    assert from_stdin["findings"]
    assert [f["message"] for f in from_stdin["findings"]] == [
        f["message"] for f in from_file["findings"]
    ]
    files = {f["file"] for f in from_stdin["findings"]}
    assert files == {"<stdin>"}
    locations = [f["location"] for f in from_stdin["findings"]]
    assert [loc.replace("<stdin>", str(source)) for loc in locations] == [
        f["location"] for f in from_file["findings"]
    ]
    assert [i["path"] for i in from_stdin["inputs"]] == ["<stdin>"]


def test_standard_input_joins_other_paths(runner):
    docs = Path(__file__).parent / "x12" / "fixtures" / "docs.json"
    _, joined = report(runner, ["-", str(docs)], X12.read_bytes())
    _, files = report(runner, [str(X12), str(docs)])
    assert [f["message"] for f in joined["findings"]] == [f["message"] for f in files["findings"]]


def test_text_locations_name_stdin(runner):
    result = runner.invoke(main, ["check", "-", "--isolated"], input=ERRORS_DOCUMENT.read_bytes())
    assert result.exit_code == 1
    findings = [line for line in result.stdout.splitlines() if line.startswith("<stdin>")]
    assert findings
    # placed at the line and column where the record starts, as for the file itself
    assert "<stdin>:15:5: BHI-TIME-001 error: " in result.stdout
    assert all(re.match(r"<stdin>:[0-9]+:[0-9]+: ", line) for line in findings)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["-", "-"], b"{}", "bhi-audit: error: '-' (standard input) can be given only once"),
        (["-"], b"", "bhi-audit: error: <stdin>: standard input is empty"),
    ],
    ids=["twice", "empty"],
)
def test_bad_standard_input_is_a_usage_error(runner, args, stdin, message):
    result = runner.invoke(main, ["check", *args, "--isolated"], input=stdin)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
