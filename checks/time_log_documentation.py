"""Each BHI/CoCM time entry documents who (named, with a credential), what, and for how long.

Why: who means a staff member on the roster with a name and a credential; what, an activity
narrative; how long, minutes that agree with the entry's clock times. Missing or unverifiable
time documentation is the main reason care-management claims fail audit (CERT put the 2019 CCM
improper-payment rate at 66.2%, mostly documentation; OIG found no claim edits). An auditor
needs, for every minute counted: the date, how long (minutes or start and end times, and if both
are given they must agree), who (a named staff member with a credential) and what was done.
Entries with no date, staff member or duration cannot count at all and are reported by
BHI-TIME-006; this check covers the rest, one warning per entry listing every gap. Without a
staff roster the credential part is not verifiable and is said once.
Source: rulebook §7.3, §7.5 item 4 and §9 BHI-DOC-001; [S-OIG19]; [S-OIG21]; HBE Advisors
(CERT).
Passes: entry T1: 2026-03-04, 09:00-09:20 and 20 minutes, by N1 (LCSW, on the roster),
activity "care coordination call".
Fails: entry T2 with no activity or note; T3 with 30 minutes but 09:00-09:20; T4 by S9 who is
not on the roster or has no name or credential on it.
Not verifiable: said by the check itself, not by REQUIRES, as without a staff roster only the
credential part is left open (said once); the rest of each entry is judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import clock_span
from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.context import PatientRecords
from bhi_audit.models import Program, TimeEntry

ID = "BHI-DOC-001"
NAME = "time-log-documentation"
SCOPE = "patient"
DEFAULT_SEVERITY = "warning"
CODES = GENERAL_BHI | COCM_ALL


def _gaps(entry: TimeEntry, records: PatientRecords) -> list[tuple[str, str]]:
    batch = records.batch
    gaps: list[tuple[str, str]] = []
    span = clock_span(entry)
    clock = span[1] - span[0] if span else None
    if entry.minutes is not None and clock is not None and clock != entry.minutes:
        gaps.append(("minutes", f"{entry.minutes} min but {clock} min between start and end"))
    if entry.staff_id and batch.provided("staff"):
        member = batch.staff_member(entry.staff_id)
        if member is None:
            gaps.append(("staff_id", f"staff {entry.staff_id} not on the roster"))
        else:
            absent = [
                what
                for what, value in (("name", member.name), ("credential", member.credential))
                if not (value or "").strip()
            ]
            if absent:
                gaps.append(
                    (
                        "staff_id",
                        f"staff {entry.staff_id} has no {' or '.join(absent)} on the roster",
                    )
                )
    if not entry.activity and not (entry.note or "").strip():
        gaps.append(("activity", "no activity narrative"))
    return gaps


def check(records: PatientRecords, options: None) -> Iterator[Problem]:
    """One problem per BHI/CoCM time entry with documentation gaps."""
    entries = [e for e in records.time_entries if set(e.program) & {Program.BHI, Program.COCM}]
    for entry in entries:
        gaps = _gaps(entry, records)
        if gaps:
            yield Problem(
                message=f"time entry {entry.entry_id}: " + "; ".join(text for _, text in gaps),
                record=entry,
                field=gaps[0][0],
                evidence=(entry,),
            )
    if entries and not records.batch.provided("staff"):
        yield Problem(
            message="time-log staff credentials not verifiable: no staff roster in the input",
            record=entries[0],
            field="staff_id",
            unverifiable=True,
        )
