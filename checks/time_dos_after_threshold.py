"""Date of service and claim date are not before the month's minutes reached the threshold.

Why: with 99494, not before the minutes for the billed units were reached. A monthly
care-management code may be billed once the month's minimum time is met, with the date the
threshold was met or any later day of that month as the date of service; a claim must never be
dated or submitted before the threshold is met, and 99494 units depend on the month's running
total. The month is the calendar month of the date of service, so time from another month never
counts toward it.
Source: rulebook §5.4b-c, §5.4f and §9 BHI-TIME-008; [S-FAQ] (BHI FAQ, date of service);
CCM FAQ.
Passes: P1 2026-03, 99484 dated 2026-03-20, the 20th countable minute logged on 2026-03-18 (or
on 2026-03-20 itself); 99492 + 99494 dated the day the 86th minute was logged.
Fails: P1 2026-03, 99484 dated 2026-03-10 but 20 minutes reached on 2026-03-18; 99494 on a
claim created 2026-03-15 while its 86 minutes were reached on 2026-03-25.
Not verifiable: never reported: without a time log the minimum checks (which REQUIRE it) say so
once. Hence no REQUIRES here, which would say it twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ADDON, COCM_INITIAL, COCM_SHORT, COCM_SUBSEQUENT, GENERAL_BHI_TIMED
from bhi_audit.context import BilledLine, PatientMonth
from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import Tally, addon_threshold, base_threshold, tally_for

ID = "BHI-TIME-008"
NAME = "date-of-service-after-threshold"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = GENERAL_BHI_TIMED | {COCM_INITIAL, COCM_SUBSEQUENT, COCM_SHORT, COCM_ADDON}


def _dated_too_early(
    billed: BilledLine, tally: Tally, required: int, what: str
) -> Iterator[Problem]:
    reached = tally.reached_on(required)
    if reached is None:
        return  # the month never reaches the threshold: BHI-TIME-001/002/003/004 report it
    dates: list[tuple[str, date]] = [("date_of_service", billed.date_of_service)]
    if billed.claim is not None and billed.claim.created_on is not None:
        dates.append(("created_on", billed.claim.created_on))
    for field, day in dates:
        if day >= reached:
            continue
        label = "date of service" if field == "date_of_service" else "claim created"
        evidence = tuple(e for e, _ in tally.counted if e.date is not None and e.date <= reached)
        yield Problem(
            message=(
                f"{billed.code} {label} {day} is before {what} ({required} countable min) was "
                f"reached on {reached}"
            ),
            record=billed.line,
            field=field,
            evidence=(billed.line, *evidence),
            facts={
                "threshold_minutes": required,
                "reached_on": reached.isoformat(),
                field: str(day),
            },
        )
        return


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """At most one problem per timed line dated (or created) before its threshold was met."""
    if not month.batch.provided("time_entries"):
        return  # the minimum checks report the missing time log as not verifiable
    bases = [b for b in month.lines_with(CODES) if b.code != COCM_ADDON]
    for billed in bases:
        required = base_threshold(billed.code, thresholds_for(billed.date_of_service))
        if required is not None:
            yield from _dated_too_early(billed, tally_for(month, billed), required, "the threshold")
    cocm_base = next((b for b in bases if b.code in (COCM_INITIAL, COCM_SUBSEQUENT)), None)
    addons = month.lines_with({COCM_ADDON})
    if cocm_base is None or not addons:
        return
    units = sum(b.line.units for b in addons)
    initial = cocm_base.code == COCM_INITIAL
    required = addon_threshold(units, initial, thresholds_for(cocm_base.date_of_service))
    tally = tally_for(month, cocm_base)
    for addon in addons:
        yield from _dated_too_early(addon, tally, required, f"the time for 99494 x{units}")
