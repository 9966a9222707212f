"""Column validation of CSV rows builds exactly the records the model would, and no others.

The CSV loader proves rows valid a column at a time and builds their records without the
model (bhi_audit/loaders/csv_columns.py); every other row goes through the model. The
reference here is the loader with the column pass switched off, so every row goes through
``BundleBuilder.add_row`` as before: both must give the same records (values, their types,
fields-set, private state, location), the same rejections in the same order, and the same
counts — on the sample practice, a generated one, and a hand-made file per record kind full
of invalid and awkward cells.
"""

from __future__ import annotations

import random
from datetime import date, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic import field_validator, model_validator

from bhi_audit.generator import GenerateSpec, generate
from bhi_audit.loaders import csv_bundle, csv_columns
from bhi_audit.loaders.bundle import BundleBuilder
from bhi_audit.models import KIND_BY_NAME, RECORD_KINDS, Patient, Record

from conftest import SAMPLE

#: Records the column pass built in the last ``load(columns=True)``.
BUILT: list[Record] = []


def load(directory: Path, *, columns: bool) -> BundleBuilder:
    """Load every CSV file of ``directory``, with or without the column pass."""
    builder = BundleBuilder()
    saved = csv_columns.ColumnValidator.validate
    if columns:
        BUILT.clear()

    def counted(self: csv_columns.ColumnValidator, rows: Any) -> list[Record | None]:
        records = saved(self, rows)
        BUILT.extend(record for record in records if record is not None)
        return records

    csv_columns.ColumnValidator.validate = (  # type: ignore[method-assign]
        counted if columns else (lambda self, rows: [None] * len(rows))
    )
    try:
        for path in sorted(directory.glob("*.csv")):
            csv_bundle.load_csv_file(path, path.name, path.stem, builder)
    finally:
        csv_columns.ColumnValidator.validate = saved  # type: ignore[method-assign]
    return builder


def shape(value: Any) -> Any:
    """A value with the exact type of it and of every list item spelled out."""
    if isinstance(value, list):
        return ("list", [shape(item) for item in value])
    return (type(value).__qualname__, value)


def described(record: Record) -> tuple[Any, ...]:
    """Everything observable about a record, types included."""
    return (
        type(record).__name__,
        record.model_dump(),
        {name: shape(value) for name, value in record.__dict__.items()},
        list(record.__dict__),
        sorted(record.__pydantic_fields_set__),
        record.__pydantic_private__,
        record.__pydantic_extra__,
        record.location,
    )


def assert_same_load(directory: Path) -> BundleBuilder:
    """Both paths load ``directory`` identically; returns the column pass's builder."""
    fast = load(directory, columns=True)
    slow = load(directory, columns=False)
    assert fast.records.keys() == slow.records.keys()
    for kind in slow.records:
        assert [described(r) for r in fast.records[kind]] == [
            described(r) for r in slow.records[kind]
        ], kind
        assert fast.records[kind] == slow.records[kind]
    assert fast.rejected == slow.rejected
    assert fast.read == slow.read
    return fast


def test_sample_practice_loads_identically() -> None:
    fast = assert_same_load(SAMPLE)
    assert len(fast.records["claim_lines"]) > 10


def test_generated_practice_loads_identically(tmp_path: Path) -> None:
    generate(GenerateSpec(patients=60, months=12, seed=5, defect_rate=0.3), tmp_path)
    fast = assert_same_load(tmp_path)
    assert sum(map(len, fast.records.values())) > 1000
    assert len(BUILT) == sum(map(len, fast.records.values()))


# ------------------------------------------------------------------ hand-made awkward cells

IDS = [
    "P1",
    "P2",
    " P3 ",
    "C-0001",
    "S1",
    "S2",
    "x" * 128,
    "x" * 129,
    "\uff30\uff11",
    "P\u00a0",
    "é",
]
DATES = [
    "2026-01-05",
    " 2026-02-28 ",
    "2026-02-30",
    "2026-1-5",
    "0001-01-01",
    "1899-12-31",
    "2100-12-31",
    "2101-01-01",
    "05/01/2026",
    "\uff12\uff10\uff12\uff16-01-05",
]
TIMES = ["09:00", "10:30", " 11:15 ", "09:00:30", "24:00", "9:00", "23:59:60", "noon"]
INTS = ["1", "2", " 3 ", "+4", "-1", "0", "1.0", "1_000", "٣", "12", "13", "50", "51", "200", "x"]
MONEY = ["160.32", "$42", " 0 ", "-1", "1e3", "NaN", "Infinity", "1_0", "abc", "$", "0.000"]
FLAGS = ["true", "Yes", " n ", "F", "1", "0", "maybe", "TRUE"]
TEXTS = ["Dr. A", "  padded  ", "Zoë", "naïve\u2028text", "<script>", "a,b", "line\nbreak"]
AWKWARD = ["", " ", "\u00a0", "\t", ";", ";;", "\u2003x", "'", '"q"', "\ufeff", "\U0001d518"]

