"""The result's evaluations kept as sorted runs (bhi_audit/evaluations.py): read back in the
one global ``(check_id, unit)`` order with settled statuses, however many runs, in files or in
memory; equal to what the engine held before; and their files gone when ``check`` ends."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

import bhi_audit.cli as cli
from bhi_audit.baseline import build_baseline
from bhi_audit.cli import main
from bhi_audit.context import partition_of
from bhi_audit.engine import AuditSettings, Engine
from bhi_audit.evaluations import (
    BLOCK,
    Evaluation,
    StoredEvaluations,
    make_run,
    relabelled,
    settled_pairs,
    status_counts,
)
from bhi_audit.loaders import load_paths, load_spilled
from bhi_audit.parallel import audit_spilled
from bhi_audit.registry import load_registry
from bhi_audit.waivers import load_waivers

from conftest import SAMPLE, engine_with_killing_check

Row = tuple[str, str, str]


def _old_order(runs: list[list[Row]]) -> list[Row]:
    """What the engine did before: every partition's rows in partition order, sorted stably."""
    return sorted((row for run in runs for row in run), key=lambda e: (e[0], e[1]))


def _old_settle(rows: list[Row], findings: list[Row]) -> list[Evaluation]:
    """The engine's former ``_settle``, verbatim in effect: the oracle for settled statuses."""
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for check_id, unit, status in findings:
        by_pair[(check_id, unit)].add(status)
    settled = []
    for check_id, unit, status in rows:
        statuses = by_pair.get((check_id, unit))
        if statuses and status in ("failed", "unverifiable"):
            if "open" in statuses:
                status = "failed"
            elif status == "unverifiable" and "unverifiable" in statuses:
                pass
            elif "waived" in statuses:
                status = "waived"
            elif "baselined" in statuses:
                status = "baselined"
        settled.append(Evaluation(check_id, unit, status))  # type: ignore[arg-type]
    return settled


def _random_runs(seed: int, runs: int, rows: int) -> list[list[Row]]:
    chance = random.Random(seed)
    checks = [f"BHI-{n:03d}" for n in range(7)]
    statuses = ["passed"] * 12 + ["failed", "unverifiable", "internal-error"]
    made: list[list[Row]] = [[] for _ in range(runs)]
    for _ in range(rows):
        row = (chance.choice(checks), f"P{chance.randrange(900):03d}", chance.choice(statuses))
        made[chance.randrange(runs)].append(row)
    return made


def _store(made: list[list[Row]], tmp_path: Path, settled: dict | None = None):
    """Runs alternately in files and in memory (both kinds are merged alike)."""
    runs = tuple(
        make_run(list(rows), tmp_path / f"run-{index}" if index % 2 == 0 else None)
        for index, rows in enumerate(made)
    )
    return StoredEvaluations(runs, settled or {})


def test_runs_read_back_in_the_order_one_stable_sort_of_everything_gave(tmp_path):
    made = _random_runs(seed=3, runs=5, rows=3 * BLOCK)
    # the same pair in two runs, with different statuses: the earlier run's comes first
    made[1].append(("BHI-000", "P-same", "failed"))
    made[3].append(("BHI-000", "P-same", "passed"))
    store = _store(made, tmp_path)
    expected = [Evaluation(*row) for row in _old_order(made)]
    assert list(store) == expected
    assert list(store) == expected  # re-iterable: each iteration reads the runs again
    assert len(store) == len(expected) == sum(map(len, made))
    assert store == tuple(expected) and tuple(expected) == store
    assert store != tuple(expected[:-1])
    assert [e for e in expected if e.check_id == "BHI-004"] == list(store.of_check("BHI-004"))
    assert list(store.of_check("BHI-999")) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-0", "run-2", "run-4"]


