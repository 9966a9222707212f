"""Hand-picked scenarios: a small practice where each patient shows one named case.

Why beside the random generator: ``generate`` draws thousands of patients to measure recall and
speed, but a reader (and the README's quick start) needs a few dozen patients, each showing one
clean case, one boundary or one seeded defect that a person can look up by patient id. A
scenario here is *data*: a patient, the steps that make its records (an onboarding, a CoCM
month of 50 minutes, a claim) and the findings a correct audit must report for it. The builder
below turns the steps into rows in order, numbering ids practice-wide (``C001``, ``T001``...),
so a scenario reads as a description and the bytes stay stable.

The columns of every file are the record models' fields (``COLUMNS``, the same as
``generate``), so a field added to a model is a column here the day it is added.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bhi_audit.errors import OutputError
from bhi_audit.generator import COLUMNS
from bhi_audit.generator.practice import ELEMENTS, FIRST, LAST, Row, wednesdays
from bhi_audit.months import Month
from bhi_audit.outputs import atomic_output

#: Columns a scenario practice never fills, left out of its files. ``paid_amount`` is what an
#: auditor's universe carries after payment (docs/auditing.md); a scenario practice is a
#: billing office's records before submission.
OMITTED = {"claim_lines": ("paid_amount",)}


def columns() -> dict[str, list[str]]:
    """The columns of each kind, ``period`` first (it frames the rest of the document)."""
    ordered = {"period": COLUMNS["period"]} | COLUMNS
    return {
        kind: [c for c in names if c not in OMITTED.get(kind, ())]
        for kind, names in ordered.items()
    }


# ----------------------------------------------------------------------- the step vocabulary


@dataclass(frozen=True)
class Onboard:
    """The patient, an initiating 99214 by ``billing`` in November 2025 and a consent per
    program (all four elements unless ``elements`` says otherwise; ``consent_day`` None: no
    consent on file)."""

    billing: str
    programs: str
    consent_day: date | None = date(2025, 12, 15)
    elements: str = ELEMENTS
    qmb: bool = False


@dataclass(frozen=True)
class Patient:
    """Only the patient row (a scenario that writes its own visit and consent)."""

    qmb: bool = False


@dataclass(frozen=True)
class Visit:
    """A visit (an initiating visit when its code is one)."""

    day: date
    code: str
    by: str


@dataclass(frozen=True)
class Consent:
    """One consent, verbal, obtained by ``by`` for ``billing``."""

    program: str
    day: date
    by: str
    billing: str
    elements: str = ELEMENTS


@dataclass(frozen=True)
class BhiPlan:
    """A general-BHI care plan (``member`` None: no designated care-team member)."""

    member: str | None
    created: date = date(2026, 1, 5)


@dataclass(frozen=True)
class CocmEnroll:
    """Registry enrollment (unless ``registry`` is false) and the CoCM care plan, reviewed by
    the consultant nine days after ``start`` (unless ``plan_reviewed`` is false)."""

    start: date
    bhcm: str
    consultant: str
    registry: bool = True
    plan_reviewed: bool = True


@dataclass(frozen=True)
class CocmMonth:
    """A CoCM month: ``minutes`` by the care manager on four days, a PHQ-9 (``score`` None:
    none), the claim with ``lines``, and (``reviewed``) the weekly caseload review lists the
    patient that month."""

    month: Month
    minutes: int
    lines: tuple[tuple[str, int], ...]
    billing: str
    bhcm: str
    score: int | None = 14
    reviewed: bool = True


@dataclass(frozen=True)
class GeneralBhi:
    """A general-BHI month: ``minutes`` by ``staff``, a PHQ-9 (16, 10, 6 for January to
    March), one ``code`` line billed by ``billing`` for F41.1."""

    month: Month
    minutes: int
    billing: str
    staff: str
    code: str = "99484"


@dataclass(frozen=True)
class SimpleBhi:
    """A whole one-month patient: onboarding, a care plan (unless ``plan`` is false),
    ``minutes`` of ``program`` time, a PHQ-9 of 12 and one claim with ``lines``."""

    month: Month
    lines: tuple[tuple[str, int], ...]
    billing: str
    staff: str
    programs: str = "BHI"
    minutes: int = 25
    diagnoses: str = "F41.1"
    pointers: str = "1"
    pos: str = "11"
    institutional: bool = False
    plan: bool = True
    program: str = "BHI"


@dataclass(frozen=True)
class Spread:
    """``total`` minutes of ``program`` by ``staff``, split over ``days`` of the month."""

    staff: str
    month: Month
    total: int
    program: str
    days: tuple[int, ...] = (5, 12, 19, 26)
    start_hour: int = 9


@dataclass(frozen=True)
class Time:
    """One time entry. ``start`` ("11:00") fixes the clock; otherwise it follows the day.
    No ``activity`` or ``note``: an undocumented entry."""

    staff: str
    day: date
    minutes: int
    program: str
    activity: str | None = None
    note: str | None = None
    start_hour: int = 9
    start: str | None = None


@dataclass(frozen=True)
class Phq9:
    """A PHQ-9 score."""

    day: date
    score: int
    by: str


@dataclass(frozen=True)
class Claim:
    """A claim dated the last day of ``month`` (or its ``day``), created the day after."""

    billing: str
    month: Month
    lines: tuple[tuple[str, int], ...]
    diagnoses: str = "F32.1"
    pos: str = "11"
    pointers: str = "1"
    institutional: bool = False
    day: int | None = None


@dataclass(frozen=True)
class Listed:
    """The weekly caseload review lists the patient in ``month``."""

    month: Month


Step = (
    Onboard
    | Patient
    | Visit
    | Consent
    | BhiPlan
    | CocmEnroll
    | CocmMonth
    | GeneralBhi
    | SimpleBhi
    | Spread
    | Time
    | Phq9
    | Claim
    | Listed
)


@dataclass(frozen=True)
class Expect:
    """A finding a correct audit must report: ``month`` None for a patient-level one."""

    month: str | None
    check: str
    what: str
    level: str = "error/warning"


@dataclass(frozen=True)
class Scenario:
    """One patient of the practice and what it shows.

    ``shows``: the clean case it demonstrates (a clean patient has no ``expect``).
    ``kind``: the generator's defect kind (``defects.CATALOG``) this patient is an instance
    of, when there is one, so the sample and the random generator name a defect alike.
    ``index``: drives the invented name, date of birth and Medicare id (default: the number
    in the patient id).
    """

    patient_id: str
    steps: tuple[Step, ...]
    shows: str | None = None
    expect: tuple[Expect, ...] = ()
    kind: str | None = None
    index: int | None = None

    @property
    def number(self) -> int:
        """The number the patient's invented identity is drawn from."""
        return self.index if self.index is not None else int(self.patient_id[1:])


