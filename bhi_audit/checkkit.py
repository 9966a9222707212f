"""The check toolkit: what more than one check needs, in one place checks (and plugins) import.

Why a module of the package, not ``checks/_toolkit.py``: ``checks/`` holds one check per
module, listed in ``BUILTIN`` and matched file for file by the architecture test, and a
checks directory skips ``_*.py`` files by convention — a helper module there would be the one
exception to both. Here it sits beside ``checkapi`` (the contract), ``codes``, ``episodes`` and
``timecount`` (the shared domain helpers), on the same side of the layering: it reads the
context and the models and never imports a check, the engine or the registry. A check never
imports another check (tests/test_architecture.py); what two checks share moves here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bhi_audit.codes import COCM, program_of
from bhi_audit.context import BilledLine, PatientMonth, PatientRecords
from bhi_audit.models import CarePlan, Program, RegistryEnrollment, TimeEntry, Visit

#: CoCM lines of a month: the CoCM codes and the APCM add-ons that furnish CoCM (G0568 initial,
#: G0569 subsequent; §1.9), which carry the same team requirements.
COCM_MONTH_CODES = COCM | {"G0568", "G0569"}

#: Office/outpatient E/M visits.
EM_VISITS = frozenset(
    {"99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"}
)
#: Visits that can initiate BHI/CoCM (§3.3a): E/M, AWV, IPPE, TCM.
QUALIFYING = EM_VISITS | {"G0438", "G0439", "G0402", "99495", "99496"}
#: A psychiatric diagnostic evaluation by the CP/CSW can initiate G0323 (§3.3c).
G0323_QUALIFYING = QUALIFYING | {"90791"}


@lru_cache(maxsize=4096)  # NOTE: a practice uses a handful of names, asked every month
def normalise(instrument: str) -> str:
    """A rating-scale name in comparable form: ``PHQ-9``, ``phq9`` and ``PHQ 9`` compare equal."""
    return "".join(ch for ch in instrument.upper() if ch.isalnum())


def clock_span(entry: TimeEntry) -> tuple[int, int] | None:
    """The entry's start and end as minutes after midnight, or None without both clock times."""
    if entry.start_time is None or entry.end_time is None:
        return None
    start = entry.start_time.hour * 60 + entry.start_time.minute
    return start, entry.end_time.hour * 60 + entry.end_time.minute


def enrollment_in_force(month: PatientMonth) -> RegistryEnrollment | None:
    """The patient's latest registry enrollment in force during the month."""
    current = [
        e
        for e in month.records.enrollments
        if e.enrolled_on <= month.month.last_day
        and (e.ended_on is None or e.ended_on >= month.month.first_day)
    ]
    return current[-1] if current else None


def general_bhi_plans(month: PatientMonth) -> list[CarePlan]:
    """The patient's general-BHI care plans created by the month's end."""
    end = month.month.last_day
    return [p for p in month.records.care_plans if p.program is Program.BHI and p.created <= end]


@dataclass(frozen=True)
class Start:
    """Where a billing practitioner's BHI/CoCM for the patient starts in the records."""

    practitioner: str
    line: BilledLine
    first_service: date
    window_start: date
    qualifying: frozenset[str]


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def starts(records: PatientRecords) -> list[Start]:
    """The first BHI/CoCM line of each billing practitioner, with its initiating-visit lookback
    window (the year before that month's first BHI/CoCM service, §3.3b).

    NOTE: derived once per patient (``records.memo``; two checks ask), a new list each time.
    """
    found = records.memo.get(starts)
    if not isinstance(found, tuple):
        found = records.memo[starts] = tuple(_starts(records))
    return list(found)


def _starts(records: PatientRecords) -> list[Start]:
    found: dict[str, Start] = {}
    for billed in records.lines:
        program = program_of(billed.code)
        practitioner = billed.billing_practitioner
        if program not in (Program.BHI, Program.COCM) or not practitioner:
            continue
        if practitioner in found:
            if billed.code == "G0323":
                old = found[practitioner]
                found[practitioner] = Start(
                    old.practitioner,
                    old.line,
                    old.first_service,
                    old.window_start,
                    old.qualifying | G0323_QUALIFYING,
                )
            continue
        entries = [
            e.date
            for e in records.time_entries
            if e.date is not None
            and e.date.year == billed.date_of_service.year
            and e.date.month == billed.date_of_service.month
            and program in e.program
        ]
        first = min([billed.date_of_service, *entries])
        found[practitioner] = Start(
            practitioner,
            billed,
            first,
            _year_before(first),
            G0323_QUALIFYING if billed.code == "G0323" else QUALIFYING,
        )
    return [found[p] for p in sorted(found)]


def in_group(records: PatientRecords, practitioner: str, other: str | None) -> bool:
    """Whether ``other`` is ``practitioner`` or shares their roster group."""
    if other is None:
        return False
    if other == practitioner:
        return True
    batch = records.batch
    mine, theirs = batch.staff_member(practitioner), batch.staff_member(other)
    return bool(mine and theirs and mine.group_id and mine.group_id == theirs.group_id)


def visits_in_window(records: PatientRecords, start: Start) -> list[Visit]:
    """Visits (any code) by the practitioner or their group inside the start's window."""
    return [
        v
        for v in records.visits
        if start.window_start <= v.date <= start.first_service
        and in_group(records, start.practitioner, v.practitioner_id)
    ]