def test_statuses_are_settled_from_the_findings_as_the_engine_settled_them(tmp_path):
    made = [
        [
            ("A", "u1", "failed"),  # an open finding: failed
            ("A", "u2", "failed"),  # all waived: waived
            ("A", "u3", "failed"),  # baselined only: baselined
            ("A", "u4", "unverifiable"),  # not-verifiable finding still open: unverifiable
        ],
        [
            ("A", "u5", "unverifiable"),  # its finding waived: waived
            ("A", "u6", "failed"),  # waived and baselined: waived
            ("A", "u7", "passed"),  # a finding on a pass changes nothing
            ("B", "u1", "internal-error"),
            ("B", "u2", "failed"),  # no finding at all: stays failed
        ],
    ]
    findings = [
        ("A", "u1", "open"),
        ("A", "u1", "waived"),
        ("A", "u2", "waived"),
        ("A", "u3", "baselined"),
        ("A", "u4", "unverifiable"),
        ("A", "u5", "waived"),
        ("A", "u6", "baselined"),
        ("A", "u6", "waived"),
        ("A", "u7", "waived"),
        ("B", "u1", "open"),
    ]
    store = _store(made, tmp_path, settled_pairs(findings))
    expected = _old_settle(_old_order(made), findings)
    assert [e.status for e in expected] == [
        "failed",
        "waived",
        "baselined",
        "unverifiable",
        "waived",
        "waived",
        "passed",
        "internal-error",
        "failed",
    ]
    assert list(store) == expected
    assert list(store.not_passed()) == [e for e in expected if e.status != "passed"]
    by_check: dict[str, Counter[str]] = defaultdict(Counter)
    for evaluation in expected:
        by_check[evaluation.check_id][evaluation.status] += 1
    counted = status_counts(store)
    assert {c: +counts for c, counts in counted.items()} == by_check
    assert status_counts(tuple(expected)) == by_check


def test_relabelled_units_are_sorted_by_what_they_become_in_new_files(tmp_path):
    made = _random_runs(seed=8, runs=3, rows=500)
    findings = [(c, u, "waived") for c, u, s in made[0] if s == "failed"][:5]
    store = _store(made, tmp_path, settled_pairs(findings))
    before = sorted(p.name for p in tmp_path.iterdir())

    def mapped(unit: str) -> str:
        return "x" + unit[::-1]

    expected = sorted(
        (Evaluation(e.check_id, mapped(e.unit), e.status) for e in store),
        key=lambda e: (e.check_id, e.unit),
    )
    hidden = relabelled(store, mapped)
    assert list(hidden) == expected
    assert "waived" in {e.status for e in hidden}
    assert relabelled(tuple(store), mapped) == tuple(expected)
    # the file runs were written again beside themselves; the originals are untouched
    assert len(list(tmp_path.iterdir())) == 2 * len(before)
    assert list(store) == _old_settle(_old_order(made), findings)


