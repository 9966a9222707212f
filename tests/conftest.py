"""Shared test helpers: run the real loader and engine on fixture bundles, and the CLI."""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings as hypothesis_settings

from bhi_audit.engine import AuditSettings, Engine
from bhi_audit.loaders import load_paths
from bhi_audit.registry import load_registry, spec_from_module
from bhi_audit.result import AuditResult

# NOTE: no deadlines (a loaded CI machine is not a failing test) and derandomized examples, so
# a property test fails the same way on every run instead of flaking; bugs found while
# exploring are pinned with @example.
hypothesis_settings.register_profile("bhi-audit", deadline=None, derandomize=True)
hypothesis_settings.load_profile("bhi-audit")

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_claims"


def run_audit(
    *paths: Path, select: Iterable[str] = (), settings: AuditSettings | None = None
) -> AuditResult:
    """Load ``paths`` with the real loaders and audit them with the selected built-in checks."""
    registry = load_registry(plugins=False)
    engine = Engine(registry.select(list(select)), settings)
    return engine.audit(load_paths(list(paths)))


class EngineFailingOn(Engine):
    """An engine whose audit of one partition raises outside any check (an engine bug)."""

    def __init__(self, specs, partition: int) -> None:
        super().__init__(specs)
        self.failing = partition

    def audit_partition(self, batch, partition=0, partitions=1, progress=None, index=None):
        if partition == self.failing:
            raise MemoryError("patient P001 and more")  # its message must never be shown
        return super().audit_partition(batch, partition, partitions, progress, index)


def every_report(result: AuditResult) -> dict[str, str]:
    """Every report format of one result, by name, plus the JSON report with every evaluation.

    Why here: the runners (``--jobs``, the streamed audit, Dask, Spark) promise the same bytes
    as one process in every format; the default JSON report lists only the evaluations that did
    not pass, so ``json-all`` (``--evaluations all``) also compares every pass.
    """
    from bhi_audit.reporters import REPORTERS
    from bhi_audit.reporters.json_report import render

    rendered = {}
    for name, reporter in sorted(REPORTERS.items()):
        out = io.StringIO()
        reporter(result, out)
        rendered[name] = out.getvalue()
    out = io.StringIO()
    render(result, out, evaluations="all")
    rendered["json-all"] = out.getvalue()
    return rendered


def sample_partition_size(partition: int, partitions: int = 2) -> int:
    """How many of the sample practice's patients a partition (0-based) holds."""
    from bhi_audit.context import partition_of

    bundle = load_paths([SAMPLE])
    patients = {
        pid
        for records in bundle.records.values()
        for record in records
        if isinstance(pid := getattr(record, "patient_id", None), str)
    }
    return sum(1 for p in patients if partition_of(p, partitions) == partition)


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner."""
    return CliRunner()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden``: rewrite reporter golden files instead of comparing (review the diff)."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/reporters/golden/* from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether this run refreshes golden files."""
    return bool(request.config.getoption("--update-golden"))


# ---------------------------------------------------------------- shared by the core tests

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: A small clean CSV bundle (two general-BHI patient-months, nothing to find).
CLEAN_BUNDLE = FIXTURES / "clean"
#: The same kind of practice as one JSON document, with one BHI-TIME-001 error (P3).
ERRORS_DOCUMENT = FIXTURES / "errors.json"
#: Checks whose exact output the core tests pin (other checks have their own tests): the
#: fixtures above are clean under them except for P3's minutes.
BASIC_CHECKS = ("BHI-DATA-001", "BHI-CONS-001", "BHI-TIME-001")


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    """A writable copy of the clean CSV bundle, to be edited by a test."""
    target = tmp_path / "bundle"
    target.mkdir()
    for source in sorted(CLEAN_BUNDLE.glob("*.csv")):
        (target / source.name).write_bytes(source.read_bytes())
    return target


def lines_of(text: str) -> list[str]:
    """Non-empty lines of a CLI output."""
    return [line for line in text.splitlines() if line.strip()]


#: A check that SIGKILLs its own process on patient P001: a worker dying mid-run.
KILLING_CHECK = '''"""Test check: kills its own process on patient P001.

Why: a worker that dies mid-run (tests/conftest.py, engine_with_killing_check).
Source: none; a synthetic test check.
Passes: every other patient.
Fails: patient P001, where its process is killed.
"""

import os
import signal

ID = "TEST-KILL-001"
NAME = "killing-check"
SCOPE = "patient"
DEFAULT_SEVERITY = "error"


def check(unit, options):
    """Kill this process on P001."""
    if unit.patient_id == "P001":
        os.kill(os.getpid(), signal.SIGKILL)
    yield from ()
'''


def engine_with_killing_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Engine:
    """The built-in checks plus :data:`KILLING_CHECK`, written as a module called ``name``.

    Importable by name, as spawned workers need (docs/performance.md); each test gives its own
    name, since an imported module stays in ``sys.modules``.
    """
    (tmp_path / f"{name}.py").write_text(KILLING_CHECK, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module(name)
    return Engine([*load_registry(plugins=False).specs, spec_from_module(module, "test")])


@pytest.fixture(scope="session")
def small_practice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 40-patient, 4-month practice with defects: the runners' second input
    beside the sample (tests/test_distributed.py, tests/test_spark.py)."""
    from bhi_audit.generator import GenerateSpec, generate

    out = tmp_path_factory.mktemp("practice")
    generate(GenerateSpec(patients=40, months=4, seed=3, defect_rate=0.25), out)
    return out
