"""CoCM base codes need their minimum countable minutes: 99492 >= 36, 99493 >= 31.

Why: under the CPT time rule a unit is reportable once more than half its time has passed:
36 of the 70 minutes of the initial month (99492), 31 of the 60 minutes of a subsequent month
(99493); "time less than 36/31 minutes is not reported separately". Only the care manager's and
the treating practitioner's CoCM time in the month counts — not psychiatric consultant time,
not time belonging to a separately billed service. For historic RHC/FQHC CoCM (G0512, billed
until 2025) sources disagree on the minutes (MICMT: 70 in a first month, 60 later; NC Medicaid
and CodingIntel: 60 or more), so since the revision of 2 Dec 2026 (§8 D15) fewer than 60
countable minutes is an error and 60-69 in the first month of an episode a warning
("g0512-first-month"), never an error; G0512 after 2025 is BHI-CODE-002's.
Source: rulebook §1.2, §1.3, §1.7c, §2.3, §2.4, §2.7, §8 D15 and §9 BHI-TIME-002; [S-BCBSND]
quoting CPT; [S-NGS-COCM]; [S-AHRQ]; MICMT, NC Medicaid 28 Feb 2025 and CodingIntel (G0512).
Passes: P4 2026-02, 99492 with 36 countable minutes; P4 2026-03, 99493 with 31. G0512 in
2025-06, a first month with 70 countable minutes; a later month with 60.
Fails: P4 2026-02, 99492 with 35 countable minutes; P4 2026-03, 99493 with 30, or with 40
logged of which 15 are the psychiatric consultant's. G0512 with 59 countable minutes in any
month (error); 60-69 in a first month (warning).
Not verifiable: minutes that fall short when the stated period covers only part of the month
(the missing days may hold the time; no error); staff whose role the roster cannot confirm.
Data: the G0512 minutes are policy data (``g0512_minutes``, ``g0512_initial_minutes``).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_INITIAL, COCM_SUBSEQUENT
from bhi_audit.context import BilledLine, PatientMonth
from bhi_audit.episodes import is_initial_month
from bhi_audit.models import TimeEntry
from bhi_audit.policy import Thresholds, thresholds_for
from bhi_audit.timecount import minimum_minutes_problems, tally_for

ID = "BHI-TIME-002"
NAME = "cocm-base-minimum-minutes"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"g0512-first-month": "warning"}
RHC_COCM = "G0512"
CODES = frozenset({COCM_INITIAL, COCM_SUBSEQUENT, RHC_COCM})
REQUIRES = (TimeEntry,)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per 99492/99493/G0512 line below its threshold."""
    for billed in month.lines_with(CODES):
        thresholds = thresholds_for(billed.date_of_service)
        if billed.code == RHC_COCM:
            yield from _g0512_problems(month, billed, thresholds)
            continue
        initial = billed.code == COCM_INITIAL
        required = (
            thresholds.cocm_initial_minutes if initial else thresholds.cocm_subsequent_minutes
        )
        kind = "CoCM initial month" if initial else "CoCM subsequent month"
        yield from minimum_minutes_problems(month, billed, required, kind, name_code=True)


def _g0512_problems(
    month: PatientMonth, billed: BilledLine, thresholds: Thresholds
) -> Iterator[Problem]:
    """G0512: an error below the floor every source accepts, a warning below 70 in a first
    month (rulebook §8 D15: historic claims only; warn, never error)."""
    floor, initial = thresholds.g0512_minutes, thresholds.g0512_initial_minutes
    if floor is None:
        return  # no G0512 in that year: BHI-CODE-002 reports the code itself
    problems = list(
        minimum_minutes_problems(month, billed, floor, "RHC/FQHC CoCM month", name_code=True)
    )
    if problems:
        yield from problems
        return
    if initial is None or is_initial_month(month.records, month.month) is not True:
        return
    tally = tally_for(month, billed)
    if tally.minutes < initial:
        yield Problem(
            message=(
                f"RHC/FQHC CoCM first month: {tally.minutes} countable min (< {initial} for "
                f"G0512 in a first month by the MICMT reading; {floor} met, D15)"
            ),
            record=billed.line,
            field="minutes",
            evidence=(billed.line, *tally.entries),
            variant="g0512-first-month",
            facts={"countable_minutes": tally.minutes, "required_minutes": initial},
        )
