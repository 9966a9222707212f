"""Bad input is a rejected record or one exit-2 line, never a traceback or a wrong verdict.

docs/security.md §5. Each case here failed on the code before it: a crash in a writer or a
parser, or a value read as something other than what was written (YAML octal, JSON
exponents, dates no claim can have).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.loaders import load_paths
from bhi_audit.models import ClaimLine, Patient, TimeEntry

from conftest import CLEAN_BUNDLE, ERRORS_DOCUMENT, lines_of, run_audit

REPORT_FORMATS = ("text", "json", "csv", "sarif", "junit", "html")


def invoke(runner, *args: object):
    return runner.invoke(main, [str(a) for a in args])


def document_with(tmp_path: Path, edit, name: str = "bundle.json") -> Path:
    """errors.json (C3: one BHI-TIME-001 error) after ``edit(document)``."""
    document = json.loads(ERRORS_DOCUMENT.read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")  # ensure_ascii: \ud800 escapes
    return path


def rejections(result) -> list[tuple[str, str]]:
    return [(str(r.location), r.message) for r in result.rejected]


# ------------------------------------------------------------------ lone surrogates


def _surrogate_claim(document) -> None:
    document["claims"][0]["claim_id"] = "C046\ud800"


def test_a_lone_surrogate_is_the_error_of_its_field(tmp_path):
    path = document_with(tmp_path, _surrogate_claim)
    result = run_audit(path)
    assert rejections(result) == [
        (f"{path}#/claims/0", "claim_id: not valid Unicode text (lone surrogate U+D800)")
    ]


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_a_lone_surrogate_never_crashes_a_writer(runner, tmp_path, fmt):
    path = document_with(tmp_path, _surrogate_claim)
    target = tmp_path / f"report.{fmt}"
    to_file = invoke(runner, "check", path, "--format", fmt, "-o", target)
    to_stdout = invoke(runner, "check", path, "--format", fmt)
    for result in (to_file, to_stdout):
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert target.read_text(encoding="utf-8").strip()


def test_a_lone_surrogate_in_a_fhir_name_rejects_the_patient(tmp_path):
    patient = {"resourceType": "Patient", "id": "P9", "name": [{"text": "Ann \ud800Test"}]}
    export = tmp_path / "Patient.ndjson"
    export.write_text(json.dumps(patient) + "\n", encoding="utf-8")
    result = run_audit(CLEAN_BUNDLE, export)
    assert [(r.kind, r.message) for r in result.rejected] == [
        ("patients", "/name: Patient/P9: name: not valid Unicode text (lone surrogate U+D800)")
    ]


def test_a_file_name_that_is_not_utf8_never_crashes_a_writer(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = Path(os.fsdecode(b"bundle\xff.json"))
    path.write_bytes(ERRORS_DOCUMENT.read_bytes())
    for fmt in REPORT_FORMATS:
        result = invoke(runner, "check", path, "--format", fmt)
        assert result.exit_code == 1, (fmt, result.output)
    plain = invoke(runner, "check", path, "--format", "sarif", "--no-redact").stdout
    sarif = json.loads(plain)
    assert [a["location"]["uri"] for a in sarif["runs"][0]["artifacts"]] == ["bundle%FF.json"]
    # redacted (SARIF's default), the name becomes its keyed label: no crash on the bytes
    redacted = json.loads(invoke(runner, "check", path, "--format", "sarif").stdout)
    [uri] = [a["location"]["uri"] for a in redacted["runs"][0]["artifacts"]]
    assert uri.startswith("input-") and "bundle" not in uri


# ------------------------------------------------------------------ control characters


def _hostile_claim_id(document) -> None:
    """C3 (which has a BHI-TIME-001 finding) renamed with a CSI and a right-to-left override."""
    for kind in ("claims", "claim_lines"):
        for row in document[kind]:
            if row["claim_id"] == "C3":
                row["claim_id"] = "C3\u009b2J\u202eX"


@pytest.mark.parametrize("fmt", ["text", "csv"])
def test_c1_and_bidi_controls_are_escaped_in_text_and_csv(runner, tmp_path, fmt):
    path = document_with(tmp_path, _hostile_claim_id)
    result = invoke(runner, "check", path, "--format", fmt)
    assert result.exit_code == 1
    assert "C3\\x9b2J\\u202eX" in result.stdout
    assert "\u009b" not in result.stdout
    assert "\u202e" not in result.stdout


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("day", "reasons"),
    [
        (
            "0001-01-01",
            ["date_of_service: date 0001-01-01 out of range (1900-01-01 to 2100-12-31)"],
        ),
        (
            "2101-01-01",
            ["date_of_service: date 2101-01-01 out of range (1900-01-01 to 2100-12-31)"],
        ),
        ("2026-03-22", []),
    ],
)
def test_dates_outside_the_sane_range_are_rejected(tmp_path, day, reasons):
    def edit(document) -> None:
        document["claim_lines"][1]["date_of_service"] = day

    result = run_audit(document_with(tmp_path, edit))
    assert [r.message for r in result.rejected] == reasons
    assert [f.check_id for f in result.findings if f.outcome.value == "internal-error"] == []


def test_the_range_ends_are_accepted():
    assert (
        ClaimLine.model_validate(
            {"claim_id": "C1", "line_number": 1, "code": "99484", "date_of_service": "1900-01-01"}
        ).date_of_service.isoformat()
        == "1900-01-01"
    )
    patient = Patient.model_validate({"patient_id": "P1", "dob": "2100-12-31"})
    assert patient.dob is not None and patient.dob.isoformat() == "2100-12-31"


# ------------------------------------------------------------------ numbers as written


YAML_ENTRY = """\
claims: []
claim_lines: []
time_entries:
  - entry_id: T1
    patient_id: 00100
    date: 2026-03-05
    minutes: 012
    start_time: 10:30
    end_time: 10:42
    program: BHI
