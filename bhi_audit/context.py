"""What a check is fed: read-only views of the batch, a patient, a patient-month or a line.

Why: checks must be pure and simple. The engine indexes the input once by patient and
calendar month (the service period, rulebook §5.4a) and hands each check exactly the unit it
declares in ``SCOPE``, with everything it may need already gathered — the month's lines and
time entries, the patient's consents and history, the roster and what the input covers.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from bhi_audit.bundle import Bundle
from bhi_audit.models import (
    Assessment,
    CarePlan,
    CaseloadReview,
    Claim,
    ClaimLine,
    Consent,
    Episode,
    Patient,
    Program,
    RegistryEnrollment,
    Role,
    Staff,
    TimeEntry,
    Visit,
)
from bhi_audit.months import Month

#: The check the engine is running (set around each check's run; see ``Batch.provided``).
ASKING_CHECK: ContextVar[str | None] = ContextVar("bhi_audit_asking_check", default=None)


@dataclass(frozen=True)
class BilledLine:
    """A claim line with its claim header (None when the header is missing)."""

    line: ClaimLine
    claim: Claim | None
    #: The HCPCS/CPT code billed (the line's, copied: checks read it millions of times).
    code: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", self.line.code)

    @property
    def date_of_service(self) -> date:
        """The line's date of service."""
        return self.line.date_of_service

    @property
    def billing_practitioner(self) -> str | None:
        """Staff id of the billing practitioner, from the claim header."""
        return self.claim.billing_practitioner if self.claim else None

    @property
    def patient_id(self) -> str | None:
        """The patient of the claim."""
        return self.claim.patient_id if self.claim else None


@dataclass(frozen=True)
class Coverage:
    """The span of dates the input's records cover, stated or inferred."""

    start: date
    end: date
    stated: bool

    def covers(self, start: date, end: date) -> bool:
        """Whether the whole span ``start..end`` lies inside what the records cover."""
        return self.start <= start and end <= self.end


@dataclass(frozen=True)
class Batch:
    """Whole-input facts: the roster, reviews, coverage and what kinds were provided."""

    bundle: Bundle
    staff: dict[str, Staff]
    patients: dict[str, Patient]
    claims: dict[str, Claim]
    reviews_by_month: dict[Month, tuple[CaseloadReview, ...]]
    reviews_by_patient: dict[str, tuple[CaseloadReview, ...]]
    coverage: Coverage
    #: kind -> ids of the checks that asked for it while the input had none of it. Filled as
    #: checks run; the engine reports it as missing documentation (docs/gating.md).
    asked_missing: dict[str, set[str]] = field(default_factory=dict, compare=False, repr=False)
    #: ``(partition, partitions)`` when the bundle holds one patient partition of a streamed
    #: input and the common records (roster, caseload reviews, period); None: the whole input.
    part: tuple[int, int] | None = field(default=None, compare=False)
    #: Every patient id of the whole input when ``part`` is set (a caseload review, common to
    #: every partition, may name a patient of any of them).
    all_patient_ids: frozenset[str] | None = field(default=None, compare=False, repr=False)

    def provided(self, kind: str) -> bool:
        """Whether the input supplied this kind of record at all.

        NOTE: a "no" is remembered with the check that asked, so that a whole kind of
        documentation missing is stated at the top of every report, derived from what the
        checks actually need rather than from a hand-kept list.
        """
        if kind in self.bundle.provided:
            return True
        self.asked_missing.setdefault(kind, set()).add(ASKING_CHECK.get() or "?")
        return False

    @property
    def reports_common(self) -> bool:
        """Whether a batch-scope check reports on the common records here (once per audit).

        Why: every partition of a streamed input holds the roster and the caseload reviews, so
        a batch-scope check that runs on each partition must judge them in only one of them.
        """
        return self.part is None or self.part[0] == 0

    def knows_patient(self, patient_id: str) -> bool:
        """Whether the input has a patient record ``patient_id`` (in any partition)."""
        if self.all_patient_ids is not None:
            return patient_id in self.all_patient_ids
        return patient_id in self.patients

    def staff_member(self, staff_id: str | None) -> Staff | None:
        """The roster entry of ``staff_id``, if known."""
        return self.staff.get(staff_id) if staff_id else None

    def has_role(self, staff_id: str | None, role: Role) -> bool:
        """Whether the roster gives ``staff_id`` this role."""
        member = self.staff_member(staff_id)
        return member is not None and member.has_role(role)

    def reviews_in(self, month: Month) -> tuple[CaseloadReview, ...]:
        """Caseload reviews held in ``month`` (any patient)."""
        return self.reviews_by_month.get(month, ())

    def reviews_of(self, patient_id: str) -> tuple[CaseloadReview, ...]:
        """Caseload reviews that list ``patient_id``, by date."""
        return self.reviews_by_patient.get(patient_id, ())


