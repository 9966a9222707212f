"""Digital mental health treatment (G0552-G0554) rests on a care plan and enough minutes.

Why: DMHT is furnished incident to behavioral health services under a behavioral health
treatment plan of care, with a device FDA-cleared under 21 CFR 882.5801 that the billing
practitioner prescribed; G0553 pays the first 20 minutes of monthly treatment management and
G0554 each further 20. What the records can show is checked: a behavioral-health care plan
(BHI, CoCM or DMHT program) created on or before the month's last DMHT date of service, and
countable DMHT time of at least 20 minutes per G0553/G0554 unit. The device and its
prescription cannot be checked — the record model has no device or order record — so every
DMHT month also gets a "not verifiable" finding naming them (a device record kind and a
configured list of cleared devices would make it checkable; see docs/policy-data.md).
Source: rulebook §1.10, §9 BHI-DMHT-001; [S-NOR-DMHT]; [S-FR25].
Passes: P1 2026-03, G0553 + G0554 with 40 DMHT minutes and a BHI care plan from 2026-02
(the device finding is "not verifiable").
Fails: no care plan on or before the date of service; G0553 with 19 minutes; G0553 + G0554
with 39 minutes.
Not verifiable: short minutes when the records given do not cover the whole month (the rest may
lie outside them); the device and its prescription, always. No care plans or no time log in the
input is said by the check itself, not by REQUIRES: the care plan and the minutes are two
judgements, and one kind missing leaves the other to judge.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import DMHT
from bhi_audit.context import PatientMonth
from bhi_audit.models import Program
from bhi_audit.timecount import tally_minutes

ID = "BHI-DMHT-001"
NAME = "dmht-requirements"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"no-care-plan": "error", "minutes": "error"}
CODES = DMHT

MINUTES_PER_UNIT = 20
_PLAN_PROGRAMS = frozenset({Program.BHI, Program.COCM, Program.DMHT})


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """Care plan, minutes, and the device as not verifiable."""
    lines = month.lines_with(CODES)
    first = lines[0].line
    last_day = max(b.date_of_service for b in lines)
    batch = month.batch
    if not batch.provided("care_plans"):
        yield Problem(
            message="DMHT care plan not verifiable: no care plans in the input",
            record=first,
            field="care_plan",
            unverifiable=True,
        )
    elif not any(
        p.program in _PLAN_PROGRAMS and p.created <= last_day for p in month.records.care_plans
    ):
        yield Problem(
            message=f"{first.code} in {month.month} with no behavioral health care plan created "
            f"on or before {last_day}",
            record=first,
            field="care_plan",
            evidence=(first,),
            variant="no-care-plan",
        )
    yield from _minutes(month)
    yield Problem(
        message=f"{first.code}: device clearance (21 CFR 882.5801) and prescription by the "
        "billing practitioner not verifiable (no device record in the input model)",
        record=first,
        field="device",
        unverifiable=True,
    )


def _minutes(month: PatientMonth) -> Iterator[Problem]:
    managed = month.lines_with({"G0553", "G0554"})
    if not managed:
        return
    if not month.batch.provided("time_entries"):
        yield Problem(
            message="DMHT treatment-management minutes not verifiable: no time log in the input",
            record=managed[0].line,
            field="minutes",
            unverifiable=True,
        )
        return
    units = sum(b.line.units for b in managed)
    required = MINUTES_PER_UNIT * units
    tally = tally_minutes(
        month.time_entries,
        Program.DMHT,
        month.batch,
        practitioner=managed[0].billing_practitioner,
    )
    if tally.minutes >= required:
        return
    if not month.fully_covered:
        coverage = month.batch.coverage
        yield Problem(
            message=f"DMHT treatment management: {tally.minutes} countable min in the records "
            f"given (< {required}), which cover {coverage.start}..{coverage.end}, not the whole "
            f"of {month.month}: not verifiable",
            record=managed[0].line,
            field="minutes",
            unverifiable=True,
            facts={"countable_minutes": tally.minutes, "required_minutes": required},
        )
        return
    flagged = next((b for b in managed if b.code == "G0553"), managed[0])
    if tally.minutes >= MINUTES_PER_UNIT:
        flagged = next((b for b in managed if b.code == "G0554"), flagged)
    yield Problem(
        message=f"DMHT treatment management: {tally.minutes} countable min (< {required} for "
        f"{units} unit(s) of G0553/G0554); {tally.describe()}",
        record=flagged.line,
        field="minutes",
        evidence=(flagged.line, *tally.entries),
        variant="minutes",
        facts={"countable_minutes": tally.minutes, "required_minutes": required},
    )
