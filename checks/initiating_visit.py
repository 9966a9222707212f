"""An initiating visit by the billing practitioner in the 12 months before BHI/CoCM starts.

Qualifying: office/outpatient E/M (99202-99215), AWV (G0438/G0439), IPPE (G0402) or TCM
(99495/99496); for G0323 also a 90791.

Why: CMS requires an initiating visit for new patients and for patients not seen by the billing
practitioner within a year before BHI services start; without it the first months are not
payable. The start is the first month the records show the practitioner billing BHI/CoCM for
the patient; the window is the year before that month's first BHI/CoCM service, up to and
including that day. A patient with any visit by the practitioner (or a practitioner of the same
roster group) in the window was "seen" and passes here; BHI-INIT-002 warns when that visit is
not a qualifying type, is a 99211, or was by a colleague rather than the practitioner. "No
visit in the last year" is only concluded when that whole year lies inside the period the
records cover (the ``period`` record, or the span of the records); otherwise the result is
"not verifiable", naming the missing months.
Source: rulebook §3.3a-c and §9 BHI-INIT-001; [S-AAFP]; [S-NGS-BHI] ("Initiating visit");
BCBS ND care-management policy quoting CMS.
Passes: P1, 99484 by D1 first billed 2026-03 (first service 2026-03-04); visit 99214 by D1
on 2025-03-04 (boundary: exactly one year before) or later; records cover 2025-01..2026-03.
Fails: the only visit by D1 was on 2025-03-03 (error); the only visit was by D9 outside the
group (error); records cover only 2026-01..2026-03 and show no visit (not verifiable).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI, program_of
from bhi_audit.context import BilledLine, PatientRecords
from bhi_audit.models import Program, Visit

ID = "BHI-INIT-001"
NAME = "initiating-visit"
SCOPE = "patient"
DEFAULT_SEVERITY = "error"
CODES = GENERAL_BHI | COCM_ALL

EM_VISITS = frozenset(
    {"99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"}
)
QUALIFYING = EM_VISITS | {"G0438", "G0439", "G0402", "99495", "99496"}
#: A psychiatric diagnostic evaluation by the CP/CSW can initiate G0323 (§3.3c).
G0323_QUALIFYING = QUALIFYING | {"90791"}


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
    """The first BHI/CoCM line of each billing practitioner, with its lookback window."""
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


def check(records: PatientRecords, options: None) -> Iterator[Problem]:
    """One problem per billing practitioner whose BHI/CoCM start lacks an initiating visit."""
    batch = records.batch
    for start in starts(records):
        line = start.line.line
        if not batch.provided("visits"):
            yield Problem(
                message="initiating visit not verifiable: no visit records in the input",
                record=line,
                field="initiating_visit",
                unverifiable=True,
            )
            continue
        if visits_in_window(records, start):
            continue
        if not batch.coverage.covers(start.window_start, start.first_service):
            yield Problem(
                message=(
                    f"initiating visit not verifiable: no visit by {start.practitioner} found, "
                    f"but the records cover {batch.coverage.start} to {batch.coverage.end}, not "
                    f"the whole year before the first service ({start.window_start} to "
                    f"{start.first_service})"
                ),
                record=line,
                field="initiating_visit",
                evidence=(line,),
                unverifiable=True,
            )
            continue
        others = [v for v in records.visits if start.window_start <= v.date <= start.first_service]
        detail = "; visits in the window were by practitioners outside the group" if others else ""
        yield Problem(
            message=(
                f"no initiating visit: no visit by {start.practitioner} or their group in the 12 "
                f"months before the first BHI/CoCM service ({start.window_start} to "
                f"{start.first_service}){detail}"
            ),
            record=line,
            field="initiating_visit",
            evidence=(line, *others),
            facts={
                "window_start": start.window_start.isoformat(),
                "first_service": start.first_service.isoformat(),
            },
        )
