"""Countable minutes: which logged time may count toward a BHI or CoCM code in a month.

Why one module: every time rule (thresholds, 99494 units, date of service, under-billing,
double counting) must agree on the same arithmetic. The rules, from the rulebook:

- only entries of the right program, dated in the calendar month (§5.4a, BHI-TIME-006);
- an entry logged to several programs that are billed that month counts toward none: a
  minute cannot count twice (§2.9); if its other programs are not billed, it counts;
- time that belongs to a separately billed service does not count (§2.7b-c);
- psychiatric-consultant time does not count toward the care-manager thresholds (§2.7d);
- CoCM counts the care manager's and the treating practitioner's time (§2.7a-b); general BHI
  counts clinical staff and the billing practitioner (§2.8); G0323 only the billing
  CP/CSW/MHC/MFT's own time (§2.2);
- an entry with no staff member or no duration proves nothing and does not count;
- where entries carry clock times, minutes that overlap another entry of the same staff
  member on the same day count once, and never when the other entry is another program's.

The result does not depend on the order of the time log (entries are sorted first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import clock_span
from bhi_audit.codes import (
    COCM_ADDON,
    COCM_INITIAL,
    COCM_SHORT,
    COCM_SUBSEQUENT,
    GENERAL_BHI,
    program_of,
)
from bhi_audit.context import Batch, BilledLine, PatientMonth
from bhi_audit.models import Program, Role, TimeEntry
from bhi_audit.policy import Thresholds


@dataclass(frozen=True)
class Exclusion:
    """Minutes of one entry that do not count, and why."""

    entry: TimeEntry
    minutes: int
    reason: str


@dataclass(frozen=True)
class Tally:
    """The countable minutes of one program in one patient-month."""

    program: Program
    counted: tuple[tuple[TimeEntry, int], ...]
    excluded: tuple[Exclusion, ...]
    #: Counted entries whose staff role could not be checked because the input has no staff
    #: records (they might be, say, psychiatric-consultant time).
    unverified: tuple[TimeEntry, ...] = ()

    @property
    def minutes(self) -> int:
        """Countable minutes."""
        return sum(minutes for _, minutes in self.counted)

    @property
    def verified_minutes(self) -> int:
        """Countable minutes whose staff role was checked (all of them when staff is given)."""
        unverified = {e.entry_id for e in self.unverified}
        return sum(minutes for e, minutes in self.counted if e.entry_id not in unverified)

    @property
    def logged(self) -> int:
        """All minutes logged to the program this month, countable or not."""
        return self.minutes + sum(x.minutes for x in self.excluded)

    @property
    def entries(self) -> tuple[TimeEntry, ...]:
        """Every entry considered, counted or not (the evidence behind the tally)."""
        return (*(e for e, _ in self.counted), *(x.entry for x in self.excluded))

    def reached_on(self, threshold: int) -> date | None:
        """The day the cumulative countable minutes first reached ``threshold``."""
        total = 0
        for entry, minutes in self.counted:
            total += minutes
            if total >= threshold and minutes > 0:
                return entry.date
        return None

    def describe(self) -> str:
        """``45 logged; excluded: T5 14 min (psychiatric consultant time)``."""
        text = f"{self.logged} min logged"
        if self.excluded:
            parts = [f"{x.entry.entry_id} {x.minutes} min ({x.reason})" for x in self.excluded]
            text += "; not counted: " + ", ".join(parts)
        return text


_clock = clock_span  # NOTE: one clock arithmetic for every caller (bhi_audit.checkkit)


def _clocked(entries: Iterable[TimeEntry]) -> list[tuple[TimeEntry, tuple[int, int] | None]]:
    """Each entry with its clock span, by date, start time (none first) and id."""
    clocked = [(entry, _clock(entry)) for entry in entries]
    clocked.sort(
        key=lambda pair: (
            pair[0].date or date.min,
            pair[1][0] if pair[1] else -1,
            pair[0].entry_id,
        )
    )
    return clocked


def _role_reason(
    entry: TimeEntry, program: Program, batch: Batch, practitioner: str | None, own_only: bool
) -> str | None:
    """Why this staff member's time does not count, or None if it does."""
    staff_id = entry.staff_id
    if own_only:
        return None if staff_id == practitioner else "not the billing practitioner's own time"
    if staff_id == practitioner:
        return None
    if not batch.provided("staff"):
        return None  # the roster was not given: role cannot be disproved
    member = batch.staff_member(staff_id)
    if member is None:
        return f"staff {staff_id} is not on the roster"
    if member.has_role(Role.PSYCHIATRIC_CONSULTANT) and not member.has_role(Role.BHCM):
        return "psychiatric consultant time"
    if program is Program.COCM:
        if member.has_role(Role.BHCM):
            return None
        return "not the care manager or treating practitioner"
    if member.has_role(Role.CLINICAL_STAFF) or member.has_role(Role.BHCM):
        return None
    return "not clinical staff or the billing practitioner"


