"""Generate a synthetic practice with known defects: ``bhi-audit generate``.

The practice is written patient by patient (memory stays flat in the number of patients,
except for the caseload-review membership, a few bytes per CoCM patient-month), and the ground
truth — which patient-month carries which injected defect and what a correct audit must
report — is written beside the data as ``ground_truth.json``.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from bhi_audit.generator.defects import CATALOG, Defect
from bhi_audit.generator.practice import MonthPlan, Roster, Row, plan_patient
from bhi_audit.generator.records import PatientRows, build_patient
from bhi_audit.models import RECORD_KINDS
from bhi_audit.months import Month

COLUMNS = {kind.KIND: list(kind.model_fields) for kind in RECORD_KINDS}
FORMATS = ("csv", "json")
FIRST_MONTH = Month(2026, 1)


@dataclass(frozen=True)
class GenerateSpec:
    """What to generate."""

    patients: int
    months: int
    seed: int
    defect_rate: float = 0.05
    first_month: Month = FIRST_MONTH

    @property
    def month_list(self) -> list[Month]:
        return [self.first_month.plus(i) for i in range(self.months)]


def _fits(kind: Defect, pr: PatientRows) -> list[MonthPlan]:
    return [mp for mp in pr.plan.months if kind.applies(pr, mp)]


class Injector:
    """Maybe inject one defect into one month of each patient, the kinds taking turns.

    NOTE: a patient drawn for a defect gets the least recently used kind that fits one of its
    months (kinds that fit only a first CoCM month or a G2214 month would be rare if drawn
    at random): a few hundred patients show every kind. Only this queue of kinds is carried
    from patient to patient; whether a patient gets a defect, and in which month, is drawn
    from its own seeded stream.
    """

    def __init__(self, spec: GenerateSpec) -> None:
        self.spec = spec
        first = spec.seed % len(CATALOG)
        self.queue: list[Defect] = list(CATALOG[first:] + CATALOG[:first])

    def __call__(self, pr: PatientRows, roster: Roster) -> list[dict[str, Any]]:
        """Inject into ``pr``; return its ground-truth entries."""
        spec = self.spec
        rng = random.Random(f"{spec.seed}:defect:{pr.plan.index}")
        if not pr.plan.months or rng.random() >= spec.defect_rate * len(pr.plan.months):
            return []
        for position, defect in enumerate(self.queue):
            fits = _fits(defect, pr)
            if fits:
                self.queue.append(self.queue.pop(position))
                break
        else:
            return []
        month_plan = rng.choice(fits)
        expected = defect.inject(pr, month_plan, rng, roster)
        return [
            {
                "patient_id": pr.plan.patient_id,
                "month": str(month_plan.month),
                "defect": defect.name,
                "expected": [
                    {"month": month, "check_id": check, "severity": severity}
                    for month, check, severity in expected
                ],
            }
        ]


def iter_patients(
    spec: GenerateSpec, roster: Roster
) -> Iterator[tuple[PatientRows, list[dict[str, Any]]]]:
    """Every patient's rows (with any defect applied) and its ground truth."""
    months = spec.month_list
    inject = Injector(spec)
    for index in range(1, spec.patients + 1):
        plan = plan_patient(spec.seed, index, months, roster)
        rows = build_patient(plan)
        yield rows, inject(rows, roster)


def review_rows(membership: dict[tuple[str, Month], list[str]], bhcm: str) -> Iterator[Row]:
    """Weekly caseload reviews (Wednesdays); each month's patients are spread over the weeks."""
    for (consultant, month), patients in sorted(membership.items()):
        day = month.first_day
        while day.weekday() != 2:
            day += timedelta(days=1)
        weeks: list[date] = []
        while day.month == month.month:
            weeks.append(day)
            day += timedelta(days=7)
        for w, wednesday in enumerate(weeks):
            listed = patients[w :: len(weeks)]
            yield {
                "review_id": f"CR-{consultant}-{wednesday.isoformat()}",
                "date": wednesday.isoformat(),
                "consultant_id": consultant,
                "bhcm_id": bhcm,
                "patients_reviewed": ";".join(listed),
                "notes": "weekly caseload review",
            }


class CsvSink:
    """Writes each kind to ``<kind>.csv`` as rows arrive."""

    def __init__(self, out: Path, stack: ExitStack) -> None:
        self.writers: dict[str, csv.DictWriter[str]] = {}
        for kind, columns in COLUMNS.items():
            handle: IO[str] = stack.enter_context(
                (out / f"{kind}.csv").open("w", newline="", encoding="utf-8")
            )
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            self.writers[kind] = writer

    def write(self, kind: str, row: Row) -> None:
        self.writers[kind].writerow(row)


class JsonSink:
    """Collects every row, then writes one bundle document."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = defaultdict(list)

    def write(self, kind: str, row: Row) -> None:
        self.rows[kind].append({k: v for k, v in row.items() if v not in ("", None)})

    def dump(self, path: Path) -> None:
        document = {kind: self.rows.get(kind, []) for kind in COLUMNS}
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def generate(spec: GenerateSpec, out: Path, fmt: str = "csv") -> dict[str, Any]:
    """Write the practice to ``out`` and return the ground truth (also written there)."""
    out.mkdir(parents=True, exist_ok=True)
    roster = Roster.for_patients(spec.patients)
    months = spec.month_list
    truth: list[dict[str, Any]] = []
    membership: dict[tuple[str, Month], list[str]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    with ExitStack() as stack:
        sink: CsvSink | JsonSink = CsvSink(out, stack) if fmt == "csv" else JsonSink()

        def write(kind: str, row: Row) -> None:
            counts[kind] += 1
            sink.write(kind, row)

        write(
            "period",
            {
                "records_from": months[0].plus(-12).first_day.isoformat(),
                "records_to": months[-1].last_day.isoformat(),
            },
        )
        for row in roster.rows():
            write("staff", row)
        for rows, defects in iter_patients(spec, roster):
            truth.extend(defects)
            for kind in COLUMNS:
                for row in rows.rows.get(kind, []):
                    write(kind, row)
            for month in sorted(rows.reviewed):
                membership[(rows.plan.consultant, month)].append(rows.plan.patient_id)
        for row in review_rows(membership, roster.bhcms[0]):
            write("caseload_reviews", row)
        if isinstance(sink, JsonSink):
            sink.dump(out / "practice.json")
    ground = {
        "seed": spec.seed,
        "patients": spec.patients,
        "months": [str(m) for m in months],
        "defect_rate": spec.defect_rate,
        "records": dict(sorted(counts.items())),
        "defects": truth,
    }
    (out / "ground_truth.json").write_text(json.dumps(ground, indent=2) + "\n", encoding="utf-8")
    return ground
