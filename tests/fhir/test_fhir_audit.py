"""End to end: FHIR documentation joined with a CSV claims bundle, through the real CLI."""

from __future__ import annotations

import json

import pytest
from fhir_helpers import CLAIM_BUNDLE, CLAIMS_CSV, PRACTICE, US_CORE, split_bundle, write_ndjson

from bhi_audit.cli import main

from conftest import run_audit

#: Patient P1: CoCM, consent, 40 min by the BHCM -> 99492 passes. Patient P2: general BHI,
#: 15 min logged and no consent -> 99484 fails time and consent.
#: The checks this practice is built to exercise; the rest of the rulebook adds info and
#: not-verifiable findings about documentation the FHIR practice does not carry.
FOCUS = ["BHI-COCM-003", "BHI-CONS-001", "BHI-TIME-001"]
EXPECTED = {
    ("C1", "BHI-COCM-003", "info", "unverifiable"),
    ("C2", "BHI-CONS-001", "error", "violation"),
    ("C2", "BHI-TIME-001", "error", "violation"),
}


def invoke(runner, tmp_path, *args):
    """Run ``bhi-audit check`` writing the report to a file; return (exit code, report text).

    NOTE: the report goes through ``--output`` because writing to standard output calls
    click.get_text_stream, deprecated in click 8.3 (a warning, an error under our pytest).
    """
    report = tmp_path / "report.out"
    result = runner.invoke(
        main, ["check", *map(str, args), "--select", ",".join(FOCUS), "--output", str(report)]
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, report.read_text(encoding="utf-8")


def findings(document):
    return {
        (f["claim_id"], f["check_id"], f["severity"], f["outcome"]) for f in document["findings"]
    }


def test_check_claims_dir_with_ndjson_export(runner, tmp_path):
    export = split_bundle(PRACTICE, tmp_path / "export")
    code, report = invoke(runner, tmp_path, CLAIMS_CSV, export, "--format", "json")
    assert code == 1
    document = json.loads(report)
    assert findings(document) == EXPECTED
    assert document["rejected"] == []
    assert document["records"]["fhir:Condition"] == {
        "audited": 0,
        "not_used": 1,
        "read": 1,
        "rejected": 0,
    }
    assert document["records"]["time_entries"] == {
        "audited": 3,
        "not_used": 0,
        "read": 3,
        "rejected": 0,
    }
    formats = {f["path"].rsplit("/", 1)[-1]: f["format"] for f in document["inputs"]}
    assert formats["Procedure.ndjson"] == "fhir-ndjson"
    assert formats["claims.csv"] == "csv"


def test_text_summary_shows_not_used(runner, tmp_path):
    code, report = invoke(runner, tmp_path, CLAIMS_CSV, PRACTICE)
    assert code == 1
    assert "fhir:Observation 1 read = 0 audited + 0 rejected + 1 not used" in report
    assert "BHI-TIME-001 error: general BHI 99484: 15 countable min (< 20 required)" in report


def test_fhir_claims_audit_like_csv_claims():
    from_fhir = run_audit(CLAIM_BUNDLE, PRACTICE, select=FOCUS)
    assert {(f.claim_id, f.check_id, f.severity.value) for f in from_fhir.findings} == {
        ("FC1", "BHI-COCM-003", "info"),
        ("FC2", "BHI-CONS-001", "error"),
        ("FC2", "BHI-TIME-001", "error"),
    }
    assert [(r.kind, r.location) for r in from_fhir.rejected] == [
        ("claim_lines", f"{CLAIM_BUNDLE}#/entry/1/resource/item/1/serviced[x]")
    ]


def test_directory_with_ndjson_and_csv_loads_both(tmp_path):
    export = split_bundle(PRACTICE, tmp_path / "mixed")
    for name in ("claims.csv", "claim_lines.csv"):
        (export / name).write_text(
            (CLAIMS_CSV / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    result = run_audit(export, select=FOCUS)
    assert {(f.claim_id, f.check_id) for f in result.findings} == {
        (c, i) for c, i, _, _ in EXPECTED
    }


def test_json_without_resource_type_stays_a_bundle_document(tmp_path):
    document = tmp_path / "doc.json"
    document.write_text(
        json.dumps(
            {
                "claims": [{"claim_id": "C1", "patient_id": "P1", "billing_practitioner": "DR1"}],
                "claim_lines": [
                    {
                        "claim_id": "C1",
                        "line_number": 1,
                        "code": "99484",
                        "date_of_service": "2026-03-31",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    result = run_audit(document)
    assert result.inputs[0].format == "json"
    assert result.records["claims"].read == 1


@pytest.mark.parametrize("validate", [False, True], ids=["direct", "fhir-validate"])
def test_fhir_validate_gives_the_same_result_on_valid_input(runner, tmp_path, validate):
    export = split_bundle(PRACTICE, tmp_path / "export")
    args = [CLAIMS_CSV, export, "--format", "json"] + (["--fhir-validate"] if validate else [])
    document = json.loads(invoke(runner, tmp_path, *args)[1])
    assert findings(document) == EXPECTED
    assert document["rejected"] == []
    assert document["config"].get("fhir_validate", False) is validate


def test_fhir_validate_rejects_what_the_models_reject(runner, tmp_path):
    export = split_bundle(PRACTICE, tmp_path / "export")
    write_ndjson(
        export / "Extra.ndjson",
        [
            {
                "resourceType": "Patient",
                "id": "P3",
                "birthDate": "1950-01-01",
                "favouriteColour": "blue",
            },
            {"resourceType": "Observation", "id": "bad", "status": "final"},
            {"resourceType": "Nonsense", "id": "n1"},
        ],
    )
    _, report = invoke(runner, tmp_path, CLAIMS_CSV, export, "--format", "json", "--fhir-validate")
    rejected = [(r["kind"], r["location"], r["message"]) for r in json.loads(report)["rejected"]]
    where = f"{export}/Extra.ndjson"
    assert rejected == [
        ("patients", f"{where}:1", "/favouriteColour: Patient/P3: Extra inputs are not permitted"),
        ("assessments", f"{where}:2", "/code: Observation/bad: Field required"),
        (
            "fhir:Nonsense",
            f"{where}:3",
            "/resourceType: Nonsense/n1: unknown FHIR R4 resource type 'Nonsense'",
        ),
    ]


def test_official_examples_are_valid_r4(runner):
    from bhi_audit.loaders.fhir_validate import make_validator

    validate = make_validator()
    for path in sorted(US_CORE.parent.glob("*/*.json")):
        assert validate(json.loads(path.read_text(encoding="utf-8"))) == [], path.name


def test_docs_examples_are_valid_r4_and_map_cleanly(tmp_path):
    """Every FHIR resource shown in docs/fhir.md validates (R4B) and maps without rejection."""
    import re

    from bhi_audit.loaders.fhir_validate import make_validator

    docs = (US_CORE.parents[3] / "docs" / "fhir.md").read_text(encoding="utf-8")
    examples = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", docs, re.S)]
    assert len(examples) == 3
    validate = make_validator()
    assert [validate(e) for e in examples] == [[], [], []]
    people = [
        {"resourceType": "Patient", "id": "P1"},
        {"resourceType": "Patient", "id": "P2"},
        {"resourceType": "Practitioner", "id": "CM1"},
        {"resourceType": "Practitioner", "id": "DR1"},
        {
            "resourceType": "PractitionerRole",
            "id": "R-CM1",
            "practitioner": {"reference": "Practitioner/CM1"},
            "code": [{"coding": [{"system": "urn:bhi-audit:role", "code": "bhcm"}]}],
        },
        {
            "resourceType": "PractitionerRole",
            "id": "R-DR1",
            "practitioner": {"reference": "Practitioner/DR1"},
            "code": [
                {"coding": [{"system": "urn:bhi-audit:role", "code": "billing_practitioner"}]}
            ],
        },
    ]
    from bhi_audit.loaders.bundle import BundleBuilder
    from bhi_audit.loaders.fhir import FhirSession

    builder = BundleBuilder()
    session = FhirSession()
    session.load_ndjson(write_ndjson(tmp_path / "docs.ndjson", people + examples), "d", builder)
    session.finish(builder)
    assert builder.rejected == []
    assert [e.duration for e in builder.records["time_entries"]] == [20, 15]
    assert len(builder.records["consents"]) == 1


def test_r4b_models_are_used_because_r5_rejects_r4():
    """The reason for importing fhir.resources.R4B: the default (R5) models reject R4."""
    from fhir.resources import get_fhir_model_class
    from pydantic import ValidationError

    from bhi_audit.loaders.fhir_validate import make_validator

    encounter = json.loads((US_CORE / "Encounter-example-1.json").read_text(encoding="utf-8"))
    with pytest.raises(ValidationError):
        get_fhir_model_class("Encounter").model_validate(encounter)
    assert make_validator()(encounter) == []


def test_fhir_validate_without_the_package_is_a_usage_error(runner, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "fhir.resources.R4B", None)
    result = runner.invoke(main, ["check", str(PRACTICE), "--fhir-validate"])
    assert result.exit_code == 2
    assert result.stderr == (
        "bhi-audit: error: --fhir-validate needs the fhir.resources package: "
        "pip install 'bhi-audit[fhir]'\n"
    )
