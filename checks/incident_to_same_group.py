"""Staff whose time counts toward a BHI/CoCM line are in the billing practitioner's group.

Why: care-management time by clinical staff and care managers is billed incident to the
billing practitioner's services under general supervision. General supervision does not by
itself create the incident-to relationship; the staff must still be within the billing
practitioner's practice (employed or contracted by the same group). A counted staff member
from another group is audit risk (warning). When the roster is missing or does not record
both groups, the relationship is not verifiable. The supervising-NPI element cannot be checked:
the claim model has no supervising-practitioner field.
Source: rulebook §3.9, §3.14 and §9 BHI-PRAC-002; [S-FR17]; [S-NGS-BHI] ("directly employed
and/or contracted").
Passes: P1 2026-03, 99484 by D1 (group G1) with 25 minutes by nurse N1 (group G1).
Fails: N1 in group G2 (warning).
Not verifiable: N1 with no group recorded; no staff roster (once other staff's time counts).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM, GENERAL_BHI_TIMED
from bhi_audit.context import PatientMonth
from bhi_audit.models import TimeEntry
from bhi_audit.timecount import tally_for

ID = "BHI-PRAC-002"
NAME = "incident-to-same-group"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = GENERAL_BHI_TIMED | COCM
REQUIRES = (TimeEntry,)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """At most one problem per billed line: outside staff, else unknown groups."""
    batch = month.batch
    for billed in month.lines_with(CODES):
        tally = tally_for(month, billed)
        who = billed.billing_practitioner
        staff_ids = sorted(
            {e.staff_id for e, m in tally.counted if m and e.staff_id and e.staff_id != who}
        )
        if not staff_ids:
            continue
        if not batch.provided("staff"):
            yield Problem(
                message=f"{billed.code}: staff groups not verifiable (no staff roster)",
                record=billed.line,
                field="group_id",
                unverifiable=True,
            )
            continue
        practitioner = batch.staff_member(who)
        group = practitioner.group_id if practitioner else None
        outside, unknown = [], []
        for staff_id in staff_ids:
            member = batch.staff_member(staff_id)
            theirs = member.group_id if member else None
            if group is None or theirs is None:
                unknown.append(str(staff_id))
            elif theirs != group:
                outside.append(f"{staff_id} ({theirs})")
        if outside:
            yield Problem(
                message=f"{billed.code} by {who} ({group}) counts time of staff outside that "
                f"group: {', '.join(outside)}",
                record=billed.line,
                field="group_id",
                evidence=(billed.line, *(batch.staff[s] for s in staff_ids if s in batch.staff)),
                facts={"billing_group": group},
            )
        elif unknown:
            if group is None:
                unknown = [f"{who} (billing practitioner)"]
            yield Problem(
                message=f"{billed.code} by {who}: incident-to group not verifiable, no group "
                f"recorded for {', '.join(unknown)}",
                record=billed.line,
                field="group_id",
                unverifiable=True,
            )