def _settings(tmp_path: Path) -> AuditSettings:
    registry = load_registry(plugins=False)
    plain = Engine(registry.specs).audit(load_paths([SAMPLE]))
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - id: W1\n    check: BHI-CONS-001\n    patient: P020\n"
        "    reason: consent in visit note\n    approved_by: Dr. A. Chen\n"
        "    approved_on: 2026-06-01\n    expires: 2027-03-31\n",
        encoding="utf-8",
    )
    return AuditSettings(
        waivers=load_waivers(waivers, registry, as_of=date(2026, 12, 2)),
        baseline=build_baseline(plain.findings[::2]),
        as_of=date(2026, 12, 2),
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_streamed_audit_reads_its_evaluations_from_files_settled_and_in_order(jobs, tmp_path):
    specs = load_registry(plugins=False).specs
    raw = Engine(specs).audit(load_paths([SAMPLE])).evaluations
    settings = _settings(tmp_path)
    runs = tmp_path / "runs"
    runs.mkdir()
    spilled = load_spilled([SAMPLE], partitions=3)
    try:
        result = audit_spilled(Engine(specs, settings), spilled, jobs, evaluations=runs)
    finally:
        spilled.close()
    assert isinstance(result.evaluations, StoredEvaluations)
    files = sorted(p.name for p in runs.iterdir())
    assert files == ["evaluations-0000", "evaluations-0001", "evaluations-0002"]
    findings = [(f.check_id, f.unit, f.status) for f in result.findings]
    expected = _old_settle([tuple(e) for e in raw], findings)
    assert list(result.evaluations) == expected
    statuses = Counter(e.status for e in expected)
    assert statuses["waived"] > 0 and statuses["baselined"] > 0
    assert len(result.evaluations) == sum(s.applicable for s in result.per_check.values())
    for check_id, summary in result.per_check.items():
        mine = Counter(e.status for e in expected if e.check_id == check_id)
        assert (summary.passed, summary.failed, summary.units_waived) == (
            mine["passed"],
            mine["failed"],
            mine["waived"],
        )
        assert summary.units_baselined == mine["baselined"]
    # the in-memory audit settles the same way
    assert Engine(specs, settings).audit(load_paths([SAMPLE])).evaluations == result.evaluations


def test_a_lost_partition_has_no_run_file_and_one_internal_error(tmp_path, monkeypatch):
    engine = engine_with_killing_check(tmp_path, monkeypatch, "evalstore_killing_check")
    runs = tmp_path / "runs"
    runs.mkdir()
    spilled = load_spilled([SAMPLE], partitions=3)
    try:
        result = audit_spilled(engine, spilled, 2, start_method="fork", evaluations=runs)
    finally:
        spilled.close()
    lost = partition_of("P001", 3)
    files = sorted(p.name for p in runs.iterdir())
    assert files == [f"evaluations-{n:04d}" for n in range(3) if n != lost]
    unit = f"partition {lost + 1} of 3"
    assert [e for e in result.evaluations if e.check_id == "BHI-ENGINE"] == [
        Evaluation("BHI-ENGINE", unit, "internal-error")
    ]
    assert not any(e.unit == "P001" for e in result.evaluations)
    assert len(result.evaluations) == sum(s.applicable for s in result.per_check.values())
    evaluations = list(result.evaluations)
    assert evaluations == sorted(evaluations, key=lambda e: (e.check_id, e.unit))


def _watch_directories(monkeypatch) -> list[Path]:
    made: list[Path] = []
    real = cli.evaluations_directory

    def watched(beside: Path) -> Path:
        made.append(real(beside))
        return made[-1]

    monkeypatch.setattr(cli, "evaluations_directory", watched)
    return made


def test_check_removes_its_evaluation_files_when_it_ends(runner, tmp_path, monkeypatch):
    made = _watch_directories(monkeypatch)
    seen: list[list[str]] = []
    real_render = cli.REPORTERS["junit"]

    def render(result, out):
        seen.append(sorted(p.name for p in made[0].iterdir()))
        return real_render(result, out)

    monkeypatch.setitem(cli.REPORTERS, "junit", render)
    out = tmp_path / "report.xml"
    done = runner.invoke(main, ["check", str(SAMPLE), "--format", "junit", "-o", str(out)])
    assert done.exit_code == 1, done.stderr
    # there while the report was written: the run, and its copy redacted (junit's default)
    [(run, redacted)] = seen
    assert run == "evaluations-0000" and redacted.startswith("evaluations-")
    assert len(made) == 1 and not made[0].exists()


def test_check_removes_its_evaluation_files_after_an_error(runner, tmp_path, monkeypatch):
    made = _watch_directories(monkeypatch)

    def broken(result, out):
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(cli.REPORTERS, "junit", broken)
    out = tmp_path / "report.xml"
    done = runner.invoke(main, ["check", str(SAMPLE), "--format", "junit", "-o", str(out)])
    assert done.exit_code == 2
    assert "Traceback" not in done.stderr
    assert len(made) == 1 and not made[0].exists()