#: Cells to draw from per field name; any field not named takes the identifier pool.
CELLS: dict[str, list[str]] = {
    "npi": ["1234567893", "1234567890", " 1234567893 ", "123456789", "12345678901"],
    "roles": ["bhcm", "billing_practitioner;bhcm", "BHCM", " bhcm ; clinical_staff ", "x", ";"],
    "practitioner_type": ["physician", "other", " physician", "Physician", "nurse"],
    "claim_type": ["professional", "institutional", "PROFESSIONAL", "x"],
    "place_of_service": ["11", " 02 ", "1", "ab", "111"],
    "type_of_bill": ["711", "0711", "71", " 711 ", "7a1"],
    "diagnoses": [
        "F32.1",
        "f321;F41.1",
        "F32.1;;F41.1",
        "Z99.999999",
        "12",
        ";".join(["F32.1"] * 13),
    ],
    "code": ["99484", "g0323", " 99492 ", "9948", "A1234", "ABCDE"],
    "modifiers": ["95", "gt;95", "95;GT;25;59", "95;GT;25;59;76", "9", "AAA"],
    "diagnosis_pointers": ["1", "1;2", "0", "13", "1;2;3;4;5", "a"],
    "revenue_code": ["0900", "900", " 0900 ", "09000"],
    "program": ["BHI", "COCM;CCM", "bhi", " BHI ", "XYZ", ";"],
    "programs": ["BHI", "COCM;CCM", "bhi", " BHI ", "XYZ", ";"],
    "method": ["verbal", "written", "Verbal", " verbal", "email"],
    "elements": ["cost_sharing", "cost_sharing;right_to_stop", "COST_SHARING", "x"],
    "instrument": ["PHQ-9", " gad-7 ", "phq9"],
    "patients_reviewed": ["P1", "P1;P2", " P1 ; P3 ", ";", "x" * 129],
    "revised": ["2026-01-05", "2026-01-05;2026-02-01", "2026-13-01", "x"],
}
for name in ("dob", "active_from", "active_to", "created_on", "date_of_service", "date"):
    CELLS[name] = DATES
for name in ("date_obtained", "revoked_on", "created", "consultant_reviewed_on", "enrolled_on"):
    CELLS[name] = DATES
for name in ("ended_on", "start", "end", "records_from", "records_to"):
    CELLS[name] = DATES
for name in ("start_time", "end_time"):
    CELLS[name] = TIMES
for name in ("line_number", "units", "minutes", "score"):
    CELLS[name] = INTS
for name in ("charge", "paid_amount"):
    CELLS[name] = MONEY
for name in ("bh_training", "full_psych_prescriber", "psychiatry_trained", "qmb"):
    CELLS[name] = FLAGS
for name in ("name", "credential", "medicare_id", "activity", "note", "notes", "billed_service"):
    CELLS[name] = TEXTS
for name in ("end_reason",):
    CELLS[name] = TEXTS


