"""Joining sources: an 837P batch plus documentation audits like the bundle it came from.

Patients match by member id (Patient.medicare_id), practitioners by NPI (Staff.npi), or by an
explicit id map; what matches nobody stays with its raw id and BHI-DATA-001 reports it.
"""

from __future__ import annotations

import json

import pytest
from x12_support import DOCS, FIXTURES, SOURCE, load, render_source, replace, rows, write

from bhi_audit.cli import main
from bhi_audit.errors import InputError, InputErrors
from bhi_audit.loaders.mapping import load_id_map

from conftest import run_audit

REALISTIC = FIXTURES / "realistic_837p.837"


def _findings(result):
    return sorted(
        (f.check_id, f.claim_id, f.line_number, f.field, f.severity.value, f.message)
        for f in result.findings
    )


def test_837_plus_docs_gives_the_same_findings_as_the_bundle(tmp_path):
    batch = write(tmp_path, render_source())
    from_bundle = run_audit(SOURCE)
    from_837 = run_audit(batch, DOCS)
    assert _findings(from_837) == _findings(from_bundle)
    assert from_837.rejected == ()


def test_docs_may_come_first_or_last(tmp_path):
    from bhi_audit.loaders import load_paths

    batch = write(tmp_path, render_source())
    assert rows(load_paths([batch, DOCS]), "claims") == rows(load_paths([DOCS, batch]), "claims")
    assert rows(load_paths([DOCS, batch]), "claims") == rows(load_paths([SOURCE]), "claims")


UNMATCHED = [
    (
        "unknown-member-id",
        ("NM1*IL*1*ROE*SAM****MI*2FH5UF6NL84", "NM1*IL*1*ROE*SAM****MI*9ZZ9ZZ9ZZ99"),
        {("C2", "patient_id", "claim C2: patient 9ZZ9ZZ9ZZ99 is not in patients")},
    ),
    (
        "unknown-rendering-npi",
        ("NM1*82*1*PARK*LEE****XX*1987654328", "NM1*82*1*PARK*LEE****XX*1444333227"),
        {
            (
                "C2",
                "rendering_practitioner",
                "claim C2: rendering practitioner 1444333227 is not on the roster",
            )
        },
    ),
]


@pytest.mark.parametrize(("case", "edit", "expected"), UNMATCHED, ids=[c[0] for c in UNMATCHED])
def test_unmatched_ids_are_kept_and_reported(tmp_path, case, edit, expected):
    batch = write(tmp_path, replace(render_source(), *edit))
    result = run_audit(batch, DOCS, select=["BHI-DATA-001"])
    assert {(f.claim_id, f.field, f.message) for f in result.findings} == expected
    assert result.rejected == ()
    assert "C2" in result.per_claim


def test_group_billing_npi_takes_the_rendering_practitioner():
    bundle = load(REALISTIC)
    claims = {c.claim_id: c for c in bundle.records["claims"]}
    assert claims["SPC-2026-0311"].billing_practitioner == "S1"  # 2010AA is the group NPI


def test_dependent_patient_matches_by_member_id_and_birth_date():
    bundle = load(REALISTIC)
    claims = {c.claim_id: c for c in bundle.records["claims"]}
    assert claims["SPC-2026-0412"].patient_id == "P3"


def test_id_map_matches_ids_the_documentation_lacks(tmp_path):
    docs = tmp_path / "docs.json"
    document = json.loads(DOCS.read_text())
    for patient in document["patients"]:
        patient.pop("medicare_id")
    for member in document["staff"]:
        member.pop("npi")
    docs.write_text(json.dumps(document))
    id_map = tmp_path / "ids.csv"
    id_map.write_text(
        "kind,external_id,bundle_id\n"
        "patient,1EG4TE5MK73,P1\npatient,2FH5UF6NL84,P2\npatient,3GJ6VG7PM95,P3\n"
        "practitioner,1234567893,S1\npractitioner,1987654328,S2\n"
    )
    batch = write(tmp_path, render_source())
    from bhi_audit.loaders import X12Options, load_paths

    bundle = load_paths([batch, docs], X12Options(id_map=load_id_map(id_map)))
    assert rows(bundle, "claims") == rows(load_paths([SOURCE]), "claims")


