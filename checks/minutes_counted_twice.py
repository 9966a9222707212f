"""No minute is counted toward both BHI/CoCM and another care-management service billed that month.

Why: BHI or CoCM may be billed beside CCM, PCM, TCM, RPM or DMHT only if the time and effort
used for one is not counted toward the other; double-counted minutes are recouped. Three
patterns show it in a time log: one entry attributed to both programs; clock times of a BHI/CoCM
entry overlapping another program's entry by the same staff member; and (warning) two entries
by the same person on the same day with the same minutes and the same description, one per
program.
Source: rulebook §2.9, §4.5-4.7 and §9 BHI-TIME-007; [S-FAQ]; [S-AAFP]; [S-OIG19] and
[S-OIG21] (overlapping care management as a top CCM overpayment).
Passes: P7 2026-03, 99484 and 99490 billed; BHI entries 09:00-09:25 and CCM entries 10:00-10:20.
Fails: P7 2026-03, one 20-minute entry logged as BHI;CCM; or BHI 09:00-09:30 and CCM
09:15-09:45 by the same nurse (15 minutes counted twice). The BHI/CoCM line's dollars are at risk
only when its month falls below the threshold without the shared minutes.
Not verifiable: no time log in the input, when BHI/CoCM and another program are billed in the
month. Not by REQUIRES, as months billing one program need no time log here.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import clock_span
from bhi_audit.codes import BEHAVIORAL_PROGRAMS, COCM_ALL, GENERAL_BHI, program_of
from bhi_audit.context import BilledLine, PatientMonth
from bhi_audit.models import Program
from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import base_threshold, tally_for

ID = "BHI-TIME-007"
NAME = "minutes-counted-twice"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"probable-duplicate": "warning"}
CODES = GENERAL_BHI | COCM_ALL


def _behavioral(
    month: PatientMonth, programs: set[Program], behavioral: set[Program]
) -> BilledLine:
    wanted = programs & behavioral
    return next(b for b in month.lines_with(CODES) if program_of(b.code) in wanted)


def _spare(month: PatientMonth, billed: BilledLine, still_counted: int) -> int | None:
    """Countable minutes the BHI/CoCM line keeps above its threshold without the shared
    minutes, or None when it falls short (or has no threshold).

    ``still_counted`` is how many of the shared minutes the countable-minutes tally still
    counts toward the line (a two-program entry and clock-time overlap are already left out).
    """
    required = base_threshold(billed.code, thresholds_for(billed.date_of_service))
    if required is None:
        return None
    left = tally_for(month, billed).minutes - still_counted
    return left if left >= required else None


def _problem(
    month: PatientMonth, billed: BilledLine, message: str, still_counted: int, **kwargs: object
) -> Problem:
    """The problem on ``billed``; no dollars at risk when the line's month meets its threshold
    without the shared minutes (the minutes are claimed twice, the line is still supported)."""
    left = _spare(month, billed, still_counted)
    if left is not None:
        message += f" ({billed.code} still has {left} countable min without them)"
    return Problem(
        message=message,
        record=billed.line,
        field="minutes",
        units_at_risk=0 if left is not None else None,
        **kwargs,  # type: ignore[arg-type]
    )


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per entry or pair of entries whose minutes count toward two billed programs.

    Each problem points at the BHI/CoCM line the minutes were counted toward (the claim that
    would be recouped), with the time entries as evidence.
    """
    billed = {program_of(b.code) for b in month.lines} - {None}
    behavioral: set[Program] = billed & BEHAVIORAL_PROGRAMS  # type: ignore[assignment]
    others = billed - BEHAVIORAL_PROGRAMS
    if not behavioral or not others:
        return
    if not month.batch.provided("time_entries"):
        names = "+".join(sorted(p.value for p in billed))  # type: ignore[union-attr]
        yield Problem(
            message=f"double counting between {names} not verifiable: no time log in the input",
            record=month.lines_with(CODES)[0].line,
            field="minutes",
            unverifiable=True,
        )
        return
    entries = sorted(month.time_entries, key=lambda e: e.entry_id)
    for entry in entries:
        programs = set(entry.program)
        if programs & behavioral and programs & others:
            names = "+".join(sorted(p.value for p in programs & billed))
            target = _behavioral(month, programs, behavioral)
            yield _problem(
                month,
                target,
                f"time entry {entry.entry_id}: {entry.duration or 0} min counted toward {names}",
                0,  # an entry logged to two programs is not counted (timecount)
                evidence=(target.line, entry),
                facts={"minutes": entry.duration, "programs": names},
            )
    for first, second in combinations(entries, 2):
        if first.staff_id is None or first.staff_id != second.staff_id or first.date != second.date:
            continue
        a, b = set(first.program), set(second.program)
        if not ((a & behavioral and b & others) or (b & behavioral and a & others)):
            continue
        target = _behavioral(month, a | b, behavioral)
        line = target.line
        span_a, span_b = clock_span(first), clock_span(second)
        names = f"{'+'.join(sorted(p.value for p in a))} and {'+'.join(sorted(p.value for p in b))}"
        if span_a and span_b:
            overlap = min(span_a[1], span_b[1]) - max(span_a[0], span_b[0])
            if overlap > 0:
                yield _problem(
                    month,
                    target,
                    f"time entries {first.entry_id} and {second.entry_id} ({names}) by "
                    f"{first.staff_id} overlap by {overlap} min on {first.date}",
                    0,  # overlap with another program's time is not counted (timecount)
                    evidence=(line, first, second),
                    facts={"overlap_minutes": overlap},
                )
        elif (
            first.duration == second.duration
            and (first.note or first.activity)
            and (first.note, first.activity) == (second.note, second.activity)
        ):
            yield _problem(
                month,
                target,
                f"time entries {first.entry_id} and {second.entry_id} ({names}) by "
                f"{first.staff_id} on {first.date}: same {first.duration} min and description, "
                "probably the same minutes logged twice",
                first.duration or 0,  # the behavioral entry of the pair is counted
                evidence=(line, first, second),
                variant="probable-duplicate",
                facts={"minutes": first.duration},
            )
