"""CoCM base codes need their minimum countable minutes: 99492 >= 36, 99493 >= 31.

Why: under the CPT time rule a unit is reportable once more than half its time has passed:
36 of the 70 minutes of the initial month (99492), 31 of the 60 minutes of a subsequent month
(99493); "time less than 36/31 minutes is not reported separately". Only the care manager's and
the treating practitioner's CoCM time in the month counts — not psychiatric consultant time,
not time belonging to a separately billed service.
Source: rulebook §1.2, §1.3, §2.3, §2.4, §2.7 and §9 BHI-TIME-002; [S-BCBSND] quoting CPT;
[S-NGS-COCM]; [S-AHRQ].
Passes: P4 2026-02, 99492 with 36 countable minutes; P4 2026-03, 99493 with 31.
Fails: P4 2026-02, 99492 with 35 countable minutes; P4 2026-03, 99493 with 30, or with 40
logged of which 15 are the psychiatric consultant's.
Not verifiable (no error) when the minutes fall short but the stated period covers only part
of the month: the missing days may hold the time.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_INITIAL, COCM_SUBSEQUENT
from bhi_audit.context import PatientMonth
from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import minimum_minutes_problems

ID = "BHI-TIME-002"
NAME = "cocm-base-minimum-minutes"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = frozenset({COCM_INITIAL, COCM_SUBSEQUENT})


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per 99492/99493 line below its threshold."""
    for billed in month.lines_with(CODES):
        thresholds = thresholds_for(billed.date_of_service)
        initial = billed.code == COCM_INITIAL
        required = (
            thresholds.cocm_initial_minutes if initial else thresholds.cocm_subsequent_minutes
        )
        kind = "CoCM initial month" if initial else "CoCM subsequent month"
        yield from minimum_minutes_problems(month, billed, required, kind, name_code=True)
