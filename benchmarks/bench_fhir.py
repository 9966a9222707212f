"""Benchmark the FHIR loader: direct mapping vs fhir.resources validation, and peak memory.

Generates a synthetic Bulk Data export (one ``<Type>.ndjson`` per resource type) of a
practice's year, then times, each in a fresh subprocess so peak RSS is its own:

- ``direct``: stream + map + resolve every resource (what ``bhi-audit check`` does);
- ``validate``: ``fhir.resources`` R4B model validation alone, on a sample;
- ``direct+validate``: what ``bhi-audit check --fhir-validate`` does (on the quarter export);
- ``unused``: an export of only resource types bhi-audit does not use (Condition), to show
  that streaming keeps memory flat in file size (only records kept for the audit grow it).

Usage: ``python benchmarks/bench_fhir.py [--patients 5000] [--sample 5000]``.
Numbers go to docs/fhir.md. Speed is measured here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PG = "urn:bhi-audit:program"


def _cc(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _npi(prefix: str) -> str:
    from bhi_audit.models import _valid_npi

    return next(prefix + str(d) for d in range(10) if _valid_npi(prefix + str(d)))


def generate(directory: Path, patients: int) -> int:
    """Write a synthetic export; return the number of resources written."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        name: (directory / f"{name}.ndjson").open("w", encoding="utf-8")
        for name in (
            "Patient",
            "Practitioner",
            "PractitionerRole",
            "Consent",
            "Observation",
            "Encounter",
            "Procedure",
            "Condition",
        )
    }
    count = 0

    def write(resource: dict[str, Any]) -> None:
        nonlocal count
        files[resource["resourceType"]].write(json.dumps(resource, separators=(",", ":")) + "\n")
        count += 1

    staff = 40
    for s in range(staff):
        sid = f"S{s}"
        write(
            {
                "resourceType": "Practitioner",
                "id": sid,
                "identifier": [
                    {"system": "http://hl7.org/fhir/sid/us-npi", "value": _npi(f"1{s:08d}")}
                ],
                "name": [{"family": f"Staff{s}", "given": ["Synthetic"]}],
            }
        )
        role = "billing_practitioner" if s % 4 == 0 else "bhcm"
        write(
            {
                "resourceType": "PractitionerRole",
                "id": f"R{s}",
                "practitioner": {"reference": f"Practitioner/{sid}"},
                "code": [_cc("urn:bhi-audit:role", role)],
            }
        )
    for p in range(patients):
        pid = f"P{p}"
        cm = f"Practitioner/S{1 + (p % 10) * 4 % staff}"
        write(
            {
                "resourceType": "Patient",
                "id": pid,
                "birthDate": "1950-01-01",
                "name": [{"family": f"Patient{p}", "given": ["Synthetic"]}],
                "identifier": [
                    {"system": "http://hl7.org/fhir/sid/us-mbi", "value": f"1EG4TE5MK{p:06d}"}
                ],
            }
        )
        write(
            {
                "resourceType": "Consent",
                "id": f"C{p}",
                "status": "active",
                "scope": _cc("http://terminology.hl7.org/CodeSystem/consentscope", "treatment"),
                "category": [_cc(PG, "COCM"), _cc("urn:bhi-audit:consent-method", "verbal")],
                "patient": {"reference": f"Patient/{pid}"},
                "dateTime": "2026-01-05",
            }
        )
        write(
            {
                "resourceType": "Encounter",
                "id": f"E{p}",
                "status": "finished",
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "AMB",
                },
                "type": [_cc("http://www.ama-assn.org/go/cpt", "99214")],
                "subject": {"reference": f"Patient/{pid}"},
                "period": {"start": "2026-01-05"},
            }
        )
        write(
            {
                "resourceType": "Condition",
                "id": f"D{p}",
                "subject": {"reference": f"Patient/{pid}"},
                "code": _cc("http://hl7.org/fhir/sid/icd-10-cm", "F32.1"),
            }
        )
        for month in range(1, 13):
            day = f"2026-{month:02d}-10"
            write(
                {
                    "resourceType": "Observation",
                    "id": f"O{p}-{month}",
                    "status": "final",
                    "code": _cc("http://loinc.org", "44261-6"),
                    "subject": {"reference": f"Patient/{pid}"},
                    "effectiveDateTime": day,
                    "valueString" if month % 2 else "valueInteger": str(10) if month % 2 else 10,
                }
            )
            write(
                {
                    "resourceType": "Observation",
                    "id": f"H{p}-{month}",
                    "status": "final",
                    "code": _cc("http://loinc.org", "8867-4"),
                    "subject": {"reference": f"Patient/{pid}"},
                    "effectiveDateTime": day,
                    "valueQuantity": {"value": 70, "unit": "/min"},
                }
            )
            for k in range(2):
                write(
                    {
                        "resourceType": "Procedure",
                        "id": f"T{p}-{month}-{k}",
                        "status": "completed",
                        "category": _cc("urn:bhi-audit:category", "care-management-time"),
                        "code": {"coding": [{"system": PG, "code": "COCM"}], "text": "call"},
                        "subject": {"reference": f"Patient/{pid}"},
                        "performer": [{"actor": {"reference": cm}}],
                        "performedPeriod": {
                            "start": f"{day}T10:00:00-05:00",
                            "end": f"{day}T10:25:00-05:00",
                        },
                    }
                )
    for handle in files.values():
        handle.close()
    return count