@dataclass(frozen=True)
class PatientRecords:
    """Everything the input holds about one patient, sorted by date."""

    patient_id: str
    patient: Patient | None
    lines: tuple[BilledLine, ...]
    time_entries: tuple[TimeEntry, ...]
    consents: tuple[Consent, ...]
    assessments: tuple[Assessment, ...]
    care_plans: tuple[CarePlan, ...]
    visits: tuple[Visit, ...]
    enrollments: tuple[RegistryEnrollment, ...]
    episodes: tuple[Episode, ...]
    batch: Batch = field(repr=False)
    #: The month views handed out by :meth:`month`, until :meth:`release`.
    _month_views: dict[Month, PatientMonth] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    #: Results derived once per patient and shared by the checks that need them (e.g. the
    #: CoCM service months of bhi_audit.episodes); never part of equality.
    memo: dict[object, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    @cached_property
    def lines_by_month(self) -> dict[Month, tuple[BilledLine, ...]]:
        """Billed lines grouped by the calendar month of their date of service."""
        grouped: dict[Month, list[BilledLine]] = defaultdict(list)
        for billed in self.lines:
            grouped[Month.of(billed.date_of_service)].append(billed)
        return {month: tuple(lines) for month, lines in grouped.items()}

    @cached_property
    def entries_by_month(self) -> dict[Month, tuple[TimeEntry, ...]]:
        """Dated time entries grouped by calendar month."""
        grouped: dict[Month, list[TimeEntry]] = defaultdict(list)
        for entry in self.time_entries:
            if entry.date is not None:
                grouped[Month.of(entry.date)].append(entry)
        return {month: tuple(entries) for month, entries in grouped.items()}

    @cached_property
    def months(self) -> tuple[Month, ...]:
        """Every month with a billed line or a dated time entry, ascending."""
        return tuple(sorted(set(self.lines_by_month) | set(self.entries_by_month)))

    def billed_months(self, codes: Iterable[str]) -> tuple[Month, ...]:
        """Months in which any of ``codes`` was billed, ascending."""
        wanted = frozenset(codes)
        return tuple(
            sorted(m for m, ls in self.lines_by_month.items() if any(b.code in wanted for b in ls))
        )

    def month(self, month: Month) -> PatientMonth:
        """The patient-month view of ``month``: one per month, whoever asks.

        Why one: the engine, the patient-scope checks and the model comparison all look at
        the same months, and what a view derives once (its codes, the minute tallies in its
        ``memo``) is then derived once for all of them.
        """
        view = self._month_views.get(month)
        if view is None:
            view = self._month_views[month] = PatientMonth(records=self, month=month)
        return view

    def release(self) -> None:
        """Drop the month views once the patient is audited.

        NOTE: each view refers back to these records, a cycle that only the cyclic collector
        frees, and it is paused while auditing (``cli.collector_paused``): without this,
        every patient's views and tallies would stay in memory until the run ends.
        """
        self._month_views.clear()


@dataclass(frozen=True)
class PatientMonth:
    """One patient in one calendar month: the unit most checks look at."""

    records: PatientRecords
    month: Month
    #: Results derived once per month and shared by the checks that need them (e.g. the
    #: minute tally of bhi_audit.timecount.tally_for); never part of equality.
    memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)
    #: Lines billed with a date of service in this month.
    lines: tuple[BilledLine, ...] = field(init=False, compare=False, repr=False)
    #: Time entries dated in this month.
    time_entries: tuple[TimeEntry, ...] = field(init=False, compare=False, repr=False)
    #: Every code billed this month.
    codes: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # NOTE: set once here, not as properties: checks read them a few million times, and
        # every month gets a view anyway (the engine visits each one).
        lines = self.records.lines_by_month.get(self.month, ())
        object.__setattr__(self, "lines", lines)
        object.__setattr__(self, "time_entries", self.records.entries_by_month.get(self.month, ()))
        object.__setattr__(self, "codes", frozenset(b.code for b in lines))

    @property
    def patient_id(self) -> str:
        """The patient's id."""
        return self.records.patient_id

    @property
    def batch(self) -> Batch:
        """The whole-input facts."""
        return self.records.batch

    @property
    def label(self) -> str:
        """``P1 2026-03`` — how messages name a patient-month."""
        return f"{self.patient_id} {self.month}"

    @property
    def fully_covered(self) -> bool:
        """Whether the records given cover the whole calendar month (a stated ``period``
        may start or end inside it; then what lies on the uncovered days is unknown)."""
        return self.batch.coverage.covers(self.month.first_day, self.month.last_day)

    @property
    def coverage_gap(self) -> str:
        """``which cover A..B, not the whole month`` — why a finding is not verifiable."""
        coverage = self.batch.coverage
        return f"which cover {coverage.start}..{coverage.end}, not the whole month"

    def lines_with(self, codes: Iterable[str]) -> tuple[BilledLine, ...]:
        """This month's lines whose code is in ``codes``."""
        lines = self.lines
        if not lines:  # NOTE: most months bill one line or none; no generator for them
            return ()
        wanted = frozenset(codes)
        return tuple(b for b in lines if b.code in wanted)

    def entries_for(self, program: Program) -> tuple[TimeEntry, ...]:
        """This month's time entries attributed to ``program`` (derived once per month)."""
        key = ("entries_for", program)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = tuple(e for e in self.time_entries if program in e.program)
        return found  # type: ignore[return-value]

    def reviews_of_patient(self) -> tuple[CaseloadReview, ...]:
        """Caseload reviews this month that list this patient."""
        return tuple(
            r for r in self.batch.reviews_of(self.patient_id) if self.month.contains(r.date)
        )

    def consents_for(self, program: Program) -> tuple[Consent, ...]:
        """The patient's consents that cover ``program`` (any date; derived once per patient:
        several consent checks and the readiness count ask every month)."""
        memo = self.records.memo
        key = ("consents_for", program)
        found = memo.get(key)
        if found is None:
            found = memo[key] = tuple(c for c in self.records.consents if program in c.programs)
        return found  # type: ignore[return-value]