def tally_minutes(
    entries: Iterable[TimeEntry],
    program: Program,
    batch: Batch,
    *,
    practitioner: str | None,
    own_time_only: bool = False,
    billed_programs: frozenset[Program] | None = None,
    as_logged_to_program: bool = False,
) -> Tally:
    """Tally the countable minutes of ``program`` among one patient-month's ``entries``.

    An entry logged to several programs counts toward none of them — unless
    ``billed_programs`` (the programs billed that month) is given and none of the entry's
    other programs is billed: then no minute can be claimed twice and it counts here.
    ``as_logged_to_program`` tallies every entry as if it had been logged to ``program``
    alone: the model comparison's what-if (:mod:`bhi_audit.comparison`).
    """
    ordered = _clocked(entries)
    other_busy: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
    for entry, clock in () if as_logged_to_program else ordered:
        if program in entry.program:
            continue
        if clock and entry.staff_id and entry.date:
            other_busy[(entry.staff_id, entry.date)].append(clock)
    own_busy: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
    counted: list[tuple[TimeEntry, int]] = []
    excluded: list[Exclusion] = []
    for entry, clock in ordered:
        if not as_logged_to_program and program not in entry.program:
            continue
        logged = entry.duration or 0
        reason = _entry_reason(
            entry,
            program,
            batch,
            practitioner,
            own_time_only,
            billed_programs,
            alone=as_logged_to_program,
        )
        if reason:
            excluded.append(Exclusion(entry, logged, reason))
            continue
        minutes = logged
        if clock and entry.staff_id and entry.date:
            key = (entry.staff_id, entry.date)
            busy = own_busy[key]
            if not busy and key not in other_busy:  # NOTE: the usual case: nothing overlaps
                free = fresh = [clock]
            else:
                free = _uncovered(clock, other_busy[key])
                fresh = _uncovered_spans(free, busy)
            minutes = min(logged, _length(fresh))
            busy.append(clock)
            if minutes < logged:  # NOTE: nothing lost, nothing to explain (most entries)
                excluded.extend(_split_lost(entry, logged - minutes, clock, free, fresh))
        counted.append((entry, minutes))
    unverified = tuple(
        entry
        for entry, _ in counted
        if not own_time_only and entry.staff_id != practitioner and not batch.provided("staff")
    )
    return Tally(
        program=program, counted=tuple(counted), excluded=tuple(excluded), unverified=unverified
    )


def _entry_reason(
    entry: TimeEntry,
    program: Program,
    batch: Batch,
    practitioner: str | None,
    own: bool,
    billed_programs: frozenset[Program] | None = None,
    *,
    alone: bool = False,
) -> str | None:
    # NOTE: an entry of one program (most of them) has no other: no sets made for it.
    others = set() if alone or len(entry.program) < 2 else set(entry.program) - {program}
    if others and (billed_programs is None or others & billed_programs):
        names = ", ".join(sorted(p.value for p in entry.program))
        return f"logged to several programs ({names})"
    if entry.duration is None:
        return "no duration"
    if not entry.staff_id:
        return "no staff member recorded"
    if entry.billed_service:
        return f"belongs to separately billed {entry.billed_service}"
    return _role_reason(entry, program, batch, practitioner, own)