ID_MAP_ERRORS = [
    ("wrong-columns", "kind,x12,id\npatient,A,P1\n", ["1: id map needs exactly the columns "
     "kind, external_id, bundle_id (found ['kind', 'x12', 'id'])"]),
    ("bad-kind", "kind,external_id,bundle_id\nstaff,1234567893,S1\n",
     ["2: kind must be patient or practitioner, got 'staff'"]),
    ("mapped-twice", "kind,external_id,bundle_id\npatient,A,P1\npatient,A,P2\n",
     ["3: patient A is mapped twice (P1 and P2)"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "text", "expected"), ID_MAP_ERRORS, ids=[c[0] for c in ID_MAP_ERRORS]
)
def test_bad_id_map_is_an_input_error(tmp_path, case, text, expected):
    path = tmp_path / "ids.csv"
    path.write_text(text)
    with pytest.raises((InputError, InputErrors)) as excinfo:
        load_id_map(path)
    error = excinfo.value
    messages = [str(e) for e in error.errors] if isinstance(error, InputErrors) else [str(error)]
    assert messages == [f"{path}:{line}" for line in expected]


# ------------------------------------------------------------------ command line


def _check_json(runner, tmp_path, *args):
    """Run ``check`` with a JSON report written to a file; return (exit code, report)."""
    report = tmp_path / "report.json"
    result = runner.invoke(main, ["check", *args, "--format", "json", "-o", str(report)])
    return result.exit_code, json.loads(report.read_text())


def test_cli_check_837_with_docs(runner, tmp_path):
    batch = write(tmp_path, render_source())
    code_837, got = _check_json(runner, tmp_path, str(batch), str(DOCS))
    code_bundle, want = _check_json(runner, tmp_path, str(SOURCE))
    assert code_837 == code_bundle
    assert [f["message"] for f in got["findings"]] == [f["message"] for f in want["findings"]]
    assert got["findings"]


def test_cli_unusable_837_exits_2(runner, tmp_path):
    batch = write(tmp_path, "HELLO\n" + render_source())
    result = runner.invoke(main, ["check", str(batch), str(DOCS)])
    assert result.exit_code == 2
    assert f"bhi-audit: error: {batch}:segment 1: text before ISA" in result.output


def test_cli_id_map_option(runner, tmp_path):
    id_map = tmp_path / "ids.csv"
    id_map.write_text("kind,external_id,bundle_id\npatient,9ZZ9ZZ9ZZ99,P2\n")
    batch = write(
        tmp_path,
        replace(
            render_source(),
            "NM1*IL*1*ROE*SAM****MI*2FH5UF6NL84",
            "NM1*IL*1*ROE*SAM****MI*9ZZ9ZZ9ZZ99",
        ),
    )
    args = [str(batch), str(DOCS), "--select", "BHI-DATA-001"]
    _, without = _check_json(runner, tmp_path, *args)
    _, with_map = _check_json(runner, tmp_path, *args, "--id-map", str(id_map))
    assert [f["claim_id"] for f in without["findings"]] == ["C2"]
    assert with_map["findings"] == []
    assert with_map["config"]["id_map"] == str(id_map)


def test_x12_validate_without_pyx12_says_so(tmp_path, monkeypatch):
    import sys

    from bhi_audit.loaders import X12Options, load_paths

    monkeypatch.setitem(sys.modules, "pyx12", None)
    monkeypatch.setitem(sys.modules, "pyx12.params", None)
    batch = write(tmp_path, render_source())
    with pytest.raises(InputErrors) as excinfo:
        load_paths([batch, DOCS], X12Options(validate=True))
    assert [str(e) for e in excinfo.value.errors] == [
        f"{batch}: --x12-validate needs pyx12 4.x, which is not installed "
        '(pip install "bhi-audit[x12]")'
    ]


def test_id_map_keys_a_dependent_by_member_id_and_birth_date(tmp_path):
    from bhi_audit.loaders import X12Options, load_paths

    docs = tmp_path / "docs.json"
    document = json.loads(DOCS.read_text())
    for patient in document["patients"]:
        patient.pop("medicare_id")
    docs.write_text(json.dumps(document))
    id_map = tmp_path / "ids.csv"
    id_map.write_text("kind,external_id,bundle_id\npatient,3gj6vg7pm95:19481130,P3\n")
    bundle = load_paths([REALISTIC, docs], X12Options(id_map=load_id_map(id_map)))
    patients = {c.claim_id: c.patient_id for c in bundle.records["claims"]}
    assert patients == {"SPC-2026-0311": "1EG4TE5MK73", "SPC-2026-0412": "P3"}
