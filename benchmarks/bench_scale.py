"""Scale benchmark: generate practices, audit them end to end, print speed and peak memory.

Not a test: speed is measured here, never asserted in the test suite.

    python benchmarks/bench_scale.py                 # 1k and 10k patients x 12 months
    python benchmarks/bench_scale.py --sizes 1000,10000,100000 --jobs 1,2

For each size it reports: records, the parse-only floor (reading every CSV row with the csv
module, no validation), and the full audit (load -> validate -> checks -> JSON report) run as
a separate `bhi-audit check` process: wall and CPU seconds, records/s, patient-months/s and
peak memory (summed PSS of the process and its --jobs workers).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
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


def _tree(root: int) -> list[int]:
    """``root`` and every process descended from it (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _pss_kib(pids: list[int]) -> int:
    """Proportional set size of the processes, summed: shared pages counted once overall."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    return total


def run_child(args: list[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, exit code and peak memory (KiB) of a child and its workers.

    Peak memory is the largest sum of PSS over the child's process tree, sampled every 0.1 s
    (``--jobs`` workers included; ``ru_maxrss`` would give only the largest single process).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _pss_kib(_tree(child.pid)))
        time.sleep(0.1)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, child.returncode, peak


def _patient_months(report: Path) -> int:
    """``totals.patient_months`` of a JSON report, read from its tail.

    NOTE: not ``json.loads``: a 100,000-patient report is about 2 GB. Keys are sorted, so the
    last ``patient_months`` in the file is the one in ``totals`` (after ``comparison``).
    """
    with report.open("rb") as handle:
        handle.seek(max(0, report.stat().st_size - (1 << 20)))
        tail = handle.read().decode("utf-8", errors="replace")
    return int(re.findall(r'"patient_months": (\d+)', tail)[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    options = parser.parse_args()
    exe = [sys.executable, "-m", "bhi_audit"]
    print(f"# {platform.platform()}, {os.cpu_count()} cpu, Python {platform.python_version()}")
    print("patients  records  floor_s  jobs  audit_s  cpu_s  records/s  pm/s  peak_MiB  exit")
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
        for jobs in [int(j) for j in options.jobs.split(",")]:
            args = [*exe, "check", str(out), "--format", "json", "--output", str(base / "r.json")]
            if jobs != 1:
                args += ["--jobs", str(jobs)]
            wall, cpu, code, peak = run_child(args)
            months = _patient_months(base / "r.json")
            print(
                f"{size:>8} {records:>8} {floor:>8.2f} {jobs:>5} {wall:>8.2f} {cpu:>6.1f} "
                f"{records / wall:>10.0f} {months / wall:>5.0f} {peak / 1024:>9.0f} {code:>5}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
