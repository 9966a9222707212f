"""The generator's practice audits to exactly its ground truth: every injected defect found
(recall 100%) and no error or warning where none was injected (precision 100%)."""

from __future__ import annotations

import json

import pytest

from bhi_audit.cli import main
from bhi_audit.findings import Outcome
from bhi_audit.generator import GenerateSpec, generate
from bhi_audit.generator.defects import CATALOG

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


#: Info checks that defects can trip; BHI-PAY-001 and BHI-COST-001 note every clean line.
INFO_DEFECT_CHECKS = frozenset({"BHI-TIME-005", "BHI-PAY-002", "BHI-CONS-003"})


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
    assert {d.check_id for d in CATALOG} >= INFO_DEFECT_CHECKS
    assert _found(result, {"info"}, INFO_DEFECT_CHECKS) == _expected(truth, {"info"})


def test_every_defect_kind_is_injected(practice):
    _, truth, _ = practice
    assert {d["defect"] for d in truth["defects"]} == {d.name for d in CATALOG}


def test_same_seed_same_bytes(tmp_path):
    spec = GenerateSpec(patients=30, months=4, seed=3)
    generate(spec, tmp_path / "a")
    generate(spec, tmp_path / "b")
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_json_form_audits_like_csv(tmp_path):
    spec = GenerateSpec(patients=60, months=6, seed=5, defect_rate=0.1)
    generate(spec, tmp_path / "csv")
    generate(spec, tmp_path / "json", fmt="json")
    a = run_audit(tmp_path / "csv")
    b = run_audit(tmp_path / "json" / "practice.json")
    assert [(f.check_id, f.patient_id, f.month, f.message) for f in a.findings] == [
        (f.check_id, f.patient_id, f.month, f.message) for f in b.findings
    ]


def test_generate_command(runner, tmp_path):
    result = runner.invoke(
        main,
        [
            "generate",
            "--patients",
            "20",
            "--months",
            "3",
            "--seed",
            "2",
            "--out",
            str(tmp_path / "g"),
        ],
    )
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "g" / "ground_truth.json").read_text())
    assert truth["patients"] == 20
    assert (tmp_path / "g" / "claims.csv").exists()
