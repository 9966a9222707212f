"""Benchmark what placing JSON records at their line costs (docs/reports.md, "Text report").

Scales the sample's JSON bundle document (``sample_claims/json/sample_practice.json``) by
``--copies`` (ids made unique, so nothing is rejected as a duplicate), then times loading it
(``load_paths``) with the position-tracking parse and with plain ``json.loads`` and no
positions, alternating, best of ``--repeat``; and the parse alone, pretty and minified.

Usage: ``python benchmarks/bench_positions.py [--copies 20] [--repeat 4]``.
Speed is measured here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bhi_audit.loaders.document as document_loader
import bhi_audit.loaders.fhir as fhir_loader
from bhi_audit.loaders import load_paths
from bhi_audit.loaders.positions import load_json

SAMPLE = Path(__file__).resolve().parent.parent / "sample_claims" / "json" / "sample_practice.json"
ID_FIELDS = ("patient_id", "claim_id", "entry_id", "consent_id", "visit_id", "assessment_id")
ID_FIELDS += ("plan_id", "review_id", "enrollment_id", "episode_id")


def scaled(copies: int) -> dict[str, Any]:
    """The sample document with every record list repeated ``copies`` times, ids suffixed."""
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for kind, records in document.items():
        if not isinstance(records, list) or kind in ("period", "staff"):
            out[kind] = records
            continue
        out[kind] = [
            {k: f"{v}-{n}" if k in ID_FIELDS else v for k, v in record.items()}
            for n in range(copies)
            for record in records
        ]
    return out


def best(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def plain(text: str, parse_float: Callable[[str], Any] | None = None) -> tuple[Any, dict[str, Any]]:
    return json.loads(text, parse_float=parse_float), {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args()
    document = scaled(args.copies)
    records = sum(len(v) for v in document.values() if isinstance(v, list))
    for layout, indent in (("pretty", 2), ("minified", None)):
        text = json.dumps(document, indent=indent)
        loads = best(args.repeat, lambda: json.loads(text, parse_float=str))  # noqa: B023
        located = best(args.repeat, lambda: load_json(text, parse_float=str))  # noqa: B023
        print(
            f"parse {layout} {len(text) / 1e6:.1f} MB, {records} records: "
            f"json.loads {loads:.3f}s, load_json {located:.3f}s"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.json"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        timings: dict[str, list[float]] = {"positions": [], "json.loads": []}
        for _ in range(args.repeat):
            for name, parse in (("positions", load_json), ("json.loads", plain)):
                document_loader.load_json = fhir_loader.load_json = parse  # type: ignore[assignment]
                timings[name].append(best(1, lambda: load_paths([path])))
        document_loader.load_json = fhir_loader.load_json = load_json
    with_positions, without = min(timings["positions"]), min(timings["json.loads"])
    print(
        f"load_paths {records} records: with positions {with_positions:.3f}s, "
        f"json.loads without positions {without:.3f}s "
        f"({(with_positions - without) / without * 100:+.1f}%)"
    )


if __name__ == "__main__":
    main()