def _split_lost(
    entry: TimeEntry,
    lost: int,
    clock: tuple[int, int],
    free: list[tuple[int, int]],
    fresh: list[tuple[int, int]],
) -> Iterator[Exclusion]:
    """Explain the ``lost`` minutes of a clocked entry, each minute once.

    NOTE: ``minutes`` may disagree with the clock times. Lost minutes are put first on the
    overlap with another program, then on the overlap with this program's counted entries,
    and any rest on minutes logged beyond the clock span.
    """
    span = _length([clock])
    for reason, most in (
        ("overlaps another program's time", span - _length(free)),
        ("overlaps a time entry already counted", _length(free) - _length(fresh)),
        (f"more minutes than its clock times ({span} min)", lost),
    ):
        part = min(lost, most)
        if part > 0:
            yield Exclusion(entry, part, reason)
            lost -= part


def _length(spans: Iterable[tuple[int, int]]) -> int:
    return sum(end - start for start, end in spans)


def _uncovered(span: tuple[int, int], busy: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Parts of ``span`` not covered by any interval in ``busy``."""
    return _uncovered_spans([span], busy)


def _uncovered_spans(
    spans: list[tuple[int, int]], busy: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    pieces = list(spans)
    for b_start, b_end in busy:
        next_pieces: list[tuple[int, int]] = []
        for start, end in pieces:
            if b_end <= start or b_start >= end:
                next_pieces.append((start, end))
                continue
            if start < b_start:
                next_pieces.append((start, b_start))
            if b_end < end:
                next_pieces.append((b_end, end))
        pieces = next_pieces
    return pieces


def tally_for(month: PatientMonth, billed: BilledLine) -> Tally:
    """The countable minutes behind one billed BHI/CoCM line in its patient-month.

    G0323 counts only the billing CP/CSW/MHC/MFT's own time (§2.2); other general-BHI codes
    count the BHI program, CoCM codes the COCM program.
    """
    code = billed.code
    program = Program.BHI if code in GENERAL_BHI else Program.COCM
    own_time_only = code == "G0323"
    # NOTE: several checks tally the same month the same way; a Tally is immutable, so the
    # month computes each distinct tally once.
    key = ("tally", program, billed.billing_practitioner, own_time_only)
    cached = month.memo.get(key)
    if isinstance(cached, Tally):
        return cached
    billed_programs = frozenset(p for p in (program_of(b.code) for b in month.lines) if p)
    tally = tally_minutes(
        month.time_entries,
        program,
        month.batch,
        practitioner=billed.billing_practitioner,
        own_time_only=own_time_only,
        billed_programs=billed_programs,
    )
    month.memo[key] = tally
    return tally


def unverified_roles(billed: BilledLine, tally: Tally, required: int | None) -> Problem:
    """The unverifiable finding for a month that passes only on time by unchecked roles.

    Without staff records a time entry's role cannot be checked, so its minutes are counted
    in good faith; when the month reaches its threshold only thanks to them, the result is
    "not verifiable", never a silent pass.
    """
    need = f" (< {required} required)" if required is not None else ""
    return Problem(
        message=(
            f"{billed.code} minutes not verifiable: {tally.minutes} min counted, of which "
            f"{tally.verified_minutes} by the billing practitioner{need}; the roles of the "
            "others need staff records"
        ),
        record=billed.line,
        field="minutes",
        evidence=(billed.line, *tally.unverified),
        unverifiable=True,
        facts={"countable_minutes": tally.minutes, "verified_minutes": tally.verified_minutes},
    )


def month_covered(month: PatientMonth) -> bool:
    """Whether the records cover the whole calendar month (a stated ``period`` may not).

    When they do not, minutes logged on the uncovered days are unknown: a month short of its
    threshold is then "not verifiable", not an error.
    """
    return month.fully_covered


def partial_month(
    month: PatientMonth, billed: BilledLine, tally: Tally, required: int, what: str
) -> Problem:
    """The unverifiable finding for a month short of ``required`` minutes whose days the
    records given cover only in part (see :func:`month_covered`)."""
    coverage = month.batch.coverage
    return Problem(
        message=(
            f"{what} not verifiable: {tally.minutes} countable min (< {required} required), "
            f"but the records cover only {coverage.start} to {coverage.end}"
        ),
        record=billed.line,
        field="minutes",
        evidence=(billed.line, *tally.entries),
        unverifiable=True,
        facts={"countable_minutes": tally.minutes, "required_minutes": required},
    )


def base_threshold(code: str, thresholds: Thresholds) -> int | None:
    """Minutes a timed monthly code needs before it may be billed (None for untimed codes).

    99484/G0323 >= 20 (§2.1-2.2); 99492 >= 36 and 99493 >= 31 (§2.3); G2214 from its floor
    (§2.5, D1: the year policy's value, 16 by default).
    """
    return {
        "99484": thresholds.general_bhi_minutes,
        "G0323": thresholds.general_bhi_minutes,
        COCM_INITIAL: thresholds.cocm_initial_minutes,
        COCM_SUBSEQUENT: thresholds.cocm_subsequent_minutes,
        COCM_SHORT: thresholds.g2214_floor,
    }.get(code)


def addon_threshold(units: int, initial: bool, thresholds: Thresholds) -> int:
    """Minutes needed before ``units`` 99494 units may be billed (§2.4 ladder: 86/116/... or
    76/106/...)."""
    base = thresholds.cocm_initial_base if initial else thresholds.cocm_subsequent_base
    return base + thresholds.addon_first_extra + thresholds.addon_block * (units - 1)


def supported_cocm_codes(minutes: int, initial: bool, thresholds: Thresholds) -> dict[str, int]:
    """The CoCM codes and units that ``minutes`` of countable time support (§2.4 table).

    Empty below the G2214 floor; G2214 x1 up to the base threshold; then 99492 (initial) or
    99493 (subsequent) with the 99494 units the minutes support.
    """
    base_needed = thresholds.cocm_initial_minutes if initial else thresholds.cocm_subsequent_minutes
    if minutes >= base_needed:
        codes = {COCM_INITIAL if initial else COCM_SUBSEQUENT: 1}
        units = thresholds.addon_units_supported(minutes, initial)
        if units:
            codes[COCM_ADDON] = units
        return codes
    if minutes >= thresholds.g2214_floor:
        return {COCM_SHORT: 1}
    return {}


def minimum_minutes_problems(
    month: PatientMonth, billed: BilledLine, required: int, label: str, *, name_code: bool = False
) -> Iterator[Problem]:
    """What a timed base code's minimum yields: nothing, or one problem, in this order.

    No time log in the input → not verifiable; threshold met only thanks to staff whose role
    cannot be checked → not verifiable; short in a month the records only partly cover → not
    verifiable; otherwise short → the violation, worded ``{label}: N countable min (< R
    required)``, or ``(< R required for CODE)`` with ``name_code``.
    """
    if not month.batch.provided("time_entries"):
        yield Problem(
            message=f"{billed.code} minutes not verifiable: no time log in the input",
            record=billed.line,
            field="minutes",
            unverifiable=True,
        )
        return
    tally = tally_for(month, billed)
    if tally.minutes >= required:
        if tally.verified_minutes < required:
            yield unverified_roles(billed, tally, required)
        return
    if not month_covered(month):
        yield partial_month(month, billed, tally, required, f"{billed.code} minutes")
        return
    requirement = f" for {billed.code}" if name_code else ""
    yield Problem(
        message=(
            f"{label}: {tally.minutes} countable min (< {required} required{requirement}); "
            f"{tally.describe()}"
        ),
        record=billed.line,
        field="minutes",
        evidence=(billed.line, *tally.entries),
        facts={
            "countable_minutes": tally.minutes,
            "required_minutes": required,
            "logged_minutes": tally.logged,
        },
    )