"""


def test_yaml_values_are_read_as_written_not_as_yaml_1_1(tmp_path):
    path = tmp_path / "bundle.yaml"
    path.write_text(YAML_ENTRY, encoding="utf-8")
    bundle = load_paths([path])
    assert bundle.rejected == []
    (entry,) = bundle.of(TimeEntry)
    assert (entry.patient_id, entry.minutes) == ("00100", 12)
    assert (entry.start_time.isoformat(), entry.end_time.isoformat()) == ("10:30:00", "10:42:00")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0x1A", "minutes: expected a whole number, got '0x1A'"),
        ("1e1", "minutes: expected a whole number, got '1e1'"),
        ("on", "minutes: expected a whole number, got 'on'"),
    ],
)
def test_yaml_numbers_take_only_the_documented_forms(tmp_path, value, reason):
    path = tmp_path / "bundle.yaml"
    path.write_text(YAML_ENTRY.replace("minutes: 012", f"minutes: {value}"), encoding="utf-8")
    assert [r.message for r in load_paths([path]).rejected] == [reason]


@pytest.mark.parametrize(
    ("literal", "reason"),
    [
        ("1e1", "minutes: expected a whole number, got '1e1'"),
        ("25.0", "minutes: expected a whole number, got '25.0'"),
        ("25", None),
    ],
)
def test_json_numbers_with_an_exponent_are_rejected(tmp_path, literal, reason):
    path = tmp_path / "bundle.json"
    text = ERRORS_DOCUMENT.read_text(encoding="utf-8").replace(
        '"minutes": 25', f'"minutes": {literal}'
    )
    path.write_text(text, encoding="utf-8")
    rejected = [r.message for r in load_paths([path]).rejected]
    assert rejected == ([reason] if reason else [])


def test_json_money_keeps_its_digits(tmp_path):
    def edit(document) -> None:
        document["claim_lines"][0]["charge"] = 0.1

    path = document_with(tmp_path, edit)
    (line, _) = load_paths([path]).of(ClaimLine)
    assert str(line.charge) == "0.1"


# ------------------------------------------------------------------ unusable files: one line


def _waivers(tmp_path: Path, text: str, name: str = "waivers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


WAIVER = """\
waivers:
  - id: W1
    check: BHI-TIME-001
    claim: C3
    reason: reviewed with the care manager
    approved_by: Dr Test Alpha
    expires: {expires}
"""


def test_a_waiver_date_that_does_not_exist_is_one_line(runner, tmp_path):
    waivers = _waivers(tmp_path, WAIVER.format(expires="2026-06-31"))
    result = invoke(runner, "check", ERRORS_DOCUMENT, "--waivers", waivers)
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {waivers}:2: waiver W1: expires: Input should be a valid date or "
        "datetime, day value is outside expected range"
    ]


def test_a_waiver_claim_id_keeps_its_leading_zeros(tmp_path):
    from bhi_audit.registry import load_registry
    from bhi_audit.waivers import load_waivers

    text = WAIVER.format(expires="2026-06-30").replace("claim: C3", "claim: 00100")
    (waiver,) = load_waivers(_waivers(tmp_path, text), load_registry(plugins=False))
    assert waiver.claim == "00100"


def _deep_waivers(tmp_path: Path) -> list[str]:
    path = _waivers(tmp_path, "waivers: " + "[" * 5000 + "]" * 5000 + "\n")
    return ["--waivers", str(path)]


def _deep_signoff(tmp_path: Path) -> list[str]:
    path = tmp_path / "signoff.yaml"
    path.write_text("reviewer: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    return ["--signoff", str(path)]


def _deep_config(tmp_path: Path) -> list[str]:
    path = tmp_path / "bhi-audit.toml"
    path.write_text("select = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    return ["--config", str(path)]


def _deep_baseline(tmp_path: Path) -> list[str]:
    path = tmp_path / "baseline.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return ["--baseline", str(path)]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (_deep_waivers, "waivers.yaml: not usable waivers file (nested too deeply)"),
        (_deep_signoff, "signoff.yaml: not usable sign-off file (nested too deeply)"),
        (_deep_config, "bhi-audit.toml: not usable TOML (nested too deeply)"),
        (_deep_baseline, "baseline.json: not a usable baseline file (nested too deeply)"),
    ],
    ids=["waivers", "signoff", "config", "baseline"],
)
def test_deeply_nested_files_are_one_line(runner, tmp_path, option, message):
    result = invoke(runner, "check", ERRORS_DOCUMENT, *option(tmp_path))
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [f"bhi-audit: error: {tmp_path}/{message}"]


def test_an_id_map_field_over_the_csv_limit_is_one_line(runner, tmp_path):
    id_map = tmp_path / "id_map.csv"
    id_map.write_text(f"kind,external_id,bundle_id\npatient,{'X' * 200_000},P1\n", "utf-8")
    result = invoke(runner, "check", ERRORS_DOCUMENT, "--id-map", id_map)
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {id_map}:2: not valid CSV (field larger than field limit (131072))"
    ]