def quote(cell: str) -> str:
    """One CSV cell, quoted when it must be."""
    if any(c in cell for c in ',"\n\r') or cell != cell.strip(" "):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def awkward_file(model: type[Record], rng: random.Random, rows: int) -> str:
    """A CSV file of ``model``'s kind: mostly valid-looking rows, with awkward cells mixed in."""
    header = list(model.model_fields)
    rng.shuffle(header)
    lines = [",".join(header)]
    for _ in range(rows):
        wild = rng.random()
        cells = []
        for name in header:
            pool = CELLS.get(name, IDS)
            # NOTE: half the rows draw only each pool's first (valid) values, so that many
            # rows are fully valid and the column pass builds them; the rest mix in anything.
            if wild < 0.5 and pool is IDS and rng.random() < 0.9:
                cell = f"ID{len(lines)}"  # mostly unique, so that valid rows are kept
            elif wild < 0.5:
                cell = rng.choice(pool[:2])
            elif rng.random() < 0.15:
                cell = rng.choice(AWKWARD)
            else:
                cell = rng.choice(pool)
            cells.append(quote(cell))
        if wild > 0.97:
            cells = cells[: rng.randrange(len(cells))]  # a short row: missing cells are blank
        elif wild > 0.96:
            cells.append("extra")  # a row longer than the header is rejected
        lines.append(",".join(cells))
        if rng.random() < 0.03:
            lines.append(rng.choice(["", ",,,", " , "]))  # blank rows are skipped
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("model", RECORD_KINDS, ids=[m.KIND for m in RECORD_KINDS])
def test_awkward_cells_load_identically(model: type[Record], tmp_path: Path) -> None:
    rng = random.Random(f"columns-{model.KIND}")
    (tmp_path / f"{model.KIND}.csv").write_text(awkward_file(model, rng, 1500), encoding="utf-8")
    fast = assert_same_load(tmp_path)
    assert len(BUILT) > 100  # rows the column pass built
    assert len(fast.rejected) > 100  # rows the model rejected (or duplicates)


def test_value_types_are_the_models() -> None:
    """The column pass gives dates, times, Decimals, ints, bools and enums, not strings."""
    fast = load(SAMPLE, columns=True)
    seen = {
        type(value)
        for records in fast.records.values()
        for r in records
        for value in r.__dict__.values()
    }
    assert {date, int, bool, str, list, type(None)} <= seen
    assert any(isinstance(value, Enum) for value in seen if isinstance(value, type)) or any(
        issubclass(kind, Enum) for kind in seen
    )
    assert Decimal in seen or time in seen


def test_rows_keep_their_physical_line_numbers(tmp_path: Path) -> None:
    """A field with a line break: the next rows keep the line they start on."""
    (tmp_path / "patients.csv").write_text(
        'patient_id,name\n\nP1,"two\nlines"\nP2,Zoë\n,\nP3,"x"\n', encoding="utf-8"
    )
    fast = assert_same_load(tmp_path)
    assert [(r.record_id, r.location.row) for r in fast.records["patients"]] == [
        ("P1", 3),
        ("P2", 5),
        ("P3", 7),
    ]


def test_rows_across_chunks_keep_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Duplicates and rejections across chunk boundaries are judged in file order."""
    monkeypatch.setattr(csv_bundle, "CHUNK_ROWS", 3)
    rows = ["P1", "P2", "", "P1", "P4,x,y", "P5", "P2", "P6", "P7"]
    (tmp_path / "patients.csv").write_text(
        "patient_id,dob\n"
        + "\n".join(f"{r},2020-01-01" if r else ",2020-01-01" for r in rows)
        + "\n",
        encoding="utf-8",
    )
    fast = assert_same_load(tmp_path)
    assert [f"{r.location}: {r.message}" for r in fast.rejected] == [
        "patients.csv:4: patient_id: required field is missing",
        "patients.csv:5: patient_id: duplicate of patients.csv:2",
        "patients.csv:6: row has 4 cells but the header has 2",
        "patients.csv:8: patient_id: duplicate of patients.csv:3",
    ]


class _CheckedPatient(Patient):
    """A patient kind with a whole-record rule the column pass cannot run."""

    @model_validator(mode="after")
    def _named(self) -> _CheckedPatient:
        if self.name is None:
            raise ValueError("name is required here")
        return self


class _UpperPatient(Patient):
    """A patient kind whose validator runs before the field's type (and may change it)."""

    @field_validator("patient_id", mode="before")
    @classmethod
    def _upper_id(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


def test_a_validator_the_pass_cannot_reproduce_turns_it_off() -> None:
    """Every kind today is built by the pass; a model or before-validator turns it off."""
    assert all(csv_columns.plan_for(model).enabled for model in KIND_BY_NAME.values())
    for model in (_CheckedPatient, _UpperPatient):
        validator = csv_columns.ColumnValidator(model)
        validator.set_header(["patient_id", "name"])
        assert not validator.plan.enabled
        assert validator.validate([["p1", "Zoe"], ["p2", ""]]) == [None, None]
