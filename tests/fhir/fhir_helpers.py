"""Shared helpers of the FHIR tests: fixture paths, NDJSON writing, record dumps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bhi_audit.loaders import Bundle

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
US_CORE = HERE / "examples" / "us-core"
PRACTICE = FIXTURES / "practice_bundle.json"
CLAIMS_CSV = FIXTURES / "claims_csv"
CLAIM_BUNDLE = FIXTURES / "claim_bundle.json"


def write_ndjson(path: Path, resources: list[Any]) -> Path:
    """Write resources one per line (a Bulk Data file)."""
    path.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    return path


def split_bundle(bundle: Path, directory: Path) -> Path:
    """Write a Bundle's resources as a Bulk Data export: one ``<Type>.ndjson`` per type."""
    by_type: dict[str, list[Any]] = {}
    for entry in json.loads(bundle.read_text(encoding="utf-8"))["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    directory.mkdir(parents=True, exist_ok=True)
    for rtype, resources in by_type.items():
        write_ndjson(directory / f"{rtype}.ndjson", resources)
    return directory


def dump_records(bundle: Bundle) -> dict[str, list[dict[str, Any]]]:
    """Every record as plain data (without its location), by kind."""
    return {
        kind: [r.model_dump(mode="json", exclude_none=True) for r in records]
        for kind, records in sorted(bundle.records.items())
    }
