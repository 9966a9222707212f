"""sample_claims/ is the product's demo and its end-to-end test: every seeded defect is found,
the clean patients stay clean, and the CSV and JSON forms audit identically."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from bhi_audit.cli import main
from bhi_audit.findings import Outcome
from bhi_audit.generator.defects import CATALOG
from bhi_audit.generator.sample import SAMPLE as PRACTICE
from bhi_audit.generator.sample import write_sample
from bhi_audit.generator.scenarios import Rows, columns
from bhi_audit.models import RECORD_KINDS

from conftest import SAMPLE, run_audit

EXPECTED = json.loads((SAMPLE / "expected_defects.json").read_text(encoding="utf-8"))
SEEDED_PATIENTS = {d["patient_id"] for d in EXPECTED}


def _key(finding):
    return (finding.patient_id, finding.month, finding.check_id)


def test_every_seeded_defect_is_reported():
    result = run_audit(SAMPLE)
    found = {_key(f) for f in result.findings if f.outcome is Outcome.VIOLATION}
    for defect in EXPECTED:
        assert (defect["patient_id"], defect["month"], defect["check_id"]) in found, defect


def test_seeded_patients_report_exactly_their_defects():
    result = run_audit(SAMPLE)
    expected = {
        (d["patient_id"], d["month"], d["check_id"]) for d in EXPECTED if d["level"] != "info"
    }
    reported = {
        _key(f)
        for f in result.findings
        if f.outcome is Outcome.VIOLATION and f.severity.value in {"error", "warning"}
    }
    assert reported == expected


def test_clean_patients_have_no_errors_or_warnings():
    result = run_audit(SAMPLE)
    noisy = [
        f
        for f in result.findings
        if f.patient_id not in SEEDED_PATIENTS
        and f.outcome is Outcome.VIOLATION
        and f.severity.value in {"error", "warning"}
    ]
    assert noisy == []


def test_csv_and_json_forms_audit_identically():
    from_csv = run_audit(SAMPLE)
    from_json = run_audit(SAMPLE / "json" / "sample_practice.json")

    def comparable(result):
        return sorted(
            (f.check_id, f.patient_id or "", f.month or "", f.claim_id or "", f.message)
            for f in result.findings
        )

    assert comparable(from_csv) == comparable(from_json)
    assert from_csv.records == from_json.records


def test_nothing_in_the_sample_is_rejected():
    result = run_audit(SAMPLE)
    assert result.rejected == ()
    assert all(c.read == c.audited for c in result.records.values())


#: Checks that judge only against an imported CMS policy pack (docs/policy-data.md). A pack
#: comes from the trusted configuration, never from the audited data (docs/security.md), so the
#: sample cannot trigger them; tests/checks/test_ncci_*.py exercise them with synthetic packs.
PACK_ONLY = {"BHI-NCCI-001", "BHI-NCCI-003"}


def test_sample_exercises_every_check():
    from bhi_audit.registry import load_registry

    result = run_audit(SAMPLE)
    violated = {f.check_id for f in result.findings if f.outcome is Outcome.VIOLATION}
    assert {s.id for s in load_registry(plugins=False).specs} - violated == PACK_ONLY


# ------------------------------------------------------------ built from scenarios, never drifts


def test_checked_in_sample_is_exactly_what_the_scenarios_write(tmp_path):
    write_sample(tmp_path)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    checked_in = sorted(
        p.relative_to(SAMPLE).as_posix()
        for p in SAMPLE.rglob("*")
        if p.is_file() and p.relative_to(SAMPLE).parts[0] != "x12"  # made by make_sample_x12.py
    )
    assert names == checked_in
    stale = [n for n in names if (tmp_path / n).read_bytes() != (SAMPLE / n).read_bytes()]
    assert stale == [], "run python scripts/build_sample_claims.py (and make_sample_x12.py)"


def test_sample_columns_are_the_models_fields():
    for model in RECORD_KINDS:
        with (SAMPLE / f"{model.KIND}.csv").open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        # NOTE: paid_amount is an auditor's column, filled after payment (docs/auditing.md)
        omitted = ["paid_amount"] if model.KIND == "claim_lines" else []
        assert header == [f for f in model.model_fields if f not in omitted], model.KIND


def test_a_scenario_cannot_write_a_column_the_model_lacks():
    rows = Rows(columns())
    with pytest.raises(ValueError, match=r"visits: no such column \['room'\] in the model"):
        rows.add("visits", visit_id="V1", room="2B")


def test_scenario_kinds_are_generator_defect_kinds_of_a_check_they_expect():
    checks = {kind.name: kind.check_id for kind in CATALOG}
    named = [s for s in PRACTICE.scenarios if s.kind]
    assert len(named) == 36
    for scenario in named:
        assert checks[scenario.kind] in {e.check for e in scenario.expect}, scenario.patient_id


def test_a_month_left_out_of_the_reviews_is_listed_in_no_caseload_review():
    with (SAMPLE / "caseload_reviews.csv").open(encoding="utf-8", newline="") as handle:
        listed = [row["patients_reviewed"].split(";") for row in csv.DictReader(handle)]
    assert not any("P022" in patients for patients in listed)  # CocmMonth(reviewed=False)
    assert sum("P031" in patients for patients in listed) == 2  # January, and Listed(FEB)


#: What the sample makes every check report: (check, outcome, severity) -> findings. A change
#: to the sample (or to a rule) that adds, drops or moves a finding shows up here by name.
FIRING = {
    ("BHI-COCM-001", "violation", "error"): 1,
    ("BHI-COCM-002", "violation", "error"): 2,
    ("BHI-COCM-003", "violation", "warning"): 1,
    ("BHI-COCM-004", "violation", "error"): 1,
    ("BHI-COCM-004", "violation", "warning"): 1,
    ("BHI-COCM-005", "violation", "error"): 1,
    ("BHI-COCM-006", "violation", "warning"): 1,
    ("BHI-CODE-001", "violation", "error"): 1,
    ("BHI-CODE-002", "violation", "error"): 1,
    ("BHI-CONS-001", "violation", "error"): 2,
    ("BHI-CONS-002", "violation", "warning"): 1,
    ("BHI-CONS-003", "violation", "info"): 1,
    ("BHI-CONS-004", "violation", "error"): 1,
    ("BHI-COST-001", "violation", "info"): 1,
    ("BHI-DATA-001", "violation", "error"): 2,
    ("BHI-DMHT-001", "unverifiable", "info"): 1,
    ("BHI-DMHT-001", "violation", "error"): 1,
    ("BHI-DOC-001", "violation", "warning"): 2,
    ("BHI-DX-001", "violation", "error"): 2,
    ("BHI-DX-002", "violation", "warning"): 1,
    ("BHI-EXCL-001", "violation", "error"): 1,
    ("BHI-EXCL-001", "violation", "warning"): 1,
    ("BHI-EXCL-002", "violation", "error"): 1,
    ("BHI-EXCL-003", "violation", "error"): 1,
    ("BHI-EXCL-004", "violation", "error"): 1,
    ("BHI-EXCL-005", "violation", "error"): 1,
    ("BHI-EXCL-006", "violation", "error"): 1,
    ("BHI-EXCL-007", "violation", "error"): 1,
    ("BHI-EXCL-008", "violation", "error"): 1,
    ("BHI-EXCL-009", "violation", "warning"): 1,
    ("BHI-EXCL-010", "violation", "warning"): 1,
    ("BHI-EXCL-011", "violation", "warning"): 1,
    ("BHI-GEN-001", "violation", "warning"): 2,
    ("BHI-GEN-002", "violation", "warning"): 1,
    ("BHI-INIT-001", "violation", "error"): 1,
    ("BHI-INIT-002", "violation", "warning"): 2,
    ("BHI-NCCI-002", "violation", "warning"): 1,
    ("BHI-PAY-001", "violation", "info"): 1,
    ("BHI-PAY-002", "violation", "info"): 1,
    ("BHI-POS-001", "violation", "warning"): 1,
    ("BHI-PRAC-001", "unverifiable", "info"): 1,
    ("BHI-PRAC-001", "violation", "error"): 2,
    ("BHI-PRAC-002", "unverifiable", "info"): 1,
    ("BHI-PRAC-002", "violation", "warning"): 1,
    ("BHI-TIME-001", "violation", "error"): 2,
    ("BHI-TIME-002", "violation", "error"): 3,
    ("BHI-TIME-003", "violation", "error"): 1,
    ("BHI-TIME-004", "violation", "warning"): 1,
    ("BHI-TIME-005", "violation", "info"): 1,
    ("BHI-TIME-006", "violation", "warning"): 2,
    ("BHI-TIME-007", "violation", "error"): 1,
    ("BHI-TIME-008", "violation", "error"): 1,
}


def test_which_checks_fire_on_the_sample():
    result = run_audit(SAMPLE)
    fired = Counter((f.check_id, f.outcome.value, f.severity.value) for f in result.findings)
    assert dict(sorted(fired.items())) == FIRING


# ------------------------------------------------------------------ bhi-audit generate --scenario


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_generate_scenario_sample_writes_the_sample_practice(runner, tmp_path):
    out = tmp_path / "new" / "practice"
    result = runner.invoke(main, ["generate", "--scenario", "sample", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"wrote 925 records for 57 patients to {out} (scenario sample; expected_defects.json)\n"
    )
    checked_in = {k: v for k, v in _files(SAMPLE).items() if not k.startswith("x12/")}
    assert _files(out) == checked_in


def test_generate_scenario_refuses_a_folder_that_is_not_empty(runner, tmp_path):
    (tmp_path / "claims.csv").write_text("real claims\n", encoding="utf-8")
    result = runner.invoke(main, ["generate", "--scenario", "sample", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.endswith(
        f"bhi-audit: error: {tmp_path}: folder is not empty (claims.csv); a scenario practice "
        "needs a new or empty one\n"
    )
    assert _files(tmp_path) == {"claims.csv": b"real claims\n"}


def test_generate_scenario_takes_no_option_that_shapes_a_random_practice(runner, tmp_path):
    args = ["generate", "--scenario", "sample", "--out", str(tmp_path / "p"), "--seed", "3"]
    result = runner.invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 2
    assert "--scenario writes a fixed practice; drop --seed, --format" in result.output
    assert not (tmp_path / "p").exists()


def test_generate_without_a_scenario_still_needs_patients_and_months(runner, tmp_path):
    result = runner.invoke(main, ["generate", "--months", "2", "--out", str(tmp_path / "p")])
    assert result.exit_code == 2
    assert "Missing option '--patients'." in result.output
    assert not (tmp_path / "p").exists()
