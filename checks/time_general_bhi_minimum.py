"""General BHI (99484, G0323) needs at least 20 countable minutes in the calendar month.

Why: the descriptors say "at least 20 minutes" per calendar month, so the CPT midpoint rule
does not lower the threshold; a month below it is not billable and is recouped. Only time that
counts is counted: BHI program, dated in the month, by clinical staff or the billing
practitioner (for G0323 only the billing CP/CSW/MHC/MFT's own time), not psychiatric
consultant time, and not time that belongs to a separately billed service.
Source: rulebook §1.1, §1.6, §2.1, §2.2, §2.8 and §9 BHI-TIME-001; [S-AAFP]; [S-NGS-BHI];
[S-HCPCS] (G0323 descriptor).
Passes: P3 2026-03, 99484 with 20 countable minutes (boundary) or more.
Fails: P3 2026-03, 99484 with 19 countable minutes; or 25 logged of which 10 belong to a
separately billed psychotherapy visit.
Not verifiable: minutes that fall short when the stated period covers only part of the month
(the missing days may hold the time; no error); staff whose role the roster cannot confirm.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import GENERAL_BHI_TIMED
from bhi_audit.context import PatientMonth
from bhi_audit.models import TimeEntry
from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import minimum_minutes_problems

ID = "BHI-TIME-001"
NAME = "general-bhi-minimum-minutes"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = GENERAL_BHI_TIMED
REQUIRES = (TimeEntry,)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per 99484/G0323 line whose month has fewer countable minutes than required."""
    for billed in month.lines_with(CODES):
        required = thresholds_for(billed.date_of_service).general_bhi_minutes
        yield from minimum_minutes_problems(month, billed, required, f"general BHI {billed.code}")
