"""The benchmark's fair floor types what the record models type (benchmarks/bench_scale.py).

Why tested: the audit ÷ floor ratio of issue 12 is only fair while the floor reads the same
files and types the same columns as the audit; a model gaining a date or number column must
move the floor with it. Nothing here is timed.
"""

from __future__ import annotations

import csv
import importlib.util
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.generator import GenerateSpec, generate

from conftest import REPO


def load_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_scale", REPO / "benchmarks" / "bench_scale.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("practice")
    generate(GenerateSpec(patients=20, months=3, seed=2), out)
    return out


def test_column_types_follow_the_models():
    plan = load_bench().column_types()
    assert plan["claim_lines"] == {
        "line_number": "int",
        "units": "int",
        "date_of_service": "date",
        "charge": "Decimal",
        "paid_amount": "Decimal",
    }
    assert plan["time_entries"] == {
        "date": "date",
        "minutes": "int",
        "start_time": "time",
        "end_time": "time",
    }
    assert plan["patients"] == {"dob": "date", "qmb": "bool"}


def test_csv_floor_reads_every_row(practice):
    bench = load_bench()
    rows = bench.floor_csv(practice, bench.column_types())
    assert rows == bench.count_rows(practice)
    with (practice / "claim_lines.csv").open(newline="", encoding="utf-8") as handle:
        assert rows > sum(1 for _ in csv.reader(handle)) - 1 > 0


def header_of(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_csv_floor_converts_each_typed_column(practice):
    bench = load_bench()
    parsed = bench.floor_rows(practice / "claim_lines.csv", bench.column_types())
    first = dict(zip(header_of(practice / "claim_lines.csv"), parsed[0], strict=True))
    assert isinstance(first["date_of_service"], date)
    assert isinstance(first["units"], int)
    assert isinstance(first["charge"], Decimal)
    entries = bench.floor_rows(practice / "time_entries.csv", bench.column_types())
    header = header_of(practice / "time_entries.csv")
    timed = [dict(zip(header, row, strict=True)) for row in entries]
    assert any(isinstance(e["start_time"], time) for e in timed)


def test_arrow_floor_reads_as_many_rows(practice):
    pytest.importorskip("pyarrow")
    bench = load_bench()
    assert bench.floor_arrow(practice, bench.column_types()) == bench.count_rows(practice)
