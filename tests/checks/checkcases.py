"""Shared helpers for the check tests: where fixtures live, how to run one, how to compare.

Every check test runs a fixture bundle through the real loader and engine with only that
check selected, and compares the exact set of ``(claim_id, line_number, check_id, label)``,
where ``label`` is the finding's variant, or its outcome (``violation``/``unverifiable``) when
the check has no variants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel

from bhi_audit.engine import AuditSettings
from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures"

Key = tuple[str | None, int | None, str, str]


def audit_fixture(
    check: ModuleType, fixture: str, options: Mapping[str, object] | None = None
) -> AuditResult:
    """Audit ``fixtures/<check module>/<fixture>`` with only ``check`` selected."""
    settings = None
    if options is not None:
        model: type[BaseModel] = check.Options
        settings = AuditSettings(options={check.ID: model(**options)})
    path = FIXTURES / check.__name__.rsplit(".", 1)[-1] / fixture
    return run_audit(path, select=[check.ID], settings=settings)


def observed(result: AuditResult) -> set[Key]:
    """The findings as comparable tuples."""
    return {
        (f.claim_id, f.line_number, f.check_id, f.variant or f.outcome.value)
        for f in result.findings
    }


def fixture_names(check: ModuleType) -> set[str]:
    """Every fixture file of a check (so a test can prove none is left untested)."""
    folder = FIXTURES / check.__name__.rsplit(".", 1)[-1]
    return {p.name for p in folder.glob("*.json")}


def case_ids(cases: Iterable[tuple[object, ...]]) -> list[str]:
    """Readable parametrize ids: the fixture name without ``.json``."""
    return [str(case[0]).removesuffix(".json") for case in cases]


def labelled_keys(result: AuditResult) -> set[tuple[object, ...]]:
    """(claim id or JSON pointer, line, check, variant or severity, outcome) per finding."""
    return {
        (
            f.claim_id or f.location.split("#")[-1],
            f.line_number,
            f.check_id,
            f.variant or f.severity.value,
            f.outcome.value,
        )
        for f in result.findings
    }
