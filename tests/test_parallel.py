"""A partitioned audit (``check --jobs N``, ``Engine.audit_partition`` + ``merge``) equals the
single-process audit byte for byte, on the sample bundle and on a generated practice."""

from __future__ import annotations

import io
import json

import pytest

from bhi_audit.cli import main
from bhi_audit.context import build_batch, partition_of
from bhi_audit.engine import Engine
from bhi_audit.findings import Outcome
from bhi_audit.gate import exit_code
from bhi_audit.generator import GenerateSpec, generate
from bhi_audit.loaders import load_paths
from bhi_audit.parallel import audit_in_processes
from bhi_audit.registry import load_registry
from bhi_audit.reporters import REPORTERS

from conftest import (
    SAMPLE,
    EngineFailingOn,
    engine_with_killing_check,
    every_report,
    sample_partition_size,
)


@pytest.fixture(scope="module")
def practice(tmp_path_factory):
    out = tmp_path_factory.mktemp("practice")
    generate(GenerateSpec(patients=60, months=6, seed=5, defect_rate=0.2), out)
    return out


@pytest.mark.parametrize("where", ["sample", "practice"])
@pytest.mark.parametrize("partitions", [2, 3, 7])
def test_merged_partitions_equal_one_pass(where, partitions, practice):
    path = SAMPLE if where == "sample" else practice
    engine = Engine(load_registry(plugins=False).specs)
    bundle = load_paths([path])
    batch = build_batch(bundle)
    partials = [engine.audit_partition(batch, k, partitions) for k in range(partitions)]
    merged = engine.merge(bundle, batch, reversed(partials))
    assert every_report(merged) == every_report(engine.audit(bundle))
    assert sum(p.patient_months for p in partials) == merged.totals.patient_months > 0


@pytest.mark.parametrize("where", ["sample", "practice"])
def test_check_jobs_2_equals_jobs_1(where, practice, runner, tmp_path):
    path = SAMPLE if where == "sample" else practice
    outputs = []
    for jobs in ("1", "2"):
        report = tmp_path / f"jobs{jobs}.json"
        result = runner.invoke(
            main, ["check", str(path), "--format", "json", "-o", str(report), "--jobs", jobs]
        )
        assert result.exit_code in (0, 1), result.output
        outputs.append((result.exit_code, report.read_bytes()))
    assert outputs[0] == outputs[1]


def test_spawned_workers_give_the_same_result(practice):
    engine = Engine(load_registry(plugins=False).specs)
    bundle = load_paths([practice])
    spawned = audit_in_processes(engine, bundle, 2, start_method="spawn")
    assert every_report(spawned) == every_report(engine.audit(bundle))


def test_partition_of_is_stable_and_in_range():
    # NOTE: crc32 of the UTF-8 id; pinned so that workers and runs always agree.
    assert [partition_of(p, 4) for p in ("P1", "P2", "P000001", "Ü")] == [1, 3, 2, 1]
    assert {partition_of(f"P{i}", 5) for i in range(200)} == set(range(5))
    assert partition_of("P1", 1) == 0


def test_jobs_must_be_positive(runner):
    result = runner.invoke(main, ["check", str(SAMPLE), "--jobs", "0"])
    assert result.exit_code == 2


def test_json_report_is_exactly_json_dump_of_the_document(practice, monkeypatch):
    from bhi_audit.reporters import json_report
    from bhi_audit.reporters.json_report import render, to_document

    result = Engine(load_registry(plugins=False).specs).audit(load_paths([practice]))
    # several chunks, one of them short, whatever the number of checks (a fixed 7 divided
    # the evaluations exactly once a 49th check was registered)
    chunk = next(n for n in range(7, 100) if len(result.evaluations) % n != 0)
    monkeypatch.setattr(json_report, "CHUNK", chunk)
    for listed in ("all", "not-passed"):
        fast = io.StringIO()
        render(result, fast, evaluations=listed)
        document = to_document(result, listed)
        plain = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
        assert fast.getvalue() == plain + "\n"
    assert len(result.evaluations) % chunk != 0
    assert len(result.evaluations) > 2 * chunk


# ------------------------------------------------------------------ a lost partition