@dataclass(frozen=True)
class LineUnit:
    """A claim line, with the patient-month it belongs to."""

    billed: BilledLine
    month: PatientMonth

    @property
    def line(self) -> ClaimLine:
        """The claim line."""
        return self.billed.line

    @property
    def claim(self) -> Claim | None:
        """Its claim header."""
        return self.billed.claim


def _by_patient(records: Iterable[object], attr: str = "patient_id") -> dict[str, list[object]]:
    grouped: dict[str, list[object]] = defaultdict(list)
    for record in records:
        grouped[getattr(record, attr)].append(record)
    return grouped


#: The date that dates each kind of record, for the coverage an input without a stated
#: ``period`` is inferred from (kind -> attribute; an attribute may be None on a record).
DATED_BY: dict[str, str] = {
    ClaimLine.KIND: "date_of_service",
    TimeEntry.KIND: "date",
    Consent.KIND: "date_obtained",
    Assessment.KIND: "date",
    Visit.KIND: "date",
    CaseloadReview.KIND: "date",
    CarePlan.KIND: "created",
    RegistryEnrollment.KIND: "enrolled_on",
    Episode.KIND: "start",
}


def infer_coverage(bundle: Bundle) -> Coverage:
    """Use the stated period, else the whole months spanned by every dated record."""
    if bundle.period is not None:
        return Coverage(bundle.period.records_from, bundle.period.records_to, stated=True)
    days: list[date] = []
    for kind, attr in DATED_BY.items():
        days.extend(
            d for d in (getattr(r, attr) for r in bundle.records.get(kind, [])) if d is not None
        )
    return coverage_of(min(days, default=None), max(days, default=None))


def coverage_of(first: date | None, last: date | None) -> Coverage:
    """The whole months from ``first`` to ``last`` (inferred, not stated); none: 1970-01-01."""
    if first is None or last is None:
        today = date(1970, 1, 1)
        return Coverage(today, today, stated=False)
    return Coverage(Month.of(first).first_day, Month.of(last).last_day, stated=False)