def generate_unused(directory: Path, count: int) -> int:
    """An export of Conditions only: read and counted, never kept."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "Condition.ndjson").open("w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(
                json.dumps(
                    {
                        "resourceType": "Condition",
                        "id": f"D{i}",
                        "subject": {"reference": f"Patient/P{i}"},
                        "code": _cc("http://hl7.org/fhir/sid/icd-10-cm", "F32.1"),
                    }
                )
                + "\n"
            )
    return count


def worker(mode: str, directory: Path, sample: int) -> dict[str, Any]:
    """Run one measurement in this process and return its numbers."""
    from bhi_audit.loaders.bundle import BundleBuilder
    from bhi_audit.loaders.fhir import FhirSession

    files = sorted(directory.glob("*.ndjson"))
    start, cpu = time.perf_counter(), time.process_time()
    if mode == "validate":
        from bhi_audit.loaders.fhir_validate import make_validator

        validate = make_validator()
        done = problems = 0
        share = max(1, sample // len(files))  # the same number of each resource type
        for path in files:
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle):
                    if number >= share:
                        break
                    problems += bool(validate(json.loads(line)))
                    done += 1
        resources, extra = done, {"invalid": problems}
    else:
        validator = None
        if mode == "direct+validate":
            from bhi_audit.loaders.fhir_validate import make_validator

            validator = make_validator()
        builder = BundleBuilder()
        session = FhirSession(validator=validator)
        for path in files:
            session.load_ndjson(path, path.name, builder)
        session.finish(builder)
        resources = sum(builder.read.values())
        extra = {
            "records": sum(len(v) for v in builder.records.values()),
            "rejected": len(builder.rejected),
            "not_used": sum(builder.not_used.values()),
        }
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "mode": mode,
        "resources": resources,
        "seconds": round(seconds, 2),
        "per_second": round(resources / seconds),
        "cpu_seconds": round(cpu, 2),
        # NOTE: per CPU second too: the benchmark machine is shared, so wall time varies.
        "per_cpu_second": round(resources / cpu),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        **extra,
    }


def measure(mode: str, directory: Path, sample: int) -> dict[str, Any]:
    """Run :func:`worker` in a fresh interpreter (its own peak RSS)."""
    output = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(directory), "--sample", str(sample)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def main() -> None:
    """Generate the exports and print one line of numbers per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]), args.sample)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export"
        total = generate(export, args.patients)
        size = sum(p.stat().st_size for p in export.glob("*.ndjson")) / 2**20
        print(f"export: {total} resources, {size:.0f} MiB, {args.patients} patients")
        small = Path(tmp) / "small"
        generate(small, max(1, args.patients // 4))
        for mode, directory in (
            ("direct", export),
            ("direct", small),
            ("validate", export),
            ("direct+validate", small),
        ):
            print(json.dumps(measure(mode, directory, args.sample)))
        for count in (total // 4, total):
            unused = Path(tmp) / f"unused-{count}"
            generate_unused(unused, count)
            print(json.dumps(measure("unused", unused, args.sample)))


if __name__ == "__main__":
    main()