@dataclass(frozen=True)
class StaffMember:
    """A staff row; flags left empty are "not recorded"."""

    staff_id: str
    name: str
    npi: str
    roles: str
    practitioner_type: str
    credential: str
    bh_training: str = ""
    full_psych_prescriber: str = ""
    psychiatry_trained: str = ""
    group_id: str = "G-MAIN"
    active_from: str = "2020-01-01"


@dataclass(frozen=True)
class ScenarioPractice:
    """A whole scenario practice: its period, roster, scenarios and who runs the reviews."""

    #: ``bhi-audit generate --scenario NAME``; also names the JSON document.
    name: str
    #: The folder the README tells the reader to audit.
    folder: str
    records_from: date
    records_to: date
    staff: tuple[StaffMember, ...]
    scenarios: tuple[Scenario, ...]
    consultant: str
    bhcm: str
    #: The charge of one unit of a code; any other code is charged 50.00.
    charges: dict[str, int]
    readme_title: str
    readme_intro: tuple[str, ...]


# ------------------------------------------------------------------------------ the builder

ACTIVITIES = ("outreach call", "care planning", "follow-up call", "coordination")
REVIEW_NOTE = "weekly caseload review: new and not-improving patients discussed"


@dataclass
class Rows:
    """Rows per kind in the order the steps make them, numbering ids practice-wide."""

    columns: dict[str, list[str]]
    rows: dict[str, list[Row]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    reviewed: dict[Month, list[str]] = field(default_factory=dict)

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]:03d}"

    def add(self, kind: str, **values: Any) -> None:
        unknown = set(values) - set(self.columns[kind])
        if unknown:
            raise ValueError(f"{kind}: no such column {sorted(unknown)} in the model")
        row = {k: "" if values.get(k) is None else values[k] for k in self.columns[kind]}
        self.rows.setdefault(kind, []).append(row)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Builder:
    """Turns one scenario's steps into rows."""

    def __init__(self, rows: Rows, scenario: Scenario, charges: dict[str, int]) -> None:
        self.rows = rows
        self.charges = charges
        self.pid = scenario.patient_id
        self.index = scenario.number

    def run(self, step: Step) -> None:
        """Make the rows of one step."""
        if isinstance(step, Onboard):
            self.onboard(step)
        elif isinstance(step, Patient):
            self.patient(step.qmb)
        elif isinstance(step, Visit):
            self.visit(step)
        elif isinstance(step, Consent):
            self.consent(step)
        elif isinstance(step, BhiPlan):
            self.bhi_plan(step)
        elif isinstance(step, CocmEnroll):
            self.cocm_enroll(step)
        elif isinstance(step, CocmMonth):
            self.cocm_month(step)
        elif isinstance(step, GeneralBhi):
            self.general_bhi(step)
        elif isinstance(step, SimpleBhi):
            self.simple_bhi(step)
        elif isinstance(step, Spread):
            self.spread(step)
        elif isinstance(step, Time):
            self.time(step)
        elif isinstance(step, Phq9):
            self.phq9(step)
        elif isinstance(step, Claim):
            self.claim(step)
        else:
            self.rows.reviewed.setdefault(step.month, []).append(self.pid)

    def patient(self, qmb: bool) -> None:
        i = self.index
        self.rows.add(
            "patients",
            patient_id=self.pid,
            name=f"{FIRST[i % len(FIRST)]} {LAST[i % 6]}",
            dob=f"19{40 + i % 40:02d}-{1 + i % 12:02d}-{1 + i % 27:02d}",
            medicare_id=f"{1 + i % 9}EG{i % 10}TE{i % 10}MK{10 + i:02d}",
            qmb="true" if qmb else "false",
        )

    def onboard(self, step: Onboard) -> None:
        self.patient(step.qmb)
        self.visit(Visit(date(2025, 11, 3 + self.index % 20), "99214", step.billing))
        if step.consent_day is not None:
            for program in step.programs.split(";"):
                self.consent(
                    Consent(program, step.consent_day, step.billing, step.billing, step.elements)
                )

    def visit(self, step: Visit) -> None:
        self.rows.add(
            "visits",
            visit_id=self.rows.next_id("V"),
            patient_id=self.pid,
            date=step.day.isoformat(),
            code=step.code,
            practitioner_id=step.by,
        )

    def consent(self, step: Consent) -> None:
        self.rows.add(
            "consents",
            consent_id=self.rows.next_id("K"),
            patient_id=self.pid,
            programs=step.program,
            date_obtained=step.day.isoformat(),
            method="verbal",
            obtained_by=step.by,
            billing_practitioner=step.billing,
            elements=step.elements,
        )

    def bhi_plan(self, step: BhiPlan) -> None:
        self.rows.add(
            "care_plans",
            care_plan_id=self.rows.next_id("PLAN"),
            patient_id=self.pid,
            program="BHI",
            created=step.created.isoformat(),
            designated_member=step.member,
        )

    def cocm_enroll(self, step: CocmEnroll) -> None:
        if step.registry:
            self.rows.add(
                "registry_enrollments",
                enrollment_id=self.rows.next_id("R"),
                patient_id=self.pid,
                enrolled_on=step.start.isoformat(),
                bhcm_id=step.bhcm,
                consultant_id=step.consultant,
            )
        reviewed = step.start + timedelta(days=9)
        self.rows.add(
            "care_plans",
            care_plan_id=self.rows.next_id("PLAN"),
            patient_id=self.pid,
            program="COCM",
            created=step.start.isoformat(),
            consultant_reviewed_on=reviewed.isoformat() if step.plan_reviewed else None,
            designated_member=step.bhcm,
        )

    def cocm_month(self, step: CocmMonth) -> None:
        month = step.month
        self.spread(Spread(step.bhcm, month, step.minutes, "COCM", days=(3, 10, 17, 24)))
        if step.score is not None:
            self.phq9(Phq9(_day(month, 4), step.score, step.bhcm))
        self.claim(Claim(step.billing, month, step.lines, "F32.1;F41.1", pointers="1;2"))
        if step.reviewed:
            self.rows.reviewed.setdefault(month, []).append(self.pid)

    def general_bhi(self, step: GeneralBhi) -> None:
        month = step.month
        self.spread(Spread(step.staff, month, step.minutes, "BHI", start_hour=10))
        self.phq9(Phq9(_day(month, 6), (16, 10, 6)[month.month - 1], step.staff))
        self.claim(Claim(step.billing, month, ((step.code, 1),), diagnoses="F41.1"))

    def simple_bhi(self, step: SimpleBhi) -> None:
        self.onboard(Onboard(step.billing, step.programs))
        if step.plan:
            self.bhi_plan(BhiPlan(step.staff))
        if step.minutes:
            self.spread(Spread(step.staff, step.month, step.minutes, step.program, start_hour=10))
        self.phq9(Phq9(_day(step.month, 6), 12, step.staff))
        self.claim(
            Claim(
                step.billing,
                step.month,
                step.lines,
                step.diagnoses,
                step.pos,
                step.pointers,
                step.institutional,
            )
        )

    def spread(self, step: Spread) -> None:
        parts = len(step.days)
        chunks = [step.total // parts] * parts
        chunks[-1] += step.total - sum(chunks)
        for i, (day, minutes) in enumerate(zip(step.days, chunks, strict=True)):
            if minutes <= 0:
                continue
            activity = ACTIVITIES[i % len(ACTIVITIES)]
            self.time(
                Time(
                    step.staff,
                    _day(step.month, day),
                    minutes,
                    step.program,
                    activity,
                    f"{activity} with patient",
                    step.start_hour,
                )
            )

    def time(self, step: Time) -> None:
        if step.start is None:
            start = step.start_hour * 60 + (step.day.day * 7) % 30
        else:
            hours, mins = step.start.split(":")
            start = int(hours) * 60 + int(mins)
        self.rows.add(
            "time_entries",
            entry_id=self.rows.next_id("T"),
            patient_id=self.pid,
            staff_id=step.staff,
            date=step.day.isoformat(),
            minutes=step.minutes,
            start_time=_clock(start),
            end_time=_clock(start + step.minutes),
            program=step.program,
            activity=step.activity,
            note=step.note,
        )

    def phq9(self, step: Phq9) -> None:
        self.rows.add(
            "assessments",
            assessment_id=self.rows.next_id("A"),
            patient_id=self.pid,
            date=step.day.isoformat(),
            instrument="PHQ-9",
            score=step.score,
            administered_by=step.by,
        )

    def claim(self, step: Claim) -> None:
        claim_id = self.rows.next_id("C")
        dos = _day(step.month, step.day) if step.day else step.month.last_day
        self.rows.add(
            "claims",
            claim_id=claim_id,
            patient_id=self.pid,
            billing_practitioner=step.billing,
            rendering_practitioner=step.billing,
            place_of_service=step.pos,
            claim_type="institutional" if step.institutional else "professional",
            type_of_bill="711" if step.institutional else None,
            diagnoses=step.diagnoses,
            created_on=(dos + timedelta(days=1)).isoformat(),
        )
        for n, (code, units) in enumerate(step.lines, start=1):
            self.rows.add(
                "claim_lines",
                claim_id=claim_id,
                line_number=n,
                code=code,
                units=units,
                date_of_service=dos.isoformat(),
                diagnosis_pointers=step.pointers,
                charge=f"{float(self.charges.get(code, 50)) * units:.2f}",
                revenue_code="0521" if step.institutional else None,
            )


def _day(month: Month, day: int) -> date:
    return date(month.year, month.month, day)


def weekly_reviews(rows: Rows, consultant: str, bhcm: str) -> None:
    """Weekly caseload reviews (Wednesdays); each month's listed patients split over weeks."""
    for month, patients in sorted(rows.reviewed.items()):
        weeks = wednesdays(month)
        for i, wednesday in enumerate(weeks):
            rows.add(
                "caseload_reviews",
                review_id=rows.next_id("CR"),
                date=wednesday.isoformat(),
                consultant_id=consultant,
                bhcm_id=bhcm,
                patients_reviewed=";".join(sorted(patients)[i :: len(weeks)]),
                notes=REVIEW_NOTE,
            )


def build(practice: ScenarioPractice) -> dict[str, list[Row]]:
    """Every row of the practice, by kind (every kind present, maybe empty)."""
    rows = Rows(columns())
    for kind in rows.columns:
        rows.rows[kind] = []
    rows.add(
        "period",
        records_from=practice.records_from.isoformat(),
        records_to=practice.records_to.isoformat(),
    )
    for member in practice.staff:
        rows.add("staff", **asdict(member))
    for scenario in practice.scenarios:
        builder = Builder(rows, scenario, practice.charges)
        for step in scenario.steps:
            builder.run(step)
    weekly_reviews(rows, practice.consultant, practice.bhcm)
    return rows.rows


# ------------------------------------------------------------------------------- the writer


def expected_defects(scenarios: Iterable[Scenario]) -> list[dict[str, str | None]]:
    """Every seeded finding, in scenario order: the sample's ``expected_defects.json``."""
    return [
        {
            "patient_id": s.patient_id,
            "month": e.month,
            "check_id": e.check,
            "defect": e.what,
            "level": e.level,
        }
        for s in scenarios
        for e in s.expect
    ]


def readme_lines(practice: ScenarioPractice) -> Iterator[str]:
    """The practice's README: its clean patients and its seeded defects, as tables."""
    yield from (practice.readme_title, "", *practice.readme_intro, "")
    yield from ("## Clean patients", "", "| patient | what it shows |", "|---|---|")
    yield from (f"| {s.patient_id} | {s.shows} |" for s in practice.scenarios if s.shows)
    yield from (
        "",
        "## Seeded defects",
        "",
        f"`bhi-audit check {practice.folder}` must report each of these (and exits 1).",
        "",
        "| patient | month | check | defect |",
        "|---|---|---|---|",
    )
    for scenario in practice.scenarios:
        for e in scenario.expect:
            suffix = " (info)" if e.level == "info" else ""
            month = e.month or "(patient)"
            yield f"| {scenario.patient_id} | {month} | {e.check} | {e.what}{suffix} |"


def write_practice(practice: ScenarioPractice, out: Path) -> dict[str, int]:
    """Write the practice into the folder ``out``: the CSV bundle, the same records as one JSON
    document (``json/<name>_practice.json``), the README and ``expected_defects.json``. Files
    are replaced whole (written to a temporary name first); other files are left alone.
    Return the records written per kind."""
    rows = build(practice)
    (out / "json").mkdir(parents=True, exist_ok=True)
    document: dict[str, list[Row]] = {}
    for kind, names in columns().items():
        with atomic_output(out / f"{kind}.csv") as handle:
            writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows[kind])
        document[kind] = [{k: v for k, v in row.items() if v != ""} for row in rows[kind]]
    texts = {
        out / "json" / f"{practice.name}_practice.json": json.dumps(document, indent=2),
        out / "README.md": "\n".join(readme_lines(practice)),
        out / "expected_defects.json": json.dumps(expected_defects(practice.scenarios), indent=2),
    }
    for path, text in texts.items():
        with atomic_output(path) as handle:
            handle.write(text + "\n")
    return {kind: len(kind_rows) for kind, kind_rows in rows.items()}


def write_new(practice: ScenarioPractice, out: Path) -> dict[str, int]:
    """Write the practice into ``out``, a new or empty folder (``generate --scenario``).

    Why only there: a scenario practice written beside other records would audit as one
    practice with them, and nothing the user keeps in a folder is ever overwritten.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(str(out), "--out must be a folder, and this is a file")
    if out.is_dir() and any(out.iterdir()):
        present = sorted(p.name for p in out.iterdir())
        shown = ", ".join(present[:3]) + (
            f" and {len(present) - 3} more" if len(present) > 3 else ""
        )
        raise OutputError(
            str(out), f"folder is not empty ({shown}); a scenario practice needs a new or empty one"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(out), f"cannot create folder ({exc.strerror})") from None
    return write_practice(practice, out)
