"""The JSON/YAML bundle document loader: same records as the CSV bundle, JSON-pointer locations.

Unusable documents (syntax errors with their line, wrong top-level shape, unknown kinds) are
InputErrors; one bad record is rejected at its pointer while the rest is audited.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.errors import InputErrors
from bhi_audit.loaders import load_paths
from bhi_audit.models import Claim, ClaimLine, Consent, TimeEntry

from conftest import BASIC_CHECKS, CLEAN_BUNDLE, ERRORS_DOCUMENT, FIXTURES, run_audit


def counts(result) -> dict[str, tuple[int, int, int]]:
    return {k: (c.read, c.audited, c.rejected) for k, c in result.records.items()}


def document(tmp_path: Path, text: str | bytes, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


MINIMAL = (
    '{"claims": [{"claim_id": "C1", "patient_id": "P1", "billing_practitioner": "S1"}],\n'
    ' "claim_lines": [{"claim_id": "C1", "line_number": 1, "code": "90834",\n'
    '                  "date_of_service": "2026-03-03"}]}\n'
)


def test_json_document_records_point_at_their_json_pointer():
    bundle = load_paths([ERRORS_DOCUMENT])
    lines = bundle.of(ClaimLine)
    assert [str(line.location) for line in lines] == [
        f"{ERRORS_DOCUMENT}#/claim_lines/0",
        f"{ERRORS_DOCUMENT}#/claim_lines/1",
    ]
    # Lists may be arrays or ";"-separated text; both mean the same.
    claims = {c.claim_id: c for c in bundle.of(Claim)}
    assert claims["C1"].diagnoses == ["F32.1"]
    assert claims["C3"].diagnoses == ["F33.0"]


def test_json_document_findings_point_at_the_line():
    result = run_audit(ERRORS_DOCUMENT, select=BASIC_CHECKS)
    assert [(f.location, f.check_id, f.claim_id, f.line_number) for f in result.findings] == [
        (f"{ERRORS_DOCUMENT}#/claim_lines/1", "BHI-TIME-001", "C3", 1)
    ]
    assert result.rejected == ()


def test_yaml_document_equals_the_csv_bundle():
    from_yaml = load_paths([FIXTURES / "clean.yaml"])
    from_csv = load_paths([CLEAN_BUNDLE])
    for kind in ("staff", "patients", "claims", "claim_lines", "consents"):
        assert [r.model_dump() for r in from_yaml.records[kind]] == [
            r.model_dump() for r in from_csv.records[kind]
        ], kind
    assert from_yaml.rejected == []

    def found(result):
        return sorted((f.check_id, f.claim_id, f.message) for f in result.findings)

    assert found(run_audit(FIXTURES / "clean.yaml")) == found(run_audit(CLEAN_BUNDLE))


def test_yaml_keeps_unquoted_dates_and_clock_times_as_written():
    # Plain yaml.safe_load reads 10:30 as the base-60 integer 630 (09:30 stays text).
    bundle = load_paths([FIXTURES / "clean.yaml"])
    entries = {e.entry_id: e for e in bundle.of(TimeEntry)}
    assert (entries["T1"].start_time, entries["T1"].end_time) == (time(10, 30), time(10, 55))
    assert (entries["T2"].start_time, entries["T2"].end_time) == (time(9, 30), time(9, 52))
    assert entries["T1"].duration == 25
    assert entries["T1"].note == "synthetic note\nover two lines\n"
    assert bundle.period is not None
    assert (bundle.period.records_from, bundle.period.records_to) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    consents = {c.consent_id: c for c in bundle.of(Consent)}
    assert consents["K1"].elements == consents["K2"].elements


def test_yaml_impossible_date_rejects_one_record(tmp_path):
    path = document(
        tmp_path,
        "claims: [{claim_id: C1, patient_id: P1, billing_practitioner: S1}]\n"
        "claim_lines:\n"
        "  - {claim_id: C1, line_number: 1, code: '90834', date_of_service: 2026-03-03}\n"
        "  - {claim_id: C1, line_number: 2, code: '90834', date_of_service: 2026-02-30}\n",
        "bundle.yaml",
    )
    result = run_audit(path)
    assert [(r.location, r.message) for r in result.rejected] == [
        (f"{path}#/claim_lines/1", "date_of_service: not a calendar date: '2026-02-30'")
    ]
    assert counts(result) == {"claim_lines": (2, 1, 1), "claims": (1, 1, 0)}


def test_json_numbers_and_text_are_both_accepted(tmp_path):
    path = document(
        tmp_path,
        '{"claims": [{"claim_id": 1042, "patient_id": "P1", "billing_practitioner": "S1"}],\n'
        ' "claim_lines": [{"claim_id": "1042", "line_number": "1", "code": "90834",\n'
        '   "units": 2, "charge": 98.5, "date_of_service": "2026-03-03"}]}\n',
    )
    (line,) = load_paths([path]).of(ClaimLine)
    assert (line.claim_id, line.line_number, line.units, line.charge) == (
        "1042",
        1,
        2,
        Decimal("98.5"),
    )


def test_bom_json_is_accepted(tmp_path):
    path = document(tmp_path, b"\xef\xbb\xbf" + MINIMAL.encode())
    assert counts(run_audit(path)) == {"claim_lines": (1, 1, 0), "claims": (1, 1, 0)}


def test_null_kind_means_provided_and_empty(tmp_path):
    path = document(tmp_path, MINIMAL.replace('"claims"', '"consents": null, "claims"'))
    bundle = load_paths([path])
    assert "consents" in bundle.provided
    assert bundle.records["consents"] == []


# ------------------------------------------------------------------ unusable documents

UNUSABLE = {
    "invalid-json-with-line": (
        "bundle.json",
        '{\n  "claims": [\n    {"claim_id": "C1",}\n  ]\n}\n',
        ["{p}:3: not valid JSON (Expecting property name enclosed in double quotes, column 23)"],
    ),
    "empty-json": ("bundle.json", "", ["{p}:1: not valid JSON (Expecting value, column 1)"]),
    "json-top-level-list": (
        "bundle.json",
        "[]",
        [
            "{p}: expected an object whose keys are record kinds (claims, claim_lines, ...), "
            "got list"
        ],
    ),
    "json-top-level-string": (
        "bundle.json",
        '"claims"',
        ["{p}: expected an object whose keys are record kinds (claims, claim_lines, ...), got str"],
    ),
    "unknown-top-level-kind": (
        "bundle.json",
        MINIMAL.replace('"claims"', '"claim": [], "claims"'),
        ["{p}: claim: unknown record kind (did you mean 'claims'?)"],
    ),
    "kind-not-a-list": (
        "bundle.json",
        MINIMAL.replace('"claims": [', '"patients": {"patient_id": "P1"}, "claims": ['),
        ["{p}: /patients: expected a list of records, got dict"],
    ),
    "missing-claim-lines": (
        "bundle.json",
        '{"claims": []}',
        ["{p}: required record file claim_lines.csv (or key 'claim_lines') is missing"],
    ),
    "huge-integer": (
        "bundle.json",
        '{"claims": [{"claim_id": ' + "9" * 5000 + "}]}",
        [
            "{p}: not usable JSON (Exceeds the limit (4300 digits) for integer string "
            "conversion: value has 5000 digits)"
        ],
    ),
    "deeply-nested-json": (
        "bundle.json",
        "[" * 100_000 + "]" * 100_000,
        ["{p}: not usable JSON (nested too deeply)"],
    ),
    "invalid-yaml-with-line": (
        "bundle.yaml",
        "claims:\n  - claim_id: C1\n    patient_id: [P1\nclaim_lines: []\n",
        ["{p}:4: not valid YAML (expected ',' or ']', but got ':')"],
    ),
    "yaml-tab-indent": (
        "bundle.yml",
        "claims:\n\t- claim_id: C1\n",
        ["{p}:2: not valid YAML (found character '\\t' that cannot start any token)"],
    ),
    "yaml-scalar": (
        "bundle.yaml",
        "just some text\n",
        ["{p}: expected an object whose keys are record kinds (claims, claim_lines, ...), got str"],
    ),
    "yaml-empty": (
        "bundle.yaml",
        "",
        [
            "{p}: expected an object whose keys are record kinds (claims, claim_lines, ...), "
            "got NoneType"
        ],
    ),
    "deeply-nested-yaml": (
        "bundle.yaml",
        "claims: " + "[" * 5000 + "]" * 5000,
        ["{p}: not usable YAML (nested too deeply)"],
    ),
    "latin-1-yaml": (
        "bundle.yaml",
        b"claims:\n  - {claim_id: C1, patient_id: Jos\xe9}\n",
        ["{p}:2: not UTF-8 text (byte 0xe9); export the file as UTF-8"],
    ),
}


@pytest.mark.parametrize(("name", "text", "expected"), UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_document_is_an_input_error(tmp_path, name, text, expected):
    path = document(tmp_path, text, name)
    with pytest.raises(InputErrors) as caught:
        load_paths([path])
    assert [str(e) for e in caught.value.errors] == [e.format(p=path) for e in expected]


# ------------------------------------------------------------------ one bad record

TWO_LINES = (
    '{"claims": [{"claim_id": "C1", "patient_id": "P1", "billing_practitioner": "S1"}],\n'
    ' "claim_lines": [\n'
    '  {"claim_id": "C1", "line_number": 1, "code": "90834", "date_of_service": "2026-03-03"},\n'
    '  {"claim_id": "C1", "line_number": 2, "code": "90834", "date_of_service": "2026-03-04"}\n'
    "]}\n"
)
FIRST_LINE = (
    '{"claim_id": "C1", "line_number": 1, "code": "90834", "date_of_service": "2026-03-03"}'
)

BAD_ROWS = {
    "row-not-an-object": ("42", "", "expected an object, got int"),
    "row-is-a-list": ('["C1", 1]', "", "expected an object, got list"),
    "unknown-field": (FIRST_LINE.replace("}", ', "colour": "red"}'), "colour", "unknown field"),
    "missing-field": (
        FIRST_LINE.replace('"code": "90834", ', ""),
        "code",
        "required field is missing",
    ),
    "nan-units": (
        FIRST_LINE.replace("}", ', "units": NaN}'),
        "units",
        "expected a whole number, got nan",
    ),
    "boolean-units": (
        FIRST_LINE.replace("}", ', "units": true}'),
        "units",
        "expected a whole number, not a boolean",
    ),
    "infinite-charge": (
        FIRST_LINE.replace("}", ', "charge": Infinity}'),
        "charge",
        "expected an amount like 160.32, got inf",
    ),
}


@pytest.mark.parametrize(("row", "field", "message"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_one_bad_json_row_is_rejected_and_the_rest_audited(tmp_path, row, field, message):
    path = document(tmp_path, TWO_LINES.replace(FIRST_LINE, row))
    result = run_audit(path)
    assert [(r.location, r.reasons) for r in result.rejected] == [
        (f"{path}#/claim_lines/0", ((field, message),))
    ]
    assert counts(result) == {"claim_lines": (2, 1, 1), "claims": (1, 1, 0)}


def test_non_string_keys_in_a_yaml_row_reject_the_row(tmp_path):
    path = document(
        tmp_path,
        "claims:\n  - {1: 2}\n  - {claim_id: C1, patient_id: P1, billing_practitioner: S1}\n"
        "claim_lines: []\n",
        "bundle.yaml",
    )
    result = run_audit(path)
    assert [r.location for r in result.rejected] == [f"{path}#/claims/0"]
    assert counts(result)["claims"] == (2, 1, 1)
