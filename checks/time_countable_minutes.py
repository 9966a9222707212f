"""Say which logged BHI/CoCM minutes did not count, and flag entries too incomplete to count.

Why: a month can have enough minutes logged and still too few that count: psychiatric consultant
time, time that belongs to a separately billed service (psychotherapy, E/M, CCM, TCM, RPM),
entries logged to two programs, staff outside the role the code allows, and entries with no
staff member or duration do not count (§2.7-2.9); entries outside the calendar month belong to
another month. The shortfall itself is already an error of BHI-TIME-001/002/004 on the claim
line, so this check does not report it a second time as an error: it explains it, as a warning
on the same line listing each excluded entry as evidence (same line, so the money at risk is
counted once). The same holds for 99494 units that the logged minutes would support but the
countable ones do not (BHI-TIME-003's error; the warning goes on the 99494 line). When a short
month's shortfall is made up by time logged in the month before or after, which billed nothing
for that program, the warning says so. Entries with no date belong to no month and silently
vanish from every tally; entries with no staff member or duration cannot count; each is a
warning. Documentation quality (credential, narrative, clock times) is BHI-DOC-001's.
Source: rulebook §2.7a-d, §2.8, §2.9, §5.4a and §9 BHI-TIME-006; NCTracks quoting CPT;
[S-NGS-BHI]; [S-FAQ].
Passes: P1 2026-03, 99493 with 40 countable of 40 logged minutes; every BHI/CoCM entry has a
date, a staff member and a duration.
Fails: P1 2026-03, 99493 with 40 logged minutes of which 15 are the psychiatric consultant's (25
countable < 31; warning "dropped-below-threshold"); 99492 + 99494 with 90 logged minutes of
which 10 are the consultant's (80 countable support no 99494 unit); entry T9 logged to COCM with
no date (warning "incomplete-entry"); 99484 dated 2026-03-31 with 12 minutes in March and 10
logged on 2026-04-02 (warning "out-of-month").
Not verifiable: never reported: without a time log the minimum checks (which REQUIRE it) say so
once. Hence no REQUIRES here, which would say it twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import (
    COCM_ADDON,
    COCM_BASE,
    COCM_INITIAL,
    COCM_SHORT,
    GENERAL_BHI_TIMED,
    program_of,
)
from bhi_audit.context import BilledLine, PatientMonth, PatientRecords
from bhi_audit.models import Program, TimeEntry
from bhi_audit.months import Month
from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import base_threshold, tally_for

ID = "BHI-TIME-006"
NAME = "countable-minutes"
SCOPE = "patient"
DEFAULT_SEVERITY = "warning"
SEVERITIES = {
    "dropped-below-threshold": "warning",
    "out-of-month": "warning",
    "incomplete-entry": "warning",
}
CODES = GENERAL_BHI_TIMED | COCM_BASE | {COCM_SHORT, COCM_ADDON}
#: The timed base codes, whose own thresholds this check explains.
BASE_CODES = CODES - {COCM_ADDON}
ADDON = frozenset({COCM_ADDON})
BEHAVIORAL = frozenset({Program.BHI, Program.COCM})


def _addon_units_lost(unit: PatientMonth) -> Iterator[Problem]:
    """Explain 99494 units the logged minutes would support but the countable ones do not."""
    addons = unit.lines_with(ADDON)
    bases = unit.lines_with(COCM_BASE)
    if not addons or not bases:
        return  # a 99494 without a base code is BHI-EXCL-004's finding
    base = bases[0]
    initial = any(b.code == COCM_INITIAL for b in bases)
    thresholds = thresholds_for(base.date_of_service)
    tally = tally_for(unit, base)
    billed = sum(b.line.units for b in addons)
    supported = thresholds.addon_units_supported(tally.minutes, initial)
    if billed <= supported or billed > thresholds.addon_units_supported(tally.logged, initial):
        return  # enough countable time, or too little logged anyway (BHI-TIME-003 alone)
    reasons = "; ".join(f"{x.entry.entry_id} {x.minutes} min ({x.reason})" for x in tally.excluded)
    yield Problem(
        message=(
            f"99494 x{billed}: {tally.logged} min logged but {tally.minutes} countable "
            f"(supports {supported} unit(s)); not counted: {reasons}"
        ),
        record=addons[-1].line,
        field="minutes",
        evidence=tuple(x.entry for x in tally.excluded),
        facts={
            "logged_minutes": tally.logged,
            "countable_minutes": tally.minutes,
            "billed_units": billed,
            "supported_units": supported,
        },
        variant="dropped-below-threshold",
    )


def _out_of_month(
    records: PatientRecords, billed: BilledLine, countable: int, required: int
) -> Iterator[Problem]:
    """Explain a short month whose shortfall sits in an adjacent month that billed nothing."""
    program = program_of(billed.code)
    month = Month.of(billed.date_of_service)
    outside: list[TimeEntry] = []
    for neighbour in (month.plus(-1), month.plus(1)):
        unit = records.month(neighbour)
        if any(program_of(b.code) is program for b in unit.lines) or program is None:
            continue
        outside.extend(e for e in unit.entries_for(program) if e.duration and e.staff_id)
    extra = sum(e.duration or 0 for e in outside)
    if not outside or countable + extra < required:
        return
    ids = ", ".join(f"{e.entry_id} {e.date}" for e in outside)
    yield Problem(
        message=(
            f"{billed.code}: {countable} countable min in {month} (< {required}); {extra} min "
            f"logged in the adjacent month(s) ({ids}) cannot count toward a {month} date of "
            "service"
        ),
        record=billed.line,
        field="date",
        evidence=tuple(outside),
        facts={"countable_minutes": countable, "outside_minutes": extra},
        variant="out-of-month",
    )


def check(records: PatientRecords, options: None) -> Iterator[Problem]:
    """One problem per billed line whose exclusions drop it below its threshold, and one per
    incomplete BHI/CoCM time entry."""
    if not records.batch.provided("time_entries"):
        return  # the minimum checks report the missing time log as not verifiable
    for month in records.months:
        unit = records.month(month)
        yield from _addon_units_lost(unit)
        for billed in unit.lines_with(BASE_CODES):
            required = base_threshold(billed.code, thresholds_for(billed.date_of_service))
            tally = tally_for(unit, billed)
            if required is None or tally.minutes >= required:
                continue
            if tally.logged < required:
                yield from _out_of_month(records, billed, tally.minutes, required)
                continue
            reasons = "; ".join(
                f"{x.entry.entry_id} {x.minutes} min ({x.reason})" for x in tally.excluded
            )
            yield Problem(
                message=(
                    f"{billed.code}: {tally.logged} min logged but {tally.minutes} countable "
                    f"(< {required}); not counted: {reasons}"
                ),
                record=billed.line,
                field="minutes",
                evidence=tuple(x.entry for x in tally.excluded),
                facts={
                    "logged_minutes": tally.logged,
                    "countable_minutes": tally.minutes,
                    "required_minutes": required,
                },
                variant="dropped-below-threshold",
            )
    for entry in records.time_entries:
        if BEHAVIORAL.isdisjoint(entry.program):
            continue
        missing = [
            name
            for name, absent in (
                ("date", entry.date is None),
                ("staff member", not entry.staff_id),
                ("duration", entry.duration is None),
            )
            if absent
        ]
        if missing:
            yield Problem(
                message=(
                    f"time entry {entry.entry_id} cannot count toward any month: no "
                    + ", no ".join(missing)
                ),
                record=entry,
                field={"date": "date", "staff member": "staff_id"}.get(missing[0], "minutes"),
                evidence=(entry,),
                variant="incomplete-entry",
            )
