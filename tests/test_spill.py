"""The streamed audit (input filed by patient partition on disk, one partition audited at a
time, here or in ``--jobs`` workers) gives the same reports as the in-memory audit, byte for
byte: on the sample, a generated practice, X12 and JSON input, rejected rows, duplicate ids
across partitions, waivers, a baseline and ``--redact``; and it holds no patient's records."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from bhi_audit import spill
from bhi_audit.cli import main
from bhi_audit.context import partition_of
from bhi_audit.engine import Engine
from bhi_audit.errors import InputErrors
from bhi_audit.findings import Outcome
from bhi_audit.generator import GenerateSpec, generate
from bhi_audit.loaders import load_paths, load_spilled
from bhi_audit.loaders.spill import SpillingBuilder
from bhi_audit.models import Claim, Location, Patient
from bhi_audit.parallel import audit_spilled
from bhi_audit.redact import collect_phi
from bhi_audit.registry import load_registry, spec_from_module

from conftest import SAMPLE, engine_with_killing_check, every_report

X12 = SAMPLE / "x12" / "sample.837"
DOCUMENT = SAMPLE / "json" / "sample_practice.json"


@pytest.fixture(scope="module")
def practice(tmp_path_factory):
    out = tmp_path_factory.mktemp("practice")
    generate(GenerateSpec(patients=60, months=6, seed=5, defect_rate=0.2), out)
    return out


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    """The sample with rejected rows, duplicate ids across partitions and an orphan line."""
    out = tmp_path_factory.mktemp("messy") / "bundle"
    shutil.copytree(SAMPLE, out, ignore=shutil.ignore_patterns("json", "x12", "*.md", "*.json"))
    extra = {
        # C001 is P001's (partition 1 of 3): its duplicate names P007 (partition 0)
        "claims.csv": "C001,P007,S-ADAMS,S-ADAMS,11,professional,,F41.1,2026-02-01\n"
        "C900,P013,S-ADAMS,S-ADAMS,11,professional,,F41.1,not-a-date\n"
        "C901,P999,S-NOBODY,S-ADAMS,11,professional,,F41.1,2026-02-01\n",
        "claim_lines.csv": "C001,1,99484,1,,2026-01-31,1,75.00,,\n"
        "C777,1,99484,1,,2026-01-31,1,75.00,,\n"
        "C901,1,99484,2,,2026-02-10,1,75.00,,\n",
        "patients.csv": "P001,Dup Licate,1940-01-01,1EG0TE0MK10,false\n",
    }
    for name, rows in extra.items():
        with (out / name).open("a", encoding="utf-8") as handle:
            handle.write(rows)
    return out


def _engine() -> Engine:
    return Engine(load_registry(plugins=False).specs)


def _streamed(paths, partitions: int, jobs: int = 1):
    spilled = load_spilled(paths, partitions=partitions)
    try:
        return audit_spilled(_engine(), spilled, jobs)
    finally:
        spilled.close()


@pytest.mark.parametrize("where", ["sample", "practice", "messy", "x12", "document"])
@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_streamed_audit_equals_in_memory_audit(where, partitions, practice, messy):
    paths = {
        "sample": [SAMPLE],
        "practice": [practice],
        "messy": [messy],
        "x12": [X12, SAMPLE],
        "document": [DOCUMENT],
    }[where]
    expected = every_report(_engine().audit(load_paths(paths)))
    assert every_report(_streamed(paths, partitions)) == expected


@pytest.mark.parametrize("where", ["practice", "messy"])
def test_jobs_2_over_partition_files_equals_in_memory_audit(where, practice, messy):
    path = practice if where == "practice" else messy
    expected = every_report(_engine().audit(load_paths([path])))
    assert every_report(_streamed([path], 5, jobs=2)) == expected


def test_messy_input_keeps_every_rejection_and_duplicate_across_partitions(messy):
    result = _streamed([messy], 3)
    messages = {(r.kind, r.location, r.message) for r in result.rejected}
    claims = f"{messy}/claims.csv"
    assert (
        "claims",
        f"{claims}:{len(SAMPLE.joinpath('claims.csv').read_text().splitlines()) + 1}",
        f"claim_id: duplicate of {claims}:2",
    ) in messages
    assert {r.kind for r in result.rejected} == {"claims", "claim_lines", "patients"}
    assert result.records["claims"].rejected == 2
    unresolved = {f.message for f in result.findings if f.check_id == "BHI-DATA-001"}
    assert "claim line C777#1: claim C777 is not in claims" in unresolved
    assert "claim C901: patient P999 is not in patients" in unresolved
    assert result.per_check["BHI-DATA-001"].applicable == 1  # one batch unit, not three


def test_builder_keeps_only_the_common_records_and_id_keys(messy):
    builder = SpillingBuilder(3)
    try:
        from bhi_audit.loaders import load_into

        load_into([messy], builder)
        held = {kind: len(records) for kind, records in builder.records.items() if records}
        # NOTE: patients wait in memory for the X12/FHIR matching, until spilled() files them
        assert set(held) == {"staff", "caseload_reviews", "period", "patients"}
        spilled = builder.spilled()
    finally:
        builder.discard()
    assert {kind for kind, records in spilled.header.records.items() if records} == {
        "staff",
        "caseload_reviews",
        "period",
    }
    assert "claims" in spilled.header.provided


def test_partitions_follow_the_input_size():
    size = spill.BYTES_PER_PARTITION
    assert spill.partitions_for(0) == 1
    assert spill.partitions_for(size) == 1
    assert spill.partitions_for(size + 1) == 2
    assert spill.partitions_for(size + 1, jobs=4) == 4
    assert spill.partitions_for(size * 10_000) == spill.MAX_PARTITIONS


def test_redaction_identifiers_captured_while_loading_equal_collect_phi(messy):
    spilled = load_spilled([messy], partitions=3, phi=True)
    try:
        assert spilled.phi is not None
        assert spilled.phi.phi(spilled.header, ["in"]) == collect_phi(load_paths([messy]), ["in"])
    finally:
        spilled.close()


def test_spill_files_live_in_a_private_temp_dir_removed_at_the_end(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    seen: list[Path] = []
    real = spill.SpilledInput.close

    def close(self):
        seen.append(self.directory)
        assert any(self.directory.iterdir())  # the partitions were on disk until now
        real(self)

    monkeypatch.setattr(spill.SpilledInput, "close", close)
    before = sorted(p.name for p in SAMPLE.iterdir())
    _streamed([SAMPLE], 3)
    [directory] = seen
    assert directory.parent == scratch
    assert oct(directory.stat().st_mode if directory.exists() else 0o700)[-3:] in ("700", "0")
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in SAMPLE.iterdir()) == before


def test_spill_files_are_removed_when_the_input_is_unusable(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "claims.csv").write_text("nonsense\n", encoding="utf-8")
    with pytest.raises(InputErrors):
        load_spilled([bad], partitions=2)
    assert list(scratch.iterdir()) == []


# ------------------------------------------------------------------ the command line


WAIVERS = (
    "waivers:\n  - id: W1\n    check: BHI-CONS-001\n    patient: P020\n"
    "    reason: consent in visit note\n    approved_by: Dr. A. Chen\n"
    "    approved_on: 2026-06-01\n    expires: 2027-03-31\n"
)


def _check(runner, args: list[str], out: Path) -> tuple[int, bytes, str]:
    result = runner.invoke(main, ["check", *args, "-o", str(out)])
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, out.read_bytes(), result.stderr


@pytest.mark.parametrize("fmt", ["json", "junit"])
def test_check_reports_equal_for_one_or_many_partitions_and_jobs(
    fmt, runner, tmp_path, monkeypatch, messy
):
    (tmp_path / "waivers.yaml").write_text(WAIVERS, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    made = runner.invoke(main, ["baseline", str(SAMPLE), "--output", str(baseline)])
    assert made.exit_code == 0, made.stderr
    common = [
        "--format",
        fmt,
        "--as-of",
        "2026-12-02",
        "--waivers",
        str(tmp_path / "waivers.yaml"),
        "--redact",
        "--redact-key",
        "k",
    ]
    runs = []
    for size, jobs in ((1 << 40, "1"), (2000, "1"), (2000, "2")):
        monkeypatch.setattr(spill, "BYTES_PER_PARTITION", size)
        for path, extra in ((messy, []), (SAMPLE, ["--baseline", str(baseline)])):
            out = tmp_path / f"{size}-{jobs}-{path.name}.{fmt}"
            runs.append(_check(runner, [str(path), *common, *extra, "--jobs", jobs], out))
    assert runs[0] == runs[2] == runs[4]
    assert runs[1] == runs[3] == runs[5]
    assert b"P001" not in runs[0][1] and b"C001" not in runs[0][1]
    if fmt == "json":
        messy_doc, sample_doc = json.loads(runs[1][1]), json.loads(runs[3][1])
        assert messy_doc["totals"]["waived"] == sample_doc["totals"]["waived"] == 1
        assert sample_doc["totals"]["baselined"] > 0


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_worker_killed_mid_run_is_a_lost_partition_never_a_hang(
    start_method, tmp_path, monkeypatch
):
    engine = engine_with_killing_check(tmp_path, monkeypatch, "stream_killing_check")
    spilled = load_spilled([SAMPLE], partitions=3)
    try:
        result = audit_spilled(engine, spilled, 2, start_method=start_method)
    finally:
        spilled.close()
    lost = partition_of("P001", 3)
    bundle = load_paths([SAMPLE])
    patients = {p.patient_id for p in bundle.of(Patient) if partition_of(p.patient_id, 3) == lost}
    [finding] = [f for f in result.findings if f.outcome is Outcome.INTERNAL_ERROR]
    assert finding.message == (
        f"internal error: partition {lost + 1} of 3 ({len(patients)} patients) was not "
        "audited: its worker process was killed by SIGKILL (its findings are missing; please "
        "report this)"
    )
    not_audited = {c for c, s in result.per_claim.items() if s.status == "not audited"}
    assert not_audited == {
        c.claim_id for c in bundle.of(Claim) if partition_of(c.patient_id, 3) == lost
    }
    assert not_audited


def test_location_of_a_spilled_record_survives_the_round_trip(tmp_path):
    writer = spill.PartitionWriter(tmp_path, 1)
    patient = Patient(patient_id="P1").at(Location(file="p.csv", row=7))
    writer.add(0, "patients", patient)
    writer.close()
    [[(kind, back)]] = spill.read_chunks(writer.path(0))
    assert (kind, back, str(back.location)) == ("patients", patient, "p.csv:7")


def test_a_spilled_location_is_pickled_as_plain_values_and_other_private_state_as_is(tmp_path):
    # Why: a slotted dataclass pickles through Python-level __getstate__/__setstate__ that
    # look up its fields on every record; a tuple is pickled and read back in C.
    import pickle

    writer = spill.PartitionWriter(tmp_path, 1)
    located = Patient(patient_id="P1").at(
        Location(file="p.json", pointer="/patients/0", start=(3, 5))
    )
    unlocated = Patient(patient_id="P2")
    writer.add(0, "patients", located)
    writer.add(0, "patients", unlocated)
    writer.close()
    with writer.path(0).open("rb") as handle:
        [(_, _, _, packed), (_, _, _, plain)] = pickle.load(handle)
    assert packed == ("p.json", None, "/patients/0", None, (3, 5))
    assert plain == {"_location": None}
    [[(_, first), (_, second)]] = spill.read_chunks(writer.path(0))
    assert (first, second) == (located, unlocated)
    assert first.location == Location(file="p.json", pointer="/patients/0", start=(3, 5))
    assert second.location.file == "<unknown>"


BATCH_CHECK = '''"""Test check: counts the claims it is fed, and crashes on request.

