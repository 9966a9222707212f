"""General BHI patients have a designated care-team member recorded on the care plan.

Why: continuity of care with a designated member of the care team is a required element of
99484 and G0323 (and their APCM mirror G0570). The designation is the care plan's
``designated_member``; when the roster is given, that person must be on it. A month without a
recorded designation is audit risk (warning). A month with no BHI care plan at all is
BHI-GEN-001's finding ("no-care-plan"), not reported here a second time.
Source: rulebook §1.1, §1.6, §3.5 and §9 BHI-GEN-002; [S-AAFP]; [S-NGS-BHI].
Passes: P1 2026-03, 99484; BHI plan names S1, who is on the roster.
Fails: the plan names nobody; the plan names S9, who is not on the roster.
Not verifiable: without a staff roster only the roster membership of the member is left
unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import general_bhi_plans
from bhi_audit.codes import GENERAL_BHI_TIMED
from bhi_audit.context import PatientMonth
from bhi_audit.models import CarePlan

ID = "BHI-GEN-002"
NAME = "general-bhi-designated-member"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = GENERAL_BHI_TIMED | {"G0570"}
REQUIRES = (CarePlan,)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """At most one problem per general-BHI patient-month."""
    line = month.lines_with(CODES)[0].line
    batch = month.batch
    all_plans = general_bhi_plans(month)
    if not all_plans:
        return  # no care plan at all: BHI-GEN-001 reports it
    plans = [p for p in all_plans if p.designated_member]
    if not plans:
        yield Problem(
            message="no designated care-team member recorded on a BHI care plan",
            record=line,
            field="designated_member",
            evidence=(line, all_plans[-1]),
        )
        return
    member = plans[-1].designated_member
    if batch.provided("staff") and batch.staff_member(member) is None:
        yield Problem(
            message=f"designated care-team member {member} is not on the roster",
            record=line,
            field="designated_member",
            evidence=(line, plans[-1]),
        )
