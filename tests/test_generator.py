"""The generator's practice audits to exactly its ground truth: every injected defect found
(recall 100%) and no error or warning where none was injected (precision 100%)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.engine import Engine
from bhi_audit.findings import Outcome
from bhi_audit.generator import GenerateSpec, generate
from bhi_audit.generator.defects import CATALOG, catalog_table
from bhi_audit.loaders import X12Options, load_paths
from bhi_audit.loaders.mapping import load_id_map
from bhi_audit.registry import load_registry

from conftest import run_audit


def _expected(truth, severities):
    return {
        (d["patient_id"], e["month"], e["check_id"])
        for d in truth["defects"]
        for e in d["expected"]
        if e["severity"] in severities
    }


def _found(result, severities, checks=None):
    return {
        (f.patient_id, f.month, f.check_id)
        for f in result.findings
        if f.outcome is Outcome.VIOLATION
        and f.severity.value in severities
        and (checks is None or f.check_id in checks)
    }


#: Info checks that note every clean line by design: no defect kind, not compared.
EVERY_LINE_INFO = frozenset({"BHI-PAY-001", "BHI-COST-001"})


@pytest.fixture(scope="module")
def practice(tmp_path_factory):
    out = tmp_path_factory.mktemp("practice")
    truth = generate(GenerateSpec(patients=400, months=12, seed=11, defect_rate=0.1), out)
    return out, truth, run_audit(out)


def test_every_injected_defect_is_found_and_nothing_else(practice):
    _, truth, result = practice
    assert _found(result, {"error", "warning"}) == _expected(truth, {"error", "warning"})
    assert result.rejected == ()


def test_info_defects_are_found_and_nothing_else(practice):
    _, truth, result = practice
    info = {f for f in _found(result, {"info"}) if f[2] not in EVERY_LINE_INFO}
    assert info == _expected(truth, {"info"})
    assert {e[2] for e in _expected(truth, {"info"})} == {
        "BHI-TIME-005",
        "BHI-PAY-002",
        "BHI-CONS-003",
    }


def test_every_defect_kind_is_injected(practice):
    _, truth, _ = practice
    assert {d["defect"] for d in truth["defects"]} == {d.name for d in CATALOG}


def test_same_seed_same_bytes(tmp_path):
    spec = GenerateSpec(patients=30, months=4, seed=3)
    generate(spec, tmp_path / "a")
    generate(spec, tmp_path / "b")
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def _findings(result):
    """Findings without their locations (file, row, segment differ between formats)."""
    return [
        (f.check_id, f.patient_id, f.month, f.claim_id, f.severity.value, f.message)
        for f in result.findings
    ]


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    out = tmp_path_factory.mktemp("csv")
    generate(SMALL, out)
    return run_audit(out)


SMALL = GenerateSpec(patients=120, months=6, seed=5, defect_rate=0.3)


def test_json_form_audits_like_csv(tmp_path, small_csv):
    generate(SMALL, tmp_path, fmt="json")
    result = run_audit(tmp_path / "practice.json")
    assert _findings(result) == _findings(small_csv)
    assert result.rejected == ()


def test_837p_form_audits_like_csv(tmp_path, small_csv):
    truth = generate(SMALL, tmp_path, fmt="837p")
    id_map = load_id_map(tmp_path / "x12" / "id_map.csv")
    result = Engine(load_registry(plugins=False).select([])).audit(
        load_paths([tmp_path, tmp_path / "x12" / "claims.837"], x12=X12Options(id_map=id_map))
    )
    assert _findings(result) == _findings(small_csv)
    assert result.rejected == ()
    assert {d["defect"] for d in truth["defects"]} >= {"unknown-billing-practitioner"}
    assert (tmp_path / "x12" / "claims.837").read_text().startswith("ISA*")


def test_fhir_form_audits_like_csv(tmp_path, small_csv):
    generate(SMALL, tmp_path, fmt="fhir-ndjson")
    result = run_audit(tmp_path)
    assert _findings(result) == _findings(small_csv)
    assert result.rejected == ()
    assert not (tmp_path / "time_entries.csv").exists()
    assert (tmp_path / "Procedure.ndjson").exists()


@pytest.mark.parametrize("fmt", ["json", "837p", "fhir-ndjson"])
def test_every_format_same_seed_same_bytes(tmp_path, fmt):
    spec = GenerateSpec(patients=25, months=3, seed=4, defect_rate=0.3)
    generate(spec, tmp_path / "a", fmt=fmt)
    generate(spec, tmp_path / "b", fmt=fmt)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert files
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize(
    ("fmt", "made"),
    [
        ("csv", "claims.csv"),
        ("json", "practice.json"),
        ("837p", "x12/claims.837"),
        ("fhir-ndjson", "Procedure.ndjson"),
    ],
)
def test_generate_command(runner, tmp_path, fmt, made):
    out = tmp_path / "g"
    args = ["generate", "--patients", "20", "--months", "3", "--seed", "2", "--out", str(out)]
    result = runner.invoke(main, [*args, "--format", fmt])
    assert result.exit_code == 0, result.output
    truth = json.loads((out / "ground_truth.json").read_text())
    assert (truth["patients"], truth["format"]) == (20, fmt)
    assert (out / made).exists()


def test_generate_command_rejects_unknown_format(runner, tmp_path):
    args = ["generate", "--patients", "2", "--months", "1", "--out", str(tmp_path)]
    result = runner.invoke(main, [*args, "--format", "xml"])
    assert result.exit_code == 2
    assert "xml" in result.output


def test_docs_catalog_table_is_current():
    doc = (Path(__file__).parent.parent / "docs" / "generator.md").read_text(encoding="utf-8")
    start, end = "<!-- catalog:start -->\n", "<!-- catalog:end -->"
    table = doc[doc.index(start) + len(start) : doc.index(end)]
    assert table == catalog_table(), (
        "docs/generator.md is stale: paste bhi_audit.generator.defects.catalog_table() "
        "between the catalog markers"
    )
