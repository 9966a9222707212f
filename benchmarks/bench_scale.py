"""Scale benchmark: generate practices, audit them end to end, print speed and peak memory.

Not a test: speed is measured here, never asserted in the test suite.

    python benchmarks/bench_scale.py                 # 1k and 10k patients x 12 months
    python benchmarks/bench_scale.py --sizes 1000,10000,100000 --jobs 1,2

For each size it reports: records, the parse-only floor (reading every CSV row with the csv
module, no validation), and the full audit (load -> validate -> checks -> JSON report) run as
a separate `bhi-audit check` process: wall seconds, records/s, patient-months/s and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def parse_floor(directory: Path) -> tuple[float, int]:
    """Seconds to read every row of every CSV file, and the number of rows."""
    start = time.perf_counter()
    rows = 0
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows += sum(1 for _ in csv.reader(handle)) - 1
    return time.perf_counter() - start, rows


def run_child(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak RSS (KiB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    code = subprocess.run(args, stdout=subprocess.DEVNULL, check=False).returncode
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, code, max(peak, before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    options = parser.parse_args()
    exe = [sys.executable, "-m", "bhi_audit"]
    print(f"# {platform.platform()}, {os.cpu_count()} cpu, Python {platform.python_version()}")
    print("patients  records  floor_s  jobs  audit_s  records/s  pm/s  peak_MiB  exit")
    for size in [int(s) for s in options.sizes.split(",")]:
        base = options.keep or Path(tempfile.mkdtemp(prefix="bhi-bench-"))
        out = base / f"p{size}"
        if not (out / "ground_truth.json").exists():
            subprocess.run(
                [
                    *exe,
                    "generate",
                    "--patients",
                    str(size),
                    "--months",
                    str(options.months),
                    "--seed",
                    "1",
                    "--out",
                    str(out),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        floor, records = parse_floor(out)
        truth = json.loads((out / "ground_truth.json").read_text())
        for jobs in [int(j) for j in options.jobs.split(",")]:
            args = [*exe, "check", str(out), "--format", "json", "--output", str(base / "r.json")]
            if jobs != 1:
                args += ["--jobs", str(jobs)]
            wall, code, peak = run_child(args)
            report = json.loads((base / "r.json").read_text())
            months = report["totals"]["patient_months"]
            print(
                f"{size:>8} {records:>8} {floor:>8.2f} {jobs:>5} {wall:>8.2f} "
                f"{records / wall:>10.0f} {months / wall:>5.0f} {peak / 1024:>9.0f} {code:>5}"
            )
        del truth
    return 0


if __name__ == "__main__":
    sys.exit(main())
