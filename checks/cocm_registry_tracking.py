"""The CoCM patient is on the registry in the billed month, with tracking recorded in that month.

Why: entering the patient in a registry and tracking follow-up and progress with it is a
required element of 99492/99493 (and G2214). The input has no separate registry-tracking
record, so "tracking in the month" means: a validated rating scale (assessment) dated in the
month, or a CoCM time entry in the month whose activity or note mentions one of the
``tracking_keywords`` (default "registry"). Without assessments in the input and no matching
time entry, tracking is not verifiable.
Source: rulebook §1.2-1.3, §3.4, §3.8 and §9 BHI-COCM-002; [S-BCBSND] quoting CPT;
[S-NGS-COCM].
Passes: P1 2026-03, 99493; enrolled 2026-01-10, not ended; PHQ-9 on 2026-03-12.
Fails: no enrollment in force in 2026-03 (error "not-enrolled"); enrolled, but no assessment and
no registry-tracking time entry in 2026-03 (error "no-tracking").
Not verifiable: no assessments is said by the check itself: a registry-tracking time entry can
show the tracking instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import COCM_MONTH_CODES, enrollment_in_force
from bhi_audit.context import PatientMonth
from bhi_audit.models import Program, RegistryEnrollment

ID = "BHI-COCM-002"
NAME = "cocm-registry-tracking"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"not-enrolled": "error", "no-tracking": "error"}
CODES = COCM_MONTH_CODES
REQUIRES = (RegistryEnrollment,)


class Options(BaseModel):
    """What counts as registry tracking in a time entry."""

    model_config = ConfigDict(extra="forbid")

    tracking_keywords: tuple[str, ...] = Field(
        default=("registry",),
        min_length=1,
        description="words in a CoCM time entry's activity/note that record registry tracking",
    )


def check(month: PatientMonth, options: Options) -> Iterator[Problem]:
    """At most one problem per CoCM patient-month."""
    line = month.lines_with(CODES)[0].line
    batch = month.batch
    enrollment = enrollment_in_force(month)
    if enrollment is None:
        yield Problem(
            message=f"patient not on the CoCM registry in {month.month}",
            record=line,
            field="registry",
            evidence=(line, *month.records.enrollments),
            variant="not-enrolled",
        )
        return
    assessments = [a for a in month.records.assessments if month.month.contains(a.date)]
    words = tuple(k.lower() for k in options.tracking_keywords)
    tracked = [
        e
        for e in month.entries_for(Program.COCM)
        if any(w in f"{e.activity or ''} {e.note or ''}".lower() for w in words)
    ]
    if assessments or tracked:
        return
    if not batch.provided("assessments"):
        yield Problem(
            message="registry tracking not verifiable: no assessments in the input and no "
            f"registry-tracking time entry in {month.month}",
            record=line,
            field="registry",
            unverifiable=True,
        )
        return
    yield Problem(
        message=(
            f"no registry tracking in {month.month}: no rating scale and no registry-tracking "
            f"time entry (enrolled {enrollment.enrolled_on})"
        ),
        record=line,
        field="registry",
        evidence=(line, enrollment),
        variant="no-tracking",
    )
