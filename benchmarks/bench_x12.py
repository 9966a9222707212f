"""Benchmark 837P reading: the focused streaming reader vs pyx12 4.x.

Generates synthetic 837P files with bhi_audit's own writer (20,000 claims by default, and a
five times larger one to show that memory does not grow with the file), then measures, each
in a fresh child process so that peak RSS (``resource.getrusage``) belongs to that step alone:

- ``baseline``: only the imports every other step makes (Python, pydantic, bhi_audit);
- ``reader``: bhi_audit.loaders.x12_reader.read_837 (extraction only, claims discarded);
- ``load``: the whole X12 loader into a bundle, joined with patients and staff (pydantic
  validation of every claim and line; the bundle keeps every record, so memory grows);
- ``pyx12``: pyx12.x12n_document validation of the same file (no outputs but JSON errors).

Usage: ``python benchmarks/bench_x12.py [--claims 20000] [--skip-pyx12] [--workdir DIR]``.
Prints one line per measurement and a JSON summary. Claims per CPU-second (process time) is
the figure to compare: on a shared machine wall time also counts other processes' turns.
Speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bhi_audit.models import Claim, ClaimLine  # noqa: E402
from bhi_audit.writers.x12 import ClaimDocument, write_837  # noqa: E402

CODES = [("99492", "160.32"), ("99493", "128.44"), ("99494", "58.90"), ("99484", "48.24")]
PATIENTS = 2000
PRACTITIONERS = 20


def npi_with_check_digit(nine: str) -> str:
    """A valid NPI from nine digits (Luhn over ``80840`` + the digits)."""
    digits = [int(c) for c in "80840" + nine]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return nine + str((10 - (total + 0) % 10) % 10)


def practitioner_npi(index: int) -> str:
    return npi_with_check_digit(f"{100000000 + index:09d}")


def member_id(index: int) -> str:
    return f"1EG4TE{index:05d}"


def documents(count: int, seed: int = 7) -> Iterator[ClaimDocument]:
    """``count`` synthetic claims (1-2 lines each), generated lazily."""
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    for number in range(1, count + 1):
        claim_id = f"C{number:07d}"
        patient = rng.randrange(PATIENTS)
        practitioner = rng.randrange(PRACTITIONERS)
        day = start + timedelta(days=rng.randrange(300))
        code, charge = rng.choice(CODES)
        lines = [
            ClaimLine(
                claim_id=claim_id,
                line_number=1,
                code=code,
                units=1,
                date_of_service=day,
                diagnosis_pointers=[1],
                charge=Decimal(charge),
            )
        ]
        if rng.random() < 0.5:
            lines.append(
                ClaimLine(
                    claim_id=claim_id,
                    line_number=2,
                    code="99494",
                    units=rng.randint(1, 2),
                    date_of_service=day,
                    diagnosis_pointers=[1, 2],
                    charge=Decimal("58.90"),
                )
            )
        claim = Claim(
            claim_id=claim_id,
            patient_id=f"P{patient}",
            billing_practitioner=f"S{practitioner}",
            place_of_service="11",
            diagnoses=["F32.1", "F41.1"],
        )
        yield ClaimDocument(
            claim=claim,
            lines=tuple(lines),
            member_id=member_id(patient),
            billing_npi=practitioner_npi(practitioner),
            patient_dob=date(1950, 1, 1) + timedelta(days=patient),
        )


def write_docs(path: Path) -> None:
    """The documentation side of the join: patients and staff with Medicare ids and NPIs."""
    document = {
        "patients": [{"patient_id": f"P{i}", "medicare_id": member_id(i)} for i in range(PATIENTS)],
        "staff": [
            {"staff_id": f"S{i}", "npi": practitioner_npi(i), "roles": "billing_practitioner"}
            for i in range(PRACTITIONERS)
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")


def generate(path: Path, claims: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        write_837(documents(claims), out, claims_per_set=5000)


# ------------------------------------------------------------------ child measurements


def measure(mode: str, path: Path, docs: Path) -> dict[str, float]:
    """Run one measurement in this process and return claims, seconds and peak RSS."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    if mode == "baseline":
        import bhi_audit.loaders  # noqa: F401  (what every other mode imports anyway)

        claims = 0
    elif mode == "reader":
        from bhi_audit.loaders.x12_reader import X12Claim, read_837

        claims = sum(1 for event in read_837(path, str(path)) if isinstance(event, X12Claim))
    elif mode == "load":
        from bhi_audit.loaders import load_paths

        bundle = load_paths([path, docs])
        claims = len(bundle.records["claims"]) + sum(
            1 for r in bundle.rejected if r.kind == "claims"
        )
    elif mode == "pyx12":
        import io
        import logging

        import pyx12.params
        import pyx12.x12n_document

        logging.getLogger("pyx12").addHandler(logging.NullHandler())
        logging.getLogger("pyx12").propagate = False
        pyx12.x12n_document.x12n_document(
            pyx12.params.params(), str(path), None, None, None, io.StringIO()
        )
        claims = sum(1 for line in path.open() if line.startswith("CLM"))
    else:
        raise SystemExit(f"unknown mode {mode}")
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "claims": claims,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_rss_mib": peak_kib / 1024,
    }


def run_child(mode: str, path: Path, docs: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(docs)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--skip-pyx12", action="store_true")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--child", nargs=3, metavar=("MODE", "FILE", "DOCS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        mode, path, docs = args.child
        print(json.dumps(measure(mode, Path(path), Path(docs))))
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_x12_"))
    workdir.mkdir(parents=True, exist_ok=True)
    docs = workdir / "docs.json"
    write_docs(docs)
    sizes = [args.claims, args.claims * 5]
    files = {}
    for size in sizes:
        files[size] = workdir / f"batch_{size}.837"
        generate(files[size], size)
    results = []
    plan = [("baseline", sizes[0]), ("reader", sizes[0]), ("reader", sizes[1]), ("load", sizes[0])]
    if not args.skip_pyx12:
        plan.append(("pyx12", sizes[0]))
    for mode, size in plan:
        result = run_child(mode, files[size], docs)
        result.update(
            mode=mode,
            file_mib=files[size].stat().st_size / 2**20,
            claims_per_s=result["claims"] / result["seconds"] if result["claims"] else 0.0,
            claims_per_cpu_s=(
                result["claims"] / result["cpu_seconds"] if result["claims"] else 0.0
            ),
        )
        results.append(result)
        print(
            f"{mode:<7} {int(result['claims']):>7} claims  {result['file_mib']:6.1f} MiB file  "
            f"{result['seconds']:7.2f} s wall {result['cpu_seconds']:7.2f} s CPU  "
            f"{result['claims_per_cpu_s']:9.0f} claims/CPU-s  "
            f"peak RSS {result['peak_rss_mib']:6.1f} MiB"
        )
    print(json.dumps(results, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
