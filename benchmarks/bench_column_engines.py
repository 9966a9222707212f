"""Which engine should validate CSV columns? Plain Python against pyarrow and polars.

Not a test. Why it exists: issue 12 step 4 asks to pick the column engine by measurement.
For the two largest files of a generated practice (``claim_lines.csv``, ``time_entries.csv``)
it times, per row, in this process, after the CSV rows are in memory:

- ``python``: the loader's own column pass (``bhi_audit.loaders.csv_columns``): every column
  validated and turned into the Python values a record holds, records built;
- ``py-columns``: only its converters, on the columns the libraries type below (no records);
- ``pyarrow`` / ``polars``: only the part a library could take over — the same columns
  trimmed and typed (ids as text, dates, times, whole numbers, amounts) and turned back
  into Python values (``to_pylist``/``to_list``), since records are Python objects. No
  pattern, range or enum check and no record: a lower bound on what a library pass costs.

    python benchmarks/bench_column_engines.py /tmp/bench/p10000

pyarrow comes with ``pip install .[bench]``; polars is not a dependency (``pip install
polars`` to include it); a missing engine is shown as ``-``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib.util
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Column -> type, for the typed columns of the two files measured.
TYPED = {
    "claim_lines": {
        "claim_id": "str",
        "line_number": "int",
        "code": "str",
        "units": "int",
        "date_of_service": "date",
        "charge": "decimal",
    },
    "time_entries": {
        "entry_id": "str",
        "patient_id": "str",
        "staff_id": "str",
        "date": "date",
        "minutes": "int",
        "start_time": "time",
        "end_time": "time",
    },
}


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def python_pass(kind: str, header: list[str], rows: list[list[str]]) -> int:
    """The loader's column pass over every row, in chunks as the loader does."""
    from bhi_audit.loaders.csv_bundle import CHUNK_ROWS
    from bhi_audit.loaders.csv_columns import ColumnValidator
    from bhi_audit.models import KIND_BY_NAME

    validator = ColumnValidator(KIND_BY_NAME[kind])
    validator.set_header(header)
    built = 0
    for start in range(0, len(rows), CHUNK_ROWS):
        built += sum(r is not None for r in validator.validate(rows[start : start + CHUNK_ROWS]))
    return built


def python_columns(kind: str, header: list[str], rows: list[list[str]]) -> int:
    """Only the loader's converters, on the same columns the libraries type (no records)."""
    from bhi_audit.loaders.csv_columns import plan_for
    from bhi_audit.models import KIND_BY_NAME

    plan = plan_for(KIND_BY_NAME[kind])
    values = 0
    for name in TYPED[kind]:
        index = header.index(name)
        values += len(plan.converters[name]()([row[index] for row in rows]))
    return values


def pyarrow_pass(kind: str, header: list[str], rows: list[list[str]]) -> int:
    """Trim and type the typed columns with pyarrow compute; back to Python lists."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = 0
    for name, kind_of in TYPED[kind].items():
        index = header.index(name)
        column = pc.utf8_trim_whitespace(pa.array([row[index] for row in rows], pa.string()))
        column = pc.if_else(pc.equal(column, ""), None, column)
        if kind_of == "date":
            typed = pc.cast(pc.strptime(column, "%Y-%m-%d", "s", error_is_null=True), pa.date32())
        elif kind_of == "time":
            typed = pc.cast(pc.strptime(column, "%H:%M", "s", error_is_null=True), pa.time32("s"))
        elif kind_of == "int":
            typed = pc.cast(column, pa.int64())
        elif kind_of == "decimal":
            typed = pc.cast(column, pa.decimal128(12, 2))
        else:
            typed = column
        values += len(typed.to_pylist())
    return values


def polars_pass(kind: str, header: list[str], rows: list[list[str]]) -> int:
    """Trim and type the typed columns with polars expressions; back to Python lists."""
    import polars as pl

    values = 0
    for name, kind_of in TYPED[kind].items():
        index = header.index(name)
        column = pl.Series(name, [row[index] for row in rows], pl.String).str.strip_chars()
        column = column.replace("", None)
        if kind_of == "date":
            typed = column.str.to_date("%Y-%m-%d", strict=False)
        elif kind_of == "time":
            typed = column.str.to_time("%H:%M", strict=False)
        elif kind_of == "int":
            typed = column.cast(pl.Int64, strict=False)
        elif kind_of == "decimal":
            typed = column.cast(pl.Decimal(12, 2), strict=False)
        else:
            typed = column
        values += len(typed.to_list())
    return values


def timed(function: Callable[..., Any], *args: Any) -> float:
    """CPU seconds of one call, with the collector off (as the loader has it)."""
    gc.collect()
    gc.disable()
    started = time.process_time()
    try:
        function(*args)
    finally:
        gc.enable()
    return time.process_time() - started


def main() -> None:
    """Print microseconds per row of each engine for each file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    engines: dict[str, Callable[..., Any]] = {"python": python_pass, "py-columns": python_columns}
    for name, function in (("pyarrow", pyarrow_pass), ("polars", polars_pass)):
        if importlib.util.find_spec(name) is not None:
            engines[name] = function
    print(f"{'file':<14} {'rows':>7}  " + "  ".join(f"{name:>12}" for name in engines))
    for kind in TYPED:
        header, rows = read(options.directory / f"{kind}.csv")
        cells = []
        for function in engines.values():
            best = min(timed(function, kind, header, rows) for _ in range(options.repeat))
            cells.append(f"{best / len(rows) * 1e6:9.2f} us")
        print(f"{kind:<14} {len(rows):>7}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