def build_batch(
    bundle: Bundle,
    coverage: Coverage | None = None,
    part: tuple[int, int] | None = None,
    all_patient_ids: frozenset[str] | None = None,
) -> Batch:
    """Index the roster, claims and reviews of a bundle.

    A bundle that holds one partition of a streamed input (bhi_audit/spill.py) is given the
    whole input's ``coverage``, which ``part`` of it it is, and every patient id of the input.
    """
    reviews: dict[Month, list[CaseloadReview]] = defaultdict(list)
    by_patient: dict[str, list[CaseloadReview]] = defaultdict(list)
    for review in sorted(bundle.of(CaseloadReview), key=lambda r: (r.date, r.review_id)):
        reviews[Month.of(review.date)].append(review)
        for patient_id in dict.fromkeys(review.patients_reviewed):
            by_patient[patient_id].append(review)
    return Batch(
        bundle=bundle,
        staff={s.staff_id: s for s in bundle.of(Staff)},
        patients={p.patient_id: p for p in bundle.of(Patient)},
        claims={c.claim_id: c for c in bundle.of(Claim)},
        reviews_by_month={m: tuple(rs) for m, rs in reviews.items()},
        reviews_by_patient={p: tuple(rs) for p, rs in by_patient.items()},
        coverage=coverage or infer_coverage(bundle),
        part=part,
        all_patient_ids=all_patient_ids,
    )


def partition_of(patient_id: str, partitions: int) -> int:
    """The partition (0..partitions-1) a patient belongs to: stable across processes and runs.

    NOTE: crc32, not ``hash()``: Python salts string hashes per process, and every worker of
    a partitioned audit must agree on who is whose.
    """
    if partitions <= 1:
        return 0
    return zlib.crc32(patient_id.encode("utf-8")) % partitions


class PatientIndex:
    """Every record grouped by patient, built once; yields :class:`PatientRecords` in id order.

    With ``partitions`` > 1 only the patients of ``partition`` (see :func:`partition_of`) are
    indexed, so each part of a partitioned audit holds and visits only its own patients.
    """

    def __init__(self, batch: Batch, partition: int = 0, partitions: int = 1) -> None:
        self.batch = batch
        bundle = batch.bundle
        self._lines: dict[str, list[BilledLine]] = defaultdict(list)
        for line in bundle.of(ClaimLine):
            claim = batch.claims.get(line.claim_id)
            if claim is not None:  # NOTE: orphan lines are BHI-DATA-001 findings
                self._lines[claim.patient_id].append(BilledLine(line=line, claim=claim))
        self._kinds = {
            "time_entries": _by_patient(bundle.of(TimeEntry)),
            "consents": _by_patient(bundle.of(Consent)),
            "assessments": _by_patient(bundle.of(Assessment)),
            "care_plans": _by_patient(bundle.of(CarePlan)),
            "visits": _by_patient(bundle.of(Visit)),
            "enrollments": _by_patient(bundle.of(RegistryEnrollment)),
            "episodes": _by_patient(bundle.of(Episode)),
        }
        ids = set(self._lines) | set(batch.patients)
        for grouped in self._kinds.values():
            ids |= set(grouped)
        if partitions > 1:
            ids = {i for i in ids if partition_of(i, partitions) == partition}
        self.ids: list[str] = sorted(ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[PatientRecords]:
        for patient_id in self.ids:
            yield self.records(patient_id)

    def records(self, patient_id: str) -> PatientRecords:
        """Everything about one patient."""
        kinds = self._kinds
        return PatientRecords(
            patient_id=patient_id,
            patient=self.batch.patients.get(patient_id),
            lines=tuple(
                sorted(
                    self._lines.get(patient_id, ()),
                    key=lambda b: (b.date_of_service, b.line.claim_id, b.line.line_number),
                )
            ),
            time_entries=_sorted(kinds["time_entries"], patient_id, "date", "entry_id"),
            consents=_sorted(kinds["consents"], patient_id, "date_obtained", "consent_id"),
            assessments=_sorted(kinds["assessments"], patient_id, "date", "assessment_id"),
            care_plans=_sorted(kinds["care_plans"], patient_id, "created", "care_plan_id"),
            visits=_sorted(kinds["visits"], patient_id, "date", "visit_id"),
            enrollments=_sorted(kinds["enrollments"], patient_id, "enrolled_on", "enrollment_id"),
            episodes=_sorted(kinds["episodes"], patient_id, "start", "episode_id"),
            batch=self.batch,
        )


def _sorted(
    grouped: dict[str, list[object]], patient_id: str, date_attr: str, id_attr: str
) -> tuple:  # type: ignore[type-arg]
    """A patient's records of one kind, by date (undated first) then id."""
    return tuple(
        sorted(
            grouped.get(patient_id, []),
            key=lambda r: (getattr(r, date_attr) or date.min, getattr(r, id_attr)),
        )
    )
