"""Where a record of a JSON/YAML document starts: the line and column editors jump to.

Each case loads a document through the real loader and checks the location of its records
against the text itself (the brace that opens the record, found by searching the text), never
against the scanner's own arithmetic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bhi_audit.loaders import BundleBuilder, load_path, load_paths
from bhi_audit.loaders.positions import load_json, position_of
from bhi_audit.models import Patient

PATIENTS = [{"patient_id": "P1"}, {"patient_id": "P2", "name": "Zoë {x} [y]"}]
EMPTY = {"claims": [], "claim_lines": []}


def brace_before(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column in code points) of the last ``{`` before ``needle`` in ``text``."""
    offset = text.rindex("{", 0, text.index(needle))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def starts(path: Path) -> dict[str, tuple[int | None, int | None]]:
    """patient id -> (line, column) of each patient record the loader read from ``path``."""
    patients = load_paths([path]).of(Patient)
    return {p.patient_id: (p.location.line, p.location.column) for p in patients}


LAYOUTS = {
    "pretty": lambda doc: json.dumps(doc, indent=2),
    "minified": lambda doc: json.dumps(doc, separators=(",", ":")),
    "one-line-spaced": json.dumps,
    "crlf": lambda doc: json.dumps(doc, indent=1).replace("\n", "\r\n"),
    "not-ascii": lambda doc: json.dumps(doc, indent=2, ensure_ascii=False),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
def test_json_document_records_are_placed_where_their_object_starts(tmp_path, layout, bom):
    text = LAYOUTS[layout]({**EMPTY, "patients": PATIENTS})
    path = tmp_path / "bundle.json"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8", newline="")
    expected = {"P1": brace_before(text, '"P1"'), "P2": brace_before(text, '"P2"')}
    assert starts(path) == expected  # a BOM is not a column
    if layout in ("minified", "one-line-spaced"):
        assert expected["P2"][0] == 1  # one line: the column tells the records apart
        assert expected["P2"][1] > expected["P1"][1] > 1


def test_yaml_document_records_are_placed_at_their_first_key(tmp_path):
    text = "claims: []\nclaim_lines: []\npatients:\n  - patient_id: P1\n  -   patient_id: P2\n"
    path = tmp_path / "bundle.yaml"
    path.write_text(text, encoding="utf-8")
    assert starts(path) == {"P1": (4, 5), "P2": (5, 7)}


def test_fhir_bundle_resources_are_placed_where_the_resource_starts(tmp_path):
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:a", "resource": {"resourceType": "Patient", "id": "P1"}},
            {"resource": {"resourceType": "Patient", "id": "P2"}},
        ],
    }
    text = json.dumps(bundle, indent=2)
    path = tmp_path / "bundle.json"
    path.write_text(text, encoding="utf-8")
    builder = BundleBuilder()
    load_path(path, builder)  # FHIR documentation alone: no claims needed
    patients = builder.build().of(Patient)
    located = {p.patient_id: (p.location.line, p.location.column) for p in patients}
    assert located == {"P1": brace_before(text, '"P1"'), "P2": brace_before(text, '"P2"')}


def test_csv_rows_after_a_quoted_line_break_keep_their_physical_line(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "claims.csv").write_text("claim_id,patient_id,billing_practitioner\n")
    (bundle / "claim_lines.csv").write_text("claim_id,line_number,code,date_of_service\n")
    (bundle / "patients.csv").write_text('patient_id,name\nP1,"two\nlines"\n\nP2,x\n')
    assert starts(bundle) == {"P1": (2, 1), "P2": (5, 1)}


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [("/a/1", (3, 5)), ("/a/1/deep/er", (3, 5)), ("/a/9", (2, 8)), ("/", (1, 1)), ("", (1, 1))],
)
def test_a_pointer_without_a_position_takes_its_nearest_located_ancestor(pointer, expected):
    _, positions = load_json('{\n  "a": [1,\n    {"deep": {"er": 2}}]}')
    assert position_of(positions, pointer) == expected


def test_keys_are_escaped_as_json_pointer_tokens():
    _, positions = load_json('{"a~b": [{"c": 1}], "e/f": [true]}')
    assert positions["/a~0b/0"] == (1, 10)
    assert positions["/e~1f/0"] == (1, 29)


JSON_TEXTS = [
    '{"a": [1, 2.50, {"b": [null]}], "c": "x"}',
    '  {\r\n "a" : [ ] , "b":{} }\n',
    '{"entry": [{"resource": {"id": 1}, "x": [1e3]}], "a": {"a": 1, "a": 2}}',
    "[1, [2, [3]]]",
    '"just a string"',
    '{"a": NaN, "b": -Infinity}',
]
NOT_JSON = ['{"a": 1,}', "[1, 2,]", '{"a" 1}', "{1: 2}", '{"a": 1} x', "[", "", '{"a": [1 2]}']


@pytest.mark.parametrize("text", JSON_TEXTS)
def test_load_json_gives_what_json_loads_gives(text):
    document, positions = load_json(text, parse_float=str)
    assert document == json.loads(text, parse_float=str)
    offset = len(text) - len(text.lstrip(" \t\r\n"))  # the root starts after the whitespace
    assert positions[""] == (text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset))


@pytest.mark.parametrize("text", NOT_JSON)
def test_load_json_refuses_what_json_loads_refuses_with_its_message(text):
    with pytest.raises(json.JSONDecodeError) as ours:
        load_json(text)
    with pytest.raises(json.JSONDecodeError) as theirs:
        json.loads(text)
    assert (ours.value.msg, ours.value.lineno, ours.value.colno) == (
        theirs.value.msg,
        theirs.value.lineno,
        theirs.value.colno,
    )
