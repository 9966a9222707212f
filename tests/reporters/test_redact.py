"""Redaction: pseudonyms are keyed and stable, notes are dropped, and no patient id, name,
DOB or Medicare id from the input survives in any output format."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.loaders import load_paths
from bhi_audit.redact import collect_phi, derive_key, pseudonym, redact
from bhi_audit.reporters import REPORTERS, json_report

FORMATS = sorted(REPORTERS)
INPUTS = ["tests/reporters/fixtures/sample.json", "tests/reporters/fixtures/csv_bundle"]


def _audit_all_formats(runner, tmp_path, *options, env=None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    args = ["check", *INPUTS, "--format", "text", "-o", str(tmp_path / "out.txt")]
    for fmt in FORMATS:
        args += ["--report", f"{fmt}:{tmp_path / ('report.' + fmt)}"]
    result = runner.invoke(main, [*args, *options], env=env)
    assert result.exit_code == 1, result.output  # the sample has errors
    return {fmt: (tmp_path / f"report.{fmt}").read_text(encoding="utf-8") for fmt in FORMATS}


def test_redact_removes_every_identifier_in_every_format(runner, tmp_path, phi_values, note_values):
    plain = _audit_all_formats(runner, tmp_path / "plain", "--no-redact")
    redacted = _audit_all_formats(runner, tmp_path / "redacted", "--redact", "--redact-key", "k")
    # Without redaction the outputs do carry each kind of value, so the test below can fail.
    for value in ("MRN-10001", "Avery Testperson", "1950-02-30", "2FH5UF6NL84", "MRN-20001"):
        assert value in plain["html"], value
    assert "phone follow-up" in plain["json"]
    for fmt, text in redacted.items():
        for value in (*phi_values, *note_values):
            assert value not in text, f"{value!r} survived redaction in {fmt}"
        assert "pt-" in text, fmt


def test_redacted_junit_and_sarif_still_validate(runner, tmp_path, validate_junit, validate_sarif):
    redacted = _audit_all_formats(runner, tmp_path, "--redact", "--redact-key", "k")
    validate_junit(redacted["junit"])
    validate_sarif(redacted["sarif"])


def test_pseudonyms_are_stable_per_key(runner, tmp_path):
    first = _audit_all_formats(
        runner, tmp_path / "a", "--redact", env={"BHI_AUDIT_REDACT_KEY": "k1"}
    )
    again = _audit_all_formats(
        runner, tmp_path / "b", "--redact", env={"BHI_AUDIT_REDACT_KEY": "k1"}
    )
    other = _audit_all_formats(
        runner, tmp_path / "c", "--redact", env={"BHI_AUDIT_REDACT_KEY": "k2"}
    )
    assert first == again
    assert first["csv"] != other["csv"]
    assert pseudonym(b"k1", "MRN-10001") in first["csv"]


def test_junit_and_sarif_are_redacted_by_default(runner, tmp_path, phi_values):
    outputs = _audit_all_formats(runner, tmp_path, "--redact-key", "k")
    for fmt in ("junit", "sarif"):
        assert not any(value in outputs[fmt] for value in phi_values), fmt
    for fmt in ("html", "json", "csv"):
        assert "MRN-10001" in outputs[fmt], fmt


def test_no_redact_opts_out_for_junit(runner, tmp_path):
    outputs = _audit_all_formats(runner, tmp_path, "--no-redact")
    assert "MRN-10001" in outputs["junit"]
    assert "MRN-10001" in outputs["sarif"]


def test_without_a_key_the_input_keys_the_pseudonyms(runner, tmp_path):
    result = runner.invoke(
        main, ["check", INPUTS[0], "--format", "junit", "--fail-on", "never"], env={}
    )
    assert result.exit_code == 0
    assert "no --redact-key or BHI_AUDIT_REDACT_KEY" in result.stderr
    assert "MRN-10001" not in result.stdout
    key = derive_key(collect_phi(load_paths([Path(INPUTS[0])])))
    assert pseudonym(key, "MRN-10001") in result.stdout


def test_redact_is_pure_and_keeps_the_counts(sample_result):
    phi = collect_phi(load_paths([Path(INPUTS[0])]))
    before = sample_result.model_dump_json()
    redacted = redact(sample_result, phi, b"k")
    assert sample_result.model_dump_json() == before
    assert redacted.totals == sample_result.totals
    assert len(redacted.findings) == len(sample_result.findings)
    assert len(redacted.evaluations) == len(sample_result.evaluations)
    assert redacted.config["redacted"] is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("patient MRN-10001 in 2026-01", "patient {p} in 2026-01"),
        ("MRN-100011 is another id", "MRN-100011 is another id"),
        ("called Avery Testperson", "called {p}"),
        ("born 1948-02-03", "born [redacted]"),
    ],
    ids=["id", "longer-id-untouched", "name", "dob"],
)
def test_text_substitution(sample_result, text, expected):
    phi = collect_phi(load_paths([Path(INPUTS[0])]))
    finding = sample_result.findings[0].model_copy(update={"message": text})
    result = sample_result.model_copy(update={"findings": (finding,)})
    (out,) = redact(result, phi, b"k").findings
    assert out.message == expected.format(p=pseudonym(b"k", "MRN-10001"))


def test_redacted_json_still_renders(sample_result):
    phi = collect_phi(load_paths([Path(INPUTS[0])]))
    out = io.StringIO()
    json_report.render(redact(sample_result, phi, b"k"), out)
    assert '"redacted": true' in out.getvalue()


def _sample_claims_phi():
    """Every patient id, name, DOB and Medicare id in sample_claims/ (CSV form)."""
    import csv

    values = set()
    with open("sample_claims/patients.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values.update(v for k, v in row.items() if k != "qmb" and v)
    return sorted(values)


def test_sample_claims_redacted_in_every_format(runner, tmp_path):
    if not Path("sample_claims/patients.csv").exists():
        pytest.skip("sample_claims/ is not in this checkout")
    phi = _sample_claims_phi()
    args = ["check", "sample_claims", "--redact", "--redact-key", "k", "--format", "text"]
    for fmt in FORMATS:
        args += ["--report", f"{fmt}:{tmp_path / ('report.' + fmt)}"]
    result = runner.invoke(main, args)
    assert result.exit_code == 1, result.output
    plain = runner.invoke(main, ["check", "sample_claims", "--format", "json"]).stdout
    assert any(value in plain for value in phi)  # the unredacted report does carry PHI
    for fmt in FORMATS:
        text = (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")
        leaked = [value for value in phi if value in text]
        assert leaked == [], f"{fmt} leaks {leaked}"
    leaked = [value for value in phi if value in result.stdout]
    assert leaked == []
