"""Redaction: pseudonyms are keyed and stable, notes are dropped, and no patient id, name,
DOB or Medicare id from the input survives in any output format."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from bhi_audit.cli import main
from bhi_audit.findings import Outcome
from bhi_audit.loaders import load_paths
from bhi_audit.redact import (
    Replacer,
    claim_pseudonym,
    collect_phi,
    derive_key,
    file_label,
    pseudonym,
    redact,
)
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
    for fmt in ("github", "gitlab", "junit", "sarif"):
        assert not any(value in outputs[fmt] for value in phi_values), fmt
    for fmt in ("html", "json", "csv"):
        assert "MRN-10001" in outputs[fmt], fmt


def test_no_redact_opts_out_for_junit(runner, tmp_path):
    outputs = _audit_all_formats(runner, tmp_path, "--no-redact")
    assert "MRN-10001" in outputs["github"]
    assert "MRN-10001" in outputs["gitlab"]
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


# --------------------------------------------------------------------------- issue 10, part 3


def _json(runner, *args, env=None):
    result = runner.invoke(main, ["check", *INPUTS, "--format", "json", *args], env=env)
    return result, json.loads(result.stdout) if result.stdout.startswith("{") else None


def test_claim_ids_and_files_become_keyed_labels(runner):
    _, report = _json(runner, "--redact", "--redact-key", "k")
    claims = {f["claim_id"] for f in report["findings"] if f["claim_id"]}
    assert claim_pseudonym(b"k", "CLM-001") in claims
    assert all(c.startswith("cl-") for c in claims), claims
    assert all(k.startswith("cl-") for k in report["per_claim"]), report["per_claim"]
    label = file_label(b"k", INPUTS[0])
    assert {"path": label, "format": "json"}.items() <= next(
        i for i in report["inputs"] if i["path"] == label
    ).items()
    assert all(i["path"].startswith("input-") and len(i["sha256"]) == 64 for i in report["inputs"])
    first = next(f for f in report["findings"] if f["file"] == label)
    assert first["location"].startswith(f"{label}#/")
    text = json.dumps(report)
    for raw in ("CLM-001", "fixtures/sample.json", "csv_bundle", "claims.csv"):
        assert raw not in text, raw


def test_rejections_keep_field_and_kind_of_problem_only(runner):
    _, plain = _json(runner, "--no-redact")
    _, report = _json(runner, "--redact", "--redact-key", "k")
    assert any("duplicate of tests/" in r["message"] for r in plain["rejected"])
    label = file_label(b"k", "tests/reporters/fixtures/csv_bundle/staff.csv")
    staff = [r for r in report["rejected"] if r["file"] == label]
    assert staff[0] == {
        "claim_id": None,
        "column": 1,
        "file": label,
        "kind": "staff",
        "line": 2,
        "location": f"{label}:2",
        "message": "staff_id: duplicate record",
        "reasons": [["staff_id", "duplicate record"]],
    }
    assert len(report["rejected"]) == len(plain["rejected"])


def test_rejected_values_never_shown(tmp_path, runner):
    bundle = tmp_path / "bundle"
    shutil.copytree(INPUTS[1], bundle)
    with (bundle / "time_entries.csv").open("a", encoding="utf-8") as handle:
        handle.write("TE-SECRET-9,MRN-SECRET-9,S-CM,2026-13-45,ninety,BHI,secret activity,\n")
    plain = runner.invoke(main, ["check", str(bundle), "--format", "json", "--no-redact"])
    assert "2026-13-45" in plain.stdout and "ninety" in plain.stdout
    result = runner.invoke(
        main, ["check", str(bundle), "--format", "json", "--redact", "--redact-key", "k"]
    )
    (rejected,) = [r for r in json.loads(result.stdout)["rejected"] if r["kind"] == "time_entries"]
    assert rejected["reasons"] == [["date", "invalid value"], ["minutes", "invalid value"]]
    assert rejected["message"] == "date: invalid value; minutes: invalid value"
    for secret in ("2026-13-45", "ninety", "SECRET", "secret"):
        assert secret not in result.stdout, secret


def test_internal_error_keeps_check_and_exception_type_only(sample_result):
    phi = collect_phi(load_paths([Path(INPUTS[0])]))
    finding = sample_result.findings[0]
    crash = finding.model_copy(
        update={
            "outcome": Outcome.INTERNAL_ERROR,
            "claim_id": "CLM-001",
            "message": f"internal error in check {finding.check_id} on claim CLM-001: KeyError: "
            "Patient(patient_id='MRN-10001', dob=datetime.date(1950, 1, 2)) "
            "(the check did not run; please report this)",
        }
    )
    (out,) = redact(sample_result.model_copy(update={"findings": (crash,)}), phi, b"k").findings
    assert out.message == (
        f"internal error in check {finding.check_id} on claim {claim_pseudonym(b'k', 'CLM-001')}: "
        "KeyError "
        "(the check did not run; its message is withheld under --redact and kept in the debug log)"
    )


def _junit_names_and_sarif_fingerprints(runner, tmp_path, key):
    tmp_path.mkdir()
    junit, sarif = tmp_path / "r.xml", tmp_path / "r.sarif"
    runner.invoke(
        main,
        ["check", *INPUTS, "--format", "junit", "-o", str(junit), "--report", f"sarif:{sarif}"],
        env={"BHI_AUDIT_REDACT_KEY": key},
    )
    names = sorted(
        (case.get("classname", ""), case.get("name", ""))
        for case in etree.parse(str(junit)).iter("testcase")
    )
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    prints = sorted(json.dumps(r.get("partialFingerprints", {}), sort_keys=True) for r in results)
    return names, prints


def test_junit_names_and_sarif_fingerprints_are_stable_with_a_fixed_key(runner, tmp_path):
    first = _junit_names_and_sarif_fingerprints(runner, tmp_path / "a", "ci-secret")
    again = _junit_names_and_sarif_fingerprints(runner, tmp_path / "b", "ci-secret")
    other = _junit_names_and_sarif_fingerprints(runner, tmp_path / "c", "other-secret")
    assert first == again
    assert first[0] != other[0] and first[1] != other[1]
    assert any(claim_pseudonym(b"ci-secret", "CLM-001") in name for _, name in first[0])
    assert not any("CLM-001" in name or "MRN-" in name for pair in first[0] for name in pair)


def test_without_a_key_the_warning_says_names_change(runner):
    result = runner.invoke(main, ["check", INPUTS[0], "--format", "sarif"], env={})
    assert "change from run to run" in result.stderr
    assert "GitHub/GitLab annotations" in result.stderr  # every CI-facing format is named
    assert "BHI_AUDIT_REDACT_KEY from a CI secret" in result.stderr


def test_redacted_baseline_is_pseudonymous_and_matches(runner, tmp_path, phi_values):
    path = tmp_path / "baseline.json"
    wrote = runner.invoke(
        main, ["baseline", *INPUTS, "-o", str(path), "--redact", "--redact-key", "k"]
    )
    assert wrote.exit_code == 0, wrote.output
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["pseudonymous"] is True
    assert f'"patient_id": "{pseudonym(b"k", "MRN-10001")}"' in text
    assert [value for value in phi_values if value in text] == []
    matched = runner.invoke(
        main,
        ["check", *INPUTS, "--baseline", str(path), "--format", "json", "--no-redact"],
        env={"BHI_AUDIT_REDACT_KEY": "k"},
    )
    report = json.loads(matched.stdout)
    assert report["stale_baseline"] == []
    assert report["totals"]["baselined"] > 0
    plain_path = tmp_path / "plain.json"
    runner.invoke(main, ["baseline", *INPUTS, "-o", str(plain_path)])
    plain = runner.invoke(
        main, ["check", *INPUTS, "--baseline", str(plain_path), "--format", "json", "--no-redact"]
    )
    # The pseudonymous baseline accepts exactly what the plain one does.
    assert report["totals"] == json.loads(plain.stdout)["totals"]
    assert matched.exit_code == plain.exit_code


def test_redacted_baseline_needs_a_key(runner, tmp_path):
    path = tmp_path / "baseline.json"
    result = runner.invoke(main, ["baseline", *INPUTS, "-o", str(path), "--redact"], env={})
    assert result.exit_code == 2
    assert "baseline --redact needs --redact-key or BHI_AUDIT_REDACT_KEY" in result.stderr
    assert not path.exists()
    runner.invoke(main, ["baseline", *INPUTS, "-o", str(path), "--redact", "--redact-key", "k"])
    check = runner.invoke(main, ["check", *INPUTS, "--baseline", str(path)], env={})
    assert check.exit_code == 2
    assert "the baseline was written with --redact" in check.stderr


def test_a_plain_baseline_does_not_say_pseudonymous(runner, tmp_path):
    path = tmp_path / "baseline.json"
    runner.invoke(main, ["baseline", *INPUTS, "-o", str(path)])
    assert "pseudonymous" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("patient: {pt}", {"MRN-10001"}),
        ("claim: {cl}", {"CLM-001"}),
    ],
    ids=["patient-pseudonym", "claim-pseudonym"],
)
def test_waiver_may_name_a_pseudonym(runner, tmp_path, scope, expected):
    _, plain = _json(runner, "--no-redact")
    target = next(
        f for f in plain["findings"] if f["claim_id"] == "CLM-001" and f["outcome"] == "violation"
    )
    waivers = tmp_path / "waivers.yaml"
    line = scope.format(pt=pseudonym(b"k", "MRN-10001"), cl=claim_pseudonym(b"k", "CLM-001"))
    waivers.write_text(
        "waivers:\n"
        "  - id: W-1\n"
        f"    check: {target['check_id']}\n"
        f"    {line}\n"
        "    reason: accepted after review of the paper chart\n"
        "    approved_by: J. Rivera (compliance)\n"
        "    expires: 2026-12-31\n",
        encoding="utf-8",
    )
    args = ("--waivers", str(waivers), "--no-redact", "--as-of", "2026-06-01")
    _, report = _json(runner, *args, env={"BHI_AUDIT_REDACT_KEY": "k"})
    waived = {
        f["patient_id"] if "patient" in scope else f["claim_id"]
        for f in report["findings"]
        if f["waiver"]
    }
    assert waived == expected
    assert report["unused_waivers"] == []
    _, keyless = _json(runner, *args, env={})
    assert [w["waiver_id"] for w in keyless["unused_waivers"]] == ["W-1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("claim C-1#2 and C-10", "claim <c1>#2 and <c10>"),
        ("C-1x C-1 xC-1", "C-1x <c1> xC-1"),
        ("(Avery Testperson), Avery Testpersonal", "(<name>), Avery Testpersonal"),
        ("at dir/C-1.csv:3", "at <file>:3"),
        ("note: phone  call", "note: phone  call"),
        ("note: phone call.", "note: <note>."),
        ("", ""),
    ],
    ids=["ids", "glued", "multi-word", "longest-first", "whitespace-differs", "note", "empty"],
)
def test_replacer_matches_whole_values_only(text, expected):
    replacer = Replacer(
        {
            "C-1": "<c1>",
            "C-10": "<c10>",
            "Avery Testperson": "<name>",
            "dir/C-1.csv": "<file>",
            "phone call": "<note>",
        }
    )
    assert replacer.sub(text) == expected


def test_episode_end_reason_is_free_text(tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(INPUTS[1], bundle)
    (bundle / "episodes.csv").write_text(
        "episode_id,patient_id,start,end,end_reason\n"
        "E-1,MRN-20001,2026-01-01,2026-02-28,moved to daughter's home in Ohio\n",
        encoding="utf-8",
    )
    phi = collect_phi(load_paths([bundle]))
    assert "moved to daughter's home in Ohio" in phi.free_text
    assert "E-1" in phi.record_ids


@pytest.mark.parametrize(
    ("report", "shown"),
    [
        ((), "patient MRN-10001"),
        (("--report", "junit:{tmp}/r.xml"), f"patient {pseudonym(b'k', 'MRN-10001')}"),
        (("--report", "sarif:{tmp}/r.sarif"), f"patient {pseudonym(b'k', 'MRN-10001')}"),
        (("--redact",), f"patient {pseudonym(b'k', 'MRN-10001')}"),
    ],
    ids=["text-only", "junit-by-default", "sarif-by-default", "redact"],
)
def test_stderr_is_redacted_whenever_a_report_is(runner, tmp_path, report, shown):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - id: W-9\n"
        "    check: BHI-DMHT-001\n"
        "    patient: MRN-10001\n"
        "    reason: accepted after review of the paper chart\n"
        "    approved_by: J. Rivera (compliance)\n"
        "    expires: 2026-12-31\n",
        encoding="utf-8",
    )
    args = ["check", *INPUTS, "--waivers", str(waivers), "--as-of", "2026-06-01"]
    args += ["-o", str(tmp_path / "out.txt")]
    args += [part.format(tmp=tmp_path) for part in report]
    result = runner.invoke(main, args, env={"BHI_AUDIT_REDACT_KEY": "k"})
    assert f"bhi-audit: warning: waiver W-9 (BHI-DMHT-001, {shown}) matched no finding" in (
        result.stderr
    )
