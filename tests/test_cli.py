"""The command line: exit codes, options, output forms, and the helper commands.

Exit codes (STYLE §12): 0 nothing at or above --fail-on; 1 findings at or above it or an
internal error; 2 usage error or unusable input. stdout and stderr are asserted separately.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from bhi_audit import RULEBOOK_VERSION, __version__
from bhi_audit.cli import main
from bhi_audit.registry import load_registry
from bhi_audit.result import AuditResult

from conftest import BASIC_CHECKS, CLEAN_BUNDLE, ERRORS_DOCUMENT, FIXTURES, REPO, SAMPLE, lines_of

PLUGINS = FIXTURES / "plugins"
INFO_PLUGIN = PLUGINS / "info_note"
BASIC = ",".join(BASIC_CHECKS)
#: claim_lines/1 of errors.json: its object starts on line 15, column 5.
ERROR_LINE = (
    f"{ERRORS_DOCUMENT}:15:5: BHI-TIME-001 error: general BHI 99484: 15 countable min "
    "(< 20 required); 15 min logged [P3 2026-03 C3#1] [$57.45 at risk]"
)


@pytest.fixture
def warning_bundle(bundle_dir: Path) -> Path:
    """The clean bundle plus a time entry by a staff member missing from the roster.

    That is a documentation-level BHI-DATA-001 finding (warning) and nothing else: P1 still
    has 25 countable minutes from T1.
    """
    path = bundle_dir / "time_entries.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "T3,P1,S99,2026-03-07,5,BHI,call,\n", encoding="utf-8"
    )
    return bundle_dir


def invoke(runner, *args: str):
    return runner.invoke(main, [str(a) for a in args])


# ------------------------------------------------------------------ exit codes and gate

GATE = {
    "clean": ([CLEAN_BUNDLE], 0),
    "clean-basic": ([CLEAN_BUNDLE, "--select", BASIC], 0),
    "errors": ([ERRORS_DOCUMENT], 1),
    "errors-fail-on-never": ([ERRORS_DOCUMENT, "--fail-on", "never"], 0),
    "errors-fail-on-warning": ([ERRORS_DOCUMENT, "--fail-on", "warning"], 1),
    "errors-fail-on-info": ([ERRORS_DOCUMENT, "--fail-on", "info"], 1),
    "clean-fail-on-info": ([CLEAN_BUNDLE, "--fail-on", "info", "--select", BASIC], 0),
    "info-only-default": ([CLEAN_BUNDLE, "--checks-dir", INFO_PLUGIN], 0),
    "info-only-fail-on-warning": (
        [CLEAN_BUNDLE, "--checks-dir", INFO_PLUGIN, "--fail-on", "warning"],
        0,
    ),
    "info-only-fail-on-info": (
        [CLEAN_BUNDLE, "--checks-dir", INFO_PLUGIN, "--fail-on", "info", "--select", "ACME-"],
        1,
    ),
}


@pytest.mark.parametrize(("args", "code"), GATE.values(), ids=GATE.keys())
def test_exit_code_follows_fail_on(runner, args, code):
    result = invoke(runner, "check", *args)
    assert result.exit_code == code, result.output
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("fail_on", "code"), [("error", 0), ("warning", 1), ("info", 1), ("never", 0)]
)
def test_warning_gates_only_from_fail_on_warning(runner, warning_bundle, fail_on, code):
    result = invoke(runner, "check", warning_bundle, "--fail-on", fail_on)
    assert result.exit_code == code, result.output
    (finding,) = [o for o in lines_of(result.stdout) if "BHI-DATA-001" in o]
    assert finding.startswith(f"{warning_bundle}/time_entries.csv:4:1: BHI-DATA-001 warning: ")
    assert finding.endswith(" T3: staff S99 is not on the roster [P1]")


def test_internal_error_exits_1_even_with_fail_on_never(runner):
    result = invoke(
        runner, "check", CLEAN_BUNDLE, "--checks-dir", PLUGINS / "crashing", "--fail-on", "never"
    )
    assert result.exit_code == 1
    assert (
        f"{CLEAN_BUNDLE}/claim_lines.csv:3:1: ACME-CRASH-001 internal-error: "
        "internal error in check ACME-CRASH-001 on claim C2: ZeroDivisionError: division by zero "
        "(the check did not run; please report this) [P2 2026-03 C2#1]"
    ) in lines_of(result.stdout)


USAGE = {
    "unknown-select": (["--select", "BHI-NOPE-999"], "no such check: BHI-NOPE-999"),
    "unknown-in-comma-list": (["--select", "BHI-TIME-001,nope"], "no such check: nope"),
    "unknown-ignore": (["--ignore", "BHI-NOPE-999"], "no such check: BHI-NOPE-999"),
    "prefix-matching-nothing": (["--select", "ACME-"], "no check matches: ACME-"),
    "unknown-format": (["--format", "yaml"], "Invalid value for '--format': 'yaml' is not one of"),
    "unknown-fail-on": (["--fail-on", "sometimes"], "'sometimes' is not one of"),
    "checks-dir-missing": (["--checks-dir", "/nonexistent/dir"], "--checks-dir /nonexistent/dir"),
}


@pytest.mark.parametrize(("args", "message"), USAGE.values(), ids=USAGE.keys())
def test_usage_errors_exit_2_naming_the_culprit(runner, args, message):
    result = invoke(runner, "check", ERRORS_DOCUMENT, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_check_without_paths_is_a_usage_error(runner):
    result = invoke(runner, "check")
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.stderr


# ------------------------------------------------------------------ --select / --ignore


def registered(prefix: str) -> set[str]:
    """Ids of the built-in checks starting with ``prefix``."""
    return {s.id for s in load_registry(plugins=False).specs if s.id.startswith(prefix)}


SELECTIONS = {
    "select-by-id": (["--select", "BHI-TIME-001"], {"BHI-TIME-001"}),
    "select-by-name": (["--select", "general-bhi-minimum-minutes"], {"BHI-TIME-001"}),
    "select-by-prefix": (["--select", "BHI-TIME-"], registered("BHI-TIME-")),
    "select-by-star": (["--select", "BHI-CONS*"], registered("BHI-CONS")),
    "select-comma-separated": (
        ["--select", "BHI-CONS-001,general-bhi-minimum-minutes"],
        {"BHI-CONS-001", "BHI-TIME-001"},
    ),
    "select-repeated": (
        ["--select", "BHI-CONS-001", "--select", "BHI-TIME-001"],
        {"BHI-CONS-001", "BHI-TIME-001"},
    ),
    "ignore-by-id": (
        ["--select", "BHI-TIME-", "--ignore", "BHI-TIME-001"],
        registered("BHI-TIME-") - {"BHI-TIME-001"},
    ),
    "ignore-by-name": (
        ["--select", BASIC, "--ignore", "general-bhi-minimum-minutes"],
        {"BHI-DATA-001", "BHI-CONS-001"},
    ),
    "ignore-by-prefix": (
        ["--select", BASIC, "--ignore", "BHI-TIME-"],
        {"BHI-DATA-001", "BHI-CONS-001"},
    ),
    "ignore-all-of-a-kind": (["--ignore", "BHI-TIME-"], None),
}


@pytest.mark.parametrize(("args", "ran"), SELECTIONS.values(), ids=SELECTIONS.keys())
def test_select_and_ignore(runner, args, ran):
    result = invoke(runner, "check", ERRORS_DOCUMENT, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    checks = {c["id"] for c in document["checks"]}
    if ran is not None:
        assert checks == ran
    else:
        assert not checks & registered("BHI-TIME-")
        assert "BHI-DATA-001" in checks
    assert {f["check_id"] for f in document["findings"]} <= checks
    assert set(document["per_check"]) == checks
    # the one BHI-TIME-001 error of the fixture is reported exactly when that check ran
    flagged = {(f["check_id"], f["claim_id"]) for f in document["findings"]}
    assert (("BHI-TIME-001", "C3") in flagged) == ("BHI-TIME-001" in checks)


# ------------------------------------------------------------------ output


def test_text_output_is_one_line_per_finding_then_the_summary(runner):
    result = invoke(runner, "check", ERRORS_DOCUMENT, "--select", BASIC)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        ERROR_LINE,
        "",
        "1 error(s) open, 0 warning(s) open, 0 info open, 0 waived, 0 baselined, 0 not verifiable",
        "claims: 2 (1 clean, 1 flagged); patient-months: 2; at risk $57.45; opportunity $0.00",
        "records: claim_lines 2 read = 2 audited + 0 rejected, "
        "claims 2 read = 2 audited + 0 rejected, consents 2 read = 2 audited + 0 rejected, "
        "patients 2 read = 2 audited + 0 rejected, staff 2 read = 2 audited + 0 rejected, "
        "time_entries 2 read = 2 audited + 0 rejected",
    ]
    assert lines[-1] == f"bhi-audit {__version__}, {RULEBOOK_VERSION}"


#: Fields excluded from dumps (the settled gate verdict) are not part of the JSON report.
DOCUMENTED_KEYS = {name for name, f in AuditResult.model_fields.items() if not f.exclude} | {
    "schema_version",
    "evaluations_listed",
}


def test_json_lists_evaluations_not_passed_unless_asked_for_all(runner):
    args = ["check", SAMPLE, "--format", "json", "--as-of", "2026-12-02"]
    default = json.loads(invoke(runner, *args).stdout)
    every = json.loads(invoke(runner, *args, "--evaluations", "all").stdout)
    assert (default["evaluations_listed"], every["evaluations_listed"]) == ("not-passed", "all")
    statuses = {e["status"] for e in default["evaluations"]}
    assert "passed" not in statuses and {"failed", "unverifiable"} <= statuses
    # the list left out exactly the passes, which per_check counts either way
    assert default["evaluations"] == [e for e in every["evaluations"] if e["status"] != "passed"]
    per_check = default["per_check"].values()
    assert len(every["evaluations"]) == sum(c["applicable"] for c in per_check)
    assert len(every["evaluations"]) - len(default["evaluations"]) == sum(
        c["passed"] for c in per_check
    )
    # nothing else in the document differs
    for document in (default, every):
        del document["evaluations"], document["evaluations_listed"]
    assert default == every


def test_evaluations_option_needs_a_json_report(runner, tmp_path):
    result = invoke(runner, "check", SAMPLE, "--format", "text", "--evaluations", "all")
    assert result.exit_code == 2
    assert "--evaluations shapes the JSON report (--format json)" in result.stderr
    report = tmp_path / "report.json"
    written = invoke(runner, "check", SAMPLE, "--evaluations", "all", "--report", f"json:{report}")
    assert written.exit_code == 1  # the sample has open errors
    assert json.loads(report.read_text(encoding="utf-8"))["evaluations_listed"] == "all"


def test_json_output_has_the_documented_shape(runner):
    result = invoke(runner, "check", ERRORS_DOCUMENT, "--format", "json", "--select", BASIC)
    assert result.exit_code == 1
    assert result.stdout.endswith("}\n")
    document = json.loads(result.stdout)
    assert set(document) == DOCUMENTED_KEYS
    assert document["tool"] == "bhi-audit"
    assert document["tool_version"] == __version__
    assert document["rulebook_version"] == RULEBOOK_VERSION
    assert (document["schema_version"], document["evaluations_listed"]) == ("2", "not-passed")
    (finding,) = document["findings"]
    assert {
        k: finding[k]
        for k in (
            "check_id",
            "severity",
            "outcome",
            "location",
            "line",
            "column",
            "patient_id",
            "month",
            "claim_id",
            "line_number",
            "code",
            "field",
            "at_risk",
        )
    } == {
        "check_id": "BHI-TIME-001",
        "severity": "error",
        "outcome": "violation",
        "location": f"{ERRORS_DOCUMENT}#/claim_lines/1",
        "line": 15,
        "column": 5,
        "patient_id": "P3",
        "month": "2026-03",
        "claim_id": "C3",
        "line_number": 1,
        "code": "99484",
        "field": "minutes",
        "at_risk": "57.45",
    }
    assert finding["facts"] == {
        "countable_minutes": 15,
        "logged_minutes": 15,
        "required_minutes": 20,
    }
    assert [e["id"] for e in finding["evidence"]] == ["C3#1", "T3"]
    assert document["per_claim"]["C3"]["status"] == "flagged"
    assert document["per_claim"]["C1"]["status"] == "clean"
    claims = document["records"]["claims"]
    assert (claims["read"], claims["audited"], claims["rejected"]) == (2, 2, 0)
    assert document["rejected"] == []
    assert document["totals"]["errors"] == 1


def test_output_file_gets_the_report_and_stdout_stays_empty(runner, tmp_path):
    target = tmp_path / "report.json"
    result = invoke(runner, "check", ERRORS_DOCUMENT, "--format", "json", "--output", target)
    assert result.exit_code == 1
    assert result.stdout == ""
    plain = invoke(runner, "check", ERRORS_DOCUMENT, "--format", "json")
    assert target.read_text(encoding="utf-8") == plain.stdout


def test_output_file_in_a_missing_directory_is_a_usage_error(runner, tmp_path):
    target = tmp_path / "no" / "such" / "report.txt"
    result = invoke(runner, "check", ERRORS_DOCUMENT, "-o", target)
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {target}: cannot write output (no such folder)"
    ]


# ------------------------------------------------------------------ checks / explain / schema


def test_checks_text_lists_every_builtin_with_source(runner):
    result = invoke(runner, "checks")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert listed == [spec.id for spec in load_registry(plugins=False).specs]
    assert {
        "BHI-DATA-001",
        "BHI-CONS-001",
        "BHI-CONS-004",
        "BHI-TIME-001",
        "BHI-TIME-002",
        "BHI-TIME-003",
        "BHI-TIME-007",
        "BHI-EXCL-001",
        "BHI-COCM-003",
    } <= set(listed)
    assert result.stdout.count("source: rulebook §") == len(listed)
    assert "origin:" not in result.stdout  # built-ins are not labelled


def test_checks_json_describes_each_check(runner):
    result = invoke(runner, "checks", "--format", "json")
    assert result.exit_code == 0
    checks = json.loads(result.stdout)
    by_id = {c["id"]: c for c in checks}
    assert set(checks[0]) == {
        "aliases",
        "codes",
        "id",
        "name",
        "origin",
        "scope",
        "severities",
        "severity",
        "source",
        "summary",
    }
    assert by_id["BHI-EXCL-001"]["severities"] == {
        "different-practitioner": "warning",
        "same-practitioner": "error",
    }
    assert "99484" in by_id["BHI-EXCL-001"]["codes"]
    assert by_id["BHI-DATA-001"]["codes"] is None
    assert {c["origin"] for c in checks} == {"built-in"}


@pytest.mark.parametrize("key", ["BHI-TIME-002", "cocm-base-minimum-minutes"])
def test_explain_prints_the_whole_docstring(runner, key):
    result = invoke(runner, "explain", key)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("BHI-TIME-002 (cocm-base-minimum-minutes) — default severity error")
    for section in ("Why:", "Source:", "Passes:", "Fails:"):
        assert f"\n{section}" in out
    assert "99492" in out


def test_explain_shows_variant_severities(runner):
    result = invoke(runner, "explain", "BHI-EXCL-001")
    assert "  variant different-practitioner: warning" in result.stdout
    assert "  variant same-practitioner: error" in result.stdout


def test_explain_names_the_records_a_check_requires(runner):
    result = invoke(runner, "explain", "BHI-COCM-003")
    assert (
        "  requires records: caseload_reviews (when the input has none: not verifiable, never "
        "passed)\n"
    ) in result.stdout
    assert "requires records" not in invoke(runner, "explain", "BHI-EXCL-001").stdout


def test_explain_ignores_case_and_suggests_a_near_miss(runner):
    assert invoke(runner, "explain", "bhi-time-002").stdout.startswith("BHI-TIME-002 (")
    result = invoke(runner, "explain", "bhi-time-02")
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        "bhi-audit: error: no such check: bhi-time-02 (did you mean 'BHI-TIME-002'?)"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check"], "Missing argument 'PATHS...'."),
        (["check", "x", "--format", "yaml"], "Invalid value for '--format': 'yaml' is not one"),
        (["no-such-command"], "No such command 'no-such-command'."),
    ],
    ids=["missing-argument", "bad-choice", "unknown-command"],
)
def test_click_usage_errors_share_the_one_error_style(runner, args, message):
    result = invoke(runner, *args)
    assert result.exit_code == 2
    errors = [line for line in lines_of(result.stderr) if "rror" in line]
    assert len(errors) == 1
    assert errors[0].startswith(f"bhi-audit: error: {message}")
    assert "Try '" in result.stderr


def test_no_arguments_still_shows_the_help(runner):
    result = invoke(runner)
    assert "bhi-audit: error" not in result.output
    assert "Commands:" in result.output


def test_explain_unknown_check_is_a_usage_error(runner):
    result = invoke(runner, "explain", "BHI-NOPE-999")
    assert result.exit_code == 2
    assert lines_of(result.stderr) == ["bhi-audit: error: no such check: BHI-NOPE-999"]


#: A bundle document in the canonical form the schema describes (arrays, typed values).
SCHEMA_SAMPLE = {
    "staff": [
        {
            "staff_id": "S1",
            "npi": "1234567893",
            "roles": ["billing_practitioner"],
            "practitioner_type": "physician",
        },
        {"staff_id": "S2", "roles": ["clinical_staff", "bhcm"], "bh_training": True},
    ],
    "patients": [{"patient_id": "P1", "qmb": False}],
    "claims": [
        {"claim_id": "C1", "patient_id": "P1", "billing_practitioner": "S1", "diagnoses": ["F32.1"]}
    ],
    "claim_lines": [
        {
            "claim_id": "C1",
            "line_number": 1,
            "code": "99493",
            "units": 1,
            "modifiers": ["GT"],
            "date_of_service": "2026-03-31",
            "charge": "150.00",
        }
    ],
    "time_entries": [
        {
            "entry_id": "T1",
            "patient_id": "P1",
            "staff_id": "S2",
            "date": "2026-03-02",
            "start_time": "10:00",
            "end_time": "10:40",
            "program": ["COCM"],
        }
    ],
    "consents": [
        {
            "consent_id": "K1",
            "patient_id": "P1",
            "programs": ["COCM"],
            "date_obtained": "2026-03-01",
            "method": "verbal",
            "elements": ["cost_sharing"],
        }
    ],
    "caseload_reviews": [
        {
            "review_id": "R1",
            "date": "2026-03-10",
            "consultant_id": "S1",
            "patients_reviewed": ["P1"],
        }
    ],
    "period": {"records_from": "2026-03-01", "records_to": "2026-03-31"},
}


@pytest.fixture(scope="module")
def bundle_schema() -> dict:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_schema_is_a_valid_json_schema(bundle_schema):
    jsonschema.Draft202012Validator.check_schema(bundle_schema)
    assert bundle_schema["additionalProperties"] is False
    assert {"claims", "claim_lines", "time_entries", "consents", "period"} <= set(
        bundle_schema["properties"]
    )


def test_sample_document_validates_against_the_schema_and_loads(bundle_schema, tmp_path):
    jsonschema.validate(SCHEMA_SAMPLE, bundle_schema, cls=jsonschema.Draft202012Validator)
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(SCHEMA_SAMPLE), encoding="utf-8")
    from conftest import run_audit

    assert run_audit(path).rejected == ()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(claim=[]),
        lambda d: d["claims"][0].update(colour="red"),
        lambda d: d["claim_lines"][0].pop("code"),
        lambda d: d["consents"][0].update(method="telepathy"),
    ],
    ids=["unknown-kind", "unknown-field", "missing-field", "bad-enum"],
)
def test_schema_rejects_what_the_loader_rejects(bundle_schema, mutate):
    document = json.loads(json.dumps(SCHEMA_SAMPLE))
    mutate(document)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, bundle_schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(
    "path",
    [
        ERRORS_DOCUMENT,
        FIXTURES / "bhi_with_cocm.json",
        SAMPLE / "json" / "sample_practice.json",
    ],
    ids=lambda p: p.name,
)
def test_documents_the_loader_accepts_validate_against_the_schema(bundle_schema, path):
    # These use the lenient forms the input format documents: ";"-separated lists, numbers as
    # text ("1", "false"), identifiers as numbers.
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, bundle_schema, cls=jsonschema.Draft202012Validator)


def test_yaml_fixture_validates_against_the_schema(bundle_schema):
    # Dates and times stay text when a bundle is loaded (BundleYamlLoader), as in JSON.
    from bhi_audit.loaders.document import BundleYamlLoader

    text = (FIXTURES / "clean.yaml").read_text(encoding="utf-8")
    document = yaml.load(text, Loader=BundleYamlLoader)
    # YAML's 160.00 is a float; JSON Schema's "number" accepts it.
    jsonschema.validate(document, bundle_schema, cls=jsonschema.Draft202012Validator)


# ------------------------------------------------------------------ version


def test_version(runner):
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout == f"bhi-audit {__version__} ({RULEBOOK_VERSION})\n"


def test_python_dash_m_version():
    completed = subprocess.run(
        [sys.executable, "-m", "bhi_audit", "--version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == f"bhi-audit {__version__} ({RULEBOOK_VERSION})\n"


# ------------------------------------------------------------------ one line per finding

FORGED = "C1\nforged.json:9:1: BHI-TIME-001 error: forged\u2028again"


def test_line_breaks_from_the_input_cannot_split_or_forge_report_lines(runner, tmp_path):
    path = tmp_path / "bundle.json"
    text = json.dumps(
        {
            "patients": [{"patient_id": "P1"}],
            "claims": [{"claim_id": FORGED, "patient_id": "P1", "billing_practitioner": "S1"}],
            "claim_lines": [
                {
                    "claim_id": "C2",
                    "line_number": 1,
                    "code": "90834",
                    "date_of_service": "2026-03-03",
                    "col\r\numn": 1,
                }
            ],
        }
    )
    path.write_text(text, encoding="utf-8")
    result = invoke(runner, "check", path, "--select", "BHI-DATA-001")
    lines = result.stdout.split("\n")
    assert not any(line.startswith("forged.json") for line in lines)
    assert "\u2028" not in result.stdout
    # a minified document is one line: each record is placed by the column its object starts at
    claim_column = text.index('{"claim_id": "C1') + 1
    line_column = text.index('{"claim_id": "C2"') + 1
    (finding,) = [line for line in lines if "has no lines" in line]
    assert finding.startswith(f"{path}:1:{claim_column}: BHI-DATA-001 error: ")
    assert finding.endswith(
        "forged\\u2028again has no lines [P1 C1\\nforged.json:9:1: BHI-TIME-001 error: "
        "forged\\u2028again]"
    )
    (rejected,) = [line for line in lines if ": rejected claim_lines record: " in line]
    assert rejected == (
        f"{path}:1:{line_column}: BHI-INPUT error: rejected claim_lines record: "
        "col\\r\\numn: unknown field [C2]"
    )


def test_line_breaks_in_an_input_error_stay_on_one_line(runner, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text('{"claims": [], "claim_lines": [], "bad\\nkind": []}', encoding="utf-8")
    result = invoke(runner, "check", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"bhi-audit: error: {path}: bad\\nkind: unknown record kind"
    ]