Why: a batch-scope check on a streamed input (tests/test_spill.py).
Source: none; a synthetic test check.
Passes: never.
Fails: always, once per batch it is fed with a claim in it.
"""

import os

from bhi_audit.checkapi import Problem
from bhi_audit.models import Assessment, Claim

ID = "TEST-BATCH-001"
NAME = "batch-check"
SCOPE = "batch"
DEFAULT_SEVERITY = "warning"
REQUIRES = (Assessment,)


def check(batch, options):
    """One problem naming the input as a whole; a crash when asked."""
    if os.environ.get("STREAM_TEST_CRASH"):
        raise RuntimeError("boom")
    yield Problem(message="the input as a whole")
'''


@pytest.mark.parametrize("crash", [False, True])
@pytest.mark.parametrize("drop_assessments", [False, True])
def test_a_batch_check_gives_one_verdict_however_many_partitions(
    crash, drop_assessments, tmp_path, monkeypatch
):
    (tmp_path / "stream_batch_check.py").write_text(BATCH_CHECK, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    if crash:
        monkeypatch.setenv("STREAM_TEST_CRASH", "1")
    import importlib

    module = importlib.import_module("stream_batch_check")
    bundle_dir = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle_dir, ignore=shutil.ignore_patterns("json", "x12", "*.md"))
    if drop_assessments:
        (bundle_dir / "assessments.csv").unlink()
    engine = Engine([*load_registry(plugins=False).specs, spec_from_module(module, "test")])
    expected = engine.audit(load_paths([bundle_dir]))
    spilled = load_spilled([bundle_dir], partitions=4)
    try:
        streamed = audit_spilled(engine, spilled, 1)
    finally:
        spilled.close()
    assert every_report(streamed) == every_report(expected)
    mine = [f for f in streamed.findings if f.check_id == "TEST-BATCH-001"]
    assert len(mine) == 1
    assert mine[0].outcome is (
        Outcome.INTERNAL_ERROR
        if crash and not drop_assessments
        else Outcome.UNVERIFIABLE
        if drop_assessments
        else Outcome.VIOLATION
    )
    assert streamed.per_check["TEST-BATCH-001"].applicable == 1


def test_a_full_temp_disk_is_one_error_line_and_exit_2(runner, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def full(self, index):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spill.PartitionWriter, "_flush", full)
    result = runner.invoke(main, ["check", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"bhi-audit: error: {scratch}/bhi-audit-spill-")
    assert line.endswith(
        ": cannot write the temporary partition files (No space left on device); "
        "point TMPDIR at a private folder with room"
    )
    assert "Traceback" not in result.output
    assert list(scratch.iterdir()) == []
