"""Scale benchmark: generate practices, audit them end to end, print speed and peak memory.

Not a test: speed is measured here, never asserted in the test suite.

    python benchmarks/bench_scale.py                 # 1k and 10k patients x 12 months
    python benchmarks/bench_scale.py --sizes 1000,10000,100000 --jobs 1,2

For each size it reports: records; the **fair floor** (issue 12): the same CSV files read and
typed (dates, times, whole numbers, amounts, flags, as the record models type them) in a
separate process, once with the csv module into tuples and once with pyarrow into an Arrow
table (``pip install .[bench]``; "-" without it), as CPU seconds; and the full audit (load ->
validate -> checks -> JSON report) run as a separate `bhi-audit check` process: wall and CPU
seconds, records/s, patient-months/s, peak memory (summed PSS of the process and its --jobs
workers), its CPU seconds divided by each floor's, and whether each ``--jobs`` value wrote the
same report, byte for byte, as the first one listed (``same``; the runs of one size share the
day's date as their run date).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
import typing
from datetime import date
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path


def column_types() -> dict[str, dict[str, str]]:
    """File stem -> column -> ``date``/``time``/``int``/``Decimal``/``bool``, from the models.

    Only scalar columns: a list column (``diagnosis_pointers``, ``roles``) stays text in both
    floors. Read from the record models so that the floor types what the audit types.
    """
    from bhi_audit.models import KIND_BY_NAME

    def scalar(annotation: object) -> str | None:
        if annotation in (bool, int, date, dtime, Decimal):
            return annotation.__name__
        if typing.get_origin(annotation) in (list, tuple, frozenset, set):
            return None
        return next(filter(None, map(scalar, typing.get_args(annotation))), None)

    plan: dict[str, dict[str, str]] = {}
    for kind, model in KIND_BY_NAME.items():
        columns = {}
        for name, info in model.model_fields.items():
            found = scalar(info.annotation)
            if found:
                columns[info.alias or name] = found
        plan[kind] = columns
    return plan


def count_rows(directory: Path) -> int:
    """Rows of every CSV file in ``directory`` (headers left out)."""
    rows = 0
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows += sum(1 for _ in csv.reader(handle)) - 1
    return rows


def _flag(text: str) -> bool:
    return text.strip().lower() in ("true", "yes", "y", "1")


def floor_rows(path: Path, plan: dict[str, dict[str, str]]) -> list[tuple[object, ...]]:
    """Every row of one CSV file as a tuple, its typed columns converted (empty: None)."""
    parse = {
        "date": date.fromisoformat,
        "time": dtime.fromisoformat,
        "int": int,
        "Decimal": Decimal,
        "bool": _flag,
    }
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        types = plan.get(path.stem, {})
        typed = [(i, parse[types[c]]) for i, c in enumerate(header) if c in types]
        rows: list[tuple[object, ...]] = []
        for row in reader:
            values: list[object] = list(row)
            for i, convert in typed:
                values[i] = convert(row[i]) if row[i] else None
            rows.append(tuple(values))
    return rows


def floor_csv(directory: Path, plan: dict[str, dict[str, str]]) -> int:
    """Read and type every row of every CSV file into tuples, kept; the number of rows."""
    kept = [floor_rows(path, plan) for path in sorted(directory.glob("*.csv"))]
    return sum(len(rows) for rows in kept)


def floor_arrow(directory: Path, plan: dict[str, dict[str, str]]) -> int:
    """Read and type every CSV file into an Arrow table with pyarrow; the number of rows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrow = {
        "date": pa.date32(),
        "time": pa.time32("s"),
        "int": pa.int64(),
        "Decimal": pa.decimal128(18, 2),
        "bool": pa.bool_(),
    }
    tables = []
    for path in sorted(directory.glob("*.csv")):
        types = {c: arrow[t] for c, t in plan.get(path.stem, {}).items()}
        options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=False)
        tables.append(pacsv.read_csv(path, convert_options=options))
    return sum(t.num_rows for t in tables)


def run_floor(kind: str, directory: Path, plan_file: Path) -> tuple[float, int] | None:
    """CPU seconds of a separate process running one floor over ``directory`` (None: no pyarrow)."""
    if kind == "arrow" and importlib.util.find_spec("pyarrow") is None:
        return None
    args = [sys.executable, __file__, "--floor", kind, "--plan", str(plan_file), str(directory)]
    _wall, cpu, code, _peak = run_child(args)
    if code != 0:
        raise SystemExit(f"the {kind} floor failed (exit {code})")
    return cpu, code


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

    NOTE: not ``json.loads``: a 100,000-patient report is hundreds of MB (about 2 GB with
    ``--evaluations all``). Keys are sorted, so the last ``patient_months`` in the file is the
    one in ``totals`` (after ``comparison``).
    """
    with report.open("rb") as handle:
        handle.seek(max(0, report.stat().st_size - (1 << 20)))
        tail = handle.read().decode("utf-8", errors="replace")
    return int(re.findall(r'"patient_months": (\d+)', tail)[-1])


def _ratio(cpu: float, floor: tuple[float, int] | None) -> str:
    return f"{cpu / floor[0]:.0f}x" if floor and floor[0] > 0 else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--floor", choices=["csv", "arrow"], help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("directory", nargs="?", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.floor:  # NOTE: the child process of run_floor
        plan = json.loads(options.plan.read_text(encoding="utf-8"))
        read = floor_csv if options.floor == "csv" else floor_arrow
        print(read(options.directory, plan))
        return 0
    from bhi_audit.loaders.bundle import sha256_of  # NOTE: not in the floors' processes

    exe = [sys.executable, "-m", "bhi_audit"]
    print(f"# {platform.platform()}, {os.cpu_count()} cpu, Python {platform.python_version()}")
    print(
        "patients  records  csv_cpu  arrow_cpu  jobs  audit_s  cpu_s  records/s  pm/s  "
        "peak_MiB  exit  cpu/csv  cpu/arrow  same"
    )
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
        records = count_rows(out)
        plan_file = base / "column_types.json"
        plan_file.write_text(json.dumps(column_types(), sort_keys=True), encoding="utf-8")
        csv_floor = run_floor("csv", out, plan_file)
        arrow_floor = run_floor("arrow", out, plan_file)
        csv_text = f"{csv_floor[0]:.2f}" if csv_floor else "-"
        arrow_text = f"{arrow_floor[0]:.2f}" if arrow_floor else "-"
        first: str | None = None
        for jobs in [int(j) for j in options.jobs.split(",")]:
            args = [*exe, "check", str(out), "--format", "json", "--output", str(base / "r.json")]
            if jobs != 1:
                args += ["--jobs", str(jobs)]
            wall, cpu, code, peak = run_child(args)
            months = _patient_months(base / "r.json")
            # NOTE: every --jobs value must write the same bytes; "same" compares each report
            # with the first of this size ("-" for the first itself).
            digest = sha256_of(base / "r.json")
            same = "-" if first is None else ("yes" if digest == first else "NO")
            first = first or digest
            print(
                f"{size:>8} {records:>8} {csv_text:>8} {arrow_text:>10} {jobs:>5} {wall:>8.2f} "
                f"{cpu:>6.1f} {records / wall:>10.0f} {months / wall:>5.0f} {peak / 1024:>9.0f} "
                f"{code:>5} {_ratio(cpu, csv_floor):>8} {_ratio(cpu, arrow_floor):>10} {same:>5}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
