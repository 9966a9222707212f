"""CCM or PCM billed beside BHI/CoCM in a month has time evidence that no minute counts twice.

Why: BHI/CoCM may share a month with CCM, PCM or TCM only if consent for each service is on
file and no minute counts toward both. Consent for each is already enforced as an error by
BHI-CONS-001 (BHI/CoCM) and BHI-CONS-004 (the companion service), and proven double counting by
BHI-TIME-007 (error); repeating those here would report one defect twice. What remains is the
evidence an auditor asks for when both are billed, whose absence is audit risk (warning): no
time entries for the time-based companion program in the month (its minutes cannot be shown to
be separate), or a staff member who logged both programs on one day without clock times
(non-overlap cannot be shown). TCM is not time-based: covered by BHI-TIME-007 only.
Source: rulebook §2.9, §3.2c, §4.5-4.7 and §9 BHI-EXCL-011; [S-FAQ]; [S-AAFP].
Passes: P1 2026-03, 99484 and 99490; BHI 09:00-09:25 and CCM 10:00-10:20 entries by N1.
Fails: P1 2026-03, 99484 and 99490 with no CCM time entry; N1 logging BHI and CCM on
2026-03-05 with minutes only (warning on the companion line).
Not verifiable: no time log; no companion time when the records given do not cover the whole
month. Said by the check itself, not by REQUIRES, as a time log is needed only when a companion
line is billed beside BHI/CoCM.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import CCM, COCM_ALL, GENERAL_BHI, PCM, program_of
from bhi_audit.context import PatientMonth
from bhi_audit.models import Program

ID = "BHI-EXCL-011"
NAME = "concurrent-care-management-evidence"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = CCM | PCM

_BEHAVIORAL = (GENERAL_BHI | COCM_ALL) - {"G0511"}


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """At most one problem per companion program billed beside BHI/CoCM this month."""
    behavioral = month.lines_with(_BEHAVIORAL)
    if not behavioral:
        return
    bh_programs = sorted({program_of(b.code) for b in behavioral}, key=str)
    for program in (Program.CCM, Program.PCM):
        lines = [b for b in month.lines if program_of(b.code) is program]
        if not lines:
            continue
        line = lines[0].line
        together = "+".join(p.value for p in bh_programs if p is not None)
        if not month.batch.provided("time_entries"):
            yield Problem(
                message=f"{program.value} {line.code} beside {together} in {month.month}: "
                "separate minutes not verifiable, no time log in the input",
                record=line,
                field="time_entries",
                unverifiable=True,
            )
            continue
        if not month.entries_for(program) and not month.fully_covered:
            yield Problem(
                message=f"{program.value} {line.code} beside {together} in {month.month}: no "
                f"{program.value} time in the records given, {month.coverage_gap}: "
                "not verifiable",
                record=line,
                field="time_entries",
                unverifiable=True,
            )
            continue
        missing = [] if month.entries_for(program) else [f"no {program.value} time logged"]
        missing.extend(_unprovable_days(month, program, bh_programs))
        if missing:
            yield Problem(
                message=f"{program.value} {line.code} beside {together} in {month.month}: "
                + "; ".join(missing),
                record=line,
                field="time_entries",
                evidence=(line, *(b.line for b in behavioral)),
                facts={"missing": "; ".join(missing)},
            )


def _unprovable_days(
    month: PatientMonth, program: Program, bh_programs: list[Program | None]
) -> list[str]:
    """Staff-days with both programs logged where an entry lacks clock times."""
    found = []
    days: dict[tuple[str, str], list[bool]] = {}
    for entry in month.time_entries:
        if entry.staff_id is None or entry.date is None:
            continue
        key = (entry.staff_id, entry.date.isoformat())
        sides = days.setdefault(key, [False, False, True])
        if program in entry.program:
            sides[0] = True
        if any(p in entry.program for p in bh_programs):
            sides[1] = True
        if (program in entry.program or any(p in entry.program for p in bh_programs)) and (
            entry.start_time is None or entry.end_time is None
        ):
            sides[2] = False
    for (staff, day), (mine, theirs, clocked) in sorted(days.items()):
        if mine and theirs and not clocked:
            found.append(f"{staff} logged both on {day} without clock times")
    return found
