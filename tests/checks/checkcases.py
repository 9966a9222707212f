"""Shared helpers for the check tests: where fixtures live, how to run one, how to compare.

Every check test runs a fixture bundle through the real loader and engine with only that
check selected, and compares the exact set of ``(claim_id, line_number, check_id, label)``,
where ``label`` is the finding's variant, or its outcome (``violation``/``unverifiable``) when
the check has no variants.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel

from bhi_audit.engine import AuditSettings
from bhi_audit.policy.packs import import_pack, install, load_packs, pack_toml
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


def install_pack(tmp_path: Path, kind: str, source: Path, year: int = 2027) -> str:
    """Import a CMS-layout ``source`` as a ``kind`` pack (Q1 of ``year``), install it; its label.

    Written into ``tmp_path/packs`` and read back as a run would, so the test exercises the
    pack file, not only the importer. Callers remove it afterwards with ``install(())``.
    """
    pack = import_pack(kind, [source], year, 1)
    folder = tmp_path / "packs"
    folder.mkdir(exist_ok=True)
    (folder / f"{pack.name}.toml").write_text(pack_toml(pack), encoding="utf-8")
    install(load_packs([folder]))
    return pack.label


def practitioner_lines_bundle(
    tmp_path: Path, lines: Iterable[tuple[str, str, str, str, Mapping[str, object]]]
) -> Path:
    """A bundle document of P1's claims by D1/D2: ``(claim, practitioner, code, date, fields)``.

    One claim line per tuple, numbered in order, each with the extra ``fields`` (units,
    modifiers); every claim points to F32.1 so only the check under test has a say.
    """
    rows = list(lines)
    claims = sorted({(claim, practitioner) for claim, practitioner, *_ in rows})
    document = {
        "staff": [
            {"staff_id": s, "roles": ["billing_practitioner"], "practitioner_type": "physician"}
            for s in ("D1", "D2")
        ],
        "patients": [{"patient_id": "P1"}],
        "claims": [
            {"claim_id": c, "patient_id": "P1", "billing_practitioner": d, "diagnoses": ["F32.1"]}
            for c, d in claims
        ],
        "claim_lines": [
            {
                "claim_id": claim,
                "line_number": number,
                "code": code,
                **fields,
                "date_of_service": day,
                "diagnosis_pointers": [1],
            }
            for number, (claim, _, code, day, fields) in enumerate(rows, start=1)
        ],
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