held = sample_partition_size


def test_a_lost_partition_shows_in_every_report_and_fails_the_gate():
    engine = Engine(load_registry(plugins=False).specs)
    bundle = load_paths([SAMPLE])
    batch = build_batch(bundle)
    lost = engine.failed_partition(batch, 1, 2, "its worker process was killed by SIGKILL")
    result = engine.merge(bundle, batch, [lost, engine.audit_partition(batch, 0, 2)])
    message = (
        f"internal error: partition 2 of 2 ({held(1)} patients) was not audited: "
        "its worker process was killed by SIGKILL (its findings are missing; please report this)"
    )
    [finding] = [f for f in result.findings if f.check_id == "BHI-ENGINE"]
    assert (finding.message, finding.unit, finding.patient_id) == (
        message,
        "partition 2 of 2",
        None,
    )
    assert result.checks[-1].id == "BHI-ENGINE"
    assert result.per_check["BHI-ENGINE"].internal_errors == 1
    assert result.totals.internal_errors == 1
    assert exit_code(result, "never") == 1  # an internal error fails even --fail-on never
    for name, render in sorted(REPORTERS.items()):
        out = io.StringIO()
        render(result, out)
        assert message in out.getvalue(), name
    junit = io.StringIO()
    REPORTERS["junit"](result, junit)
    assert '<testcase classname="BHI-ENGINE" name="partition 2 of 2" time="0">' in junit.getvalue()


def test_partition_0_lost_names_the_batch_checks_too():
    engine = Engine(load_registry(plugins=False).specs)
    batch = build_batch(load_paths([SAMPLE]))
    [finding] = engine.failed_partition(batch, 0, 2, "its worker raised MemoryError").findings
    assert finding.message == (
        f"internal error: partition 1 of 2 ({held(0)} patients and the batch-scope checks) was not "
        "audited: its worker raised MemoryError (its findings are missing; please report this)"
    )


def test_a_worker_whose_engine_raises_gives_a_lost_partition_without_its_message():
    engine = EngineFailingOn(load_registry(plugins=False).specs, partition=1)
    bundle = load_paths([SAMPLE])
    result = audit_in_processes(engine, bundle, 2)
    lost = [f.message for f in result.findings if f.check_id == "BHI-ENGINE"]
    assert lost == [
        f"internal error: partition 2 of 2 ({held(1)} patients) was not audited: its worker raised "
        "MemoryError (its findings are missing; please report this)"
    ]


def test_a_spawned_worker_killed_gives_a_lost_partition(tmp_path, monkeypatch):
    engine = engine_with_killing_check(tmp_path, monkeypatch, "contain_killing_check")
    result = audit_in_processes(engine, load_paths([SAMPLE]), 2, start_method="spawn")
    assert [f.message for f in result.findings if f.outcome is Outcome.INTERNAL_ERROR] == [
        f"internal error: partition 2 of 2 ({held(1)} patients) was not audited: "
        "its worker process was killed by SIGKILL (its findings are missing; please report this)"
    ]


def test_a_lost_partitions_claims_read_not_audited_never_clean():
    engine = Engine(load_registry(plugins=False).specs)
    bundle = load_paths([SAMPLE])
    batch = build_batch(bundle)
    lost = engine.failed_partition(batch, 1, 2, "its worker process was killed by SIGKILL")
    result = engine.merge(bundle, batch, [lost, engine.audit_partition(batch, 0, 2)])
    in_lost = {
        claim_id
        for claim_id, claim in batch.claims.items()
        if partition_of(claim.patient_id, 2) == 1
    }
    assert in_lost
    assert {c for c, s in result.per_claim.items() if s.status == "not audited"} == in_lost
    totals = result.totals
    assert totals.claims_not_audited == len(in_lost)
    assert totals.claims_clean + totals.claims_flagged + totals.claims_not_audited == totals.claims
    text = io.StringIO()
    REPORTERS["text"](result, text)
    assert f", {len(in_lost)} not audited); " in text.getvalue()
    healthy = engine.audit(bundle)
    assert healthy.totals.claims_not_audited == 0
    assert "not audited" not in {s.status for s in healthy.per_claim.values()}
