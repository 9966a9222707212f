"""Shared test helpers: run the real loader and engine on fixture bundles, and the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bhi_audit.engine import AuditSettings, Engine
from bhi_audit.loaders import load_paths
from bhi_audit.registry import load_registry
from bhi_audit.result import AuditResult

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_claims"


def run_audit(
    *paths: Path, select: Iterable[str] = (), settings: AuditSettings | None = None
) -> AuditResult:
    """Load ``paths`` with the real loaders and audit them with the selected built-in checks."""
    registry = load_registry(plugins=False)
    engine = Engine(registry.select(list(select)), settings)
    return engine.audit(load_paths(list(paths)))


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
