"""The CoCM patient has a designated care manager (BHCM) with behavioral health training.

Why: CoCM requires a designated BHCM — an individual with behavioral health training (social
work, nursing, psychology) working under the billing practitioner — who keeps a continuous
relationship with the patient. The designated BHCM is the ``bhcm_id`` of the registry
enrollment in force in the month. Without one, a roster BHCM who logged CoCM time in the month
is taken as the de-facto care manager but flagged as not designated (warning; not verifiable
when the input has no registry enrollments); with neither, it is an error. A BHCM whose
``bh_training`` is false is an error; blank is a warning.
Source: rulebook §3.9 and §9 BHI-COCM-004; [S-NGS-COCM]; [S-NGS-BHI].
Passes: P1 2026-03, 99493; enrollment names N1, on the roster as bhcm with bh_training true.
Fails: enrollment names N1 whose bh_training is false (error "not-trained"); no enrollment
names a BHCM and nobody with the bhcm role logged CoCM time (error "no-care-manager"); only the
time log shows N1 (warning "not-designated"); N1's bh_training is blank (warning
"training-undocumented").
Not verifiable: no registry enrollments is said by the check itself: the month's time log can
name the care manager instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import COCM_MONTH_CODES, enrollment_in_force
from bhi_audit.context import PatientMonth
from bhi_audit.models import Program, Record, Role, Staff

ID = "BHI-COCM-004"
NAME = "cocm-care-manager-qualified"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {
    "no-care-manager": "error",
    "not-trained": "error",
    "not-designated": "warning",
    "training-undocumented": "warning",
}
CODES = COCM_MONTH_CODES
REQUIRES = (Staff,)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """At most two problems per CoCM patient-month: designation, then training."""
    line = month.lines_with(CODES)[0].line
    batch = month.batch
    enrollment = enrollment_in_force(month)
    bhcm = enrollment.bhcm_id if enrollment is not None else None
    evidence: tuple[Record, ...] = (line,) if enrollment is None else (line, enrollment)
    if bhcm is None:
        loggers = sorted(
            {
                e.staff_id
                for e in month.entries_for(Program.COCM)
                if e.staff_id and batch.has_role(e.staff_id, Role.BHCM)
            }
        )
        if not loggers:
            if not batch.provided("registry_enrollments"):
                yield Problem(
                    message="designated care manager not verifiable: no registry enrollments "
                    "in the input and no care manager in the month's time log",
                    record=line,
                    field="bhcm",
                    unverifiable=True,
                )
                return
            yield Problem(
                message=f"no designated care manager: the registry enrollment names none and no "
                f"care manager logged CoCM time in {month.month}",
                record=line,
                field="bhcm",
                evidence=evidence,
                variant="no-care-manager",
            )
            return
        bhcm = loggers[0]
        if batch.provided("registry_enrollments"):
            yield Problem(
                message=f"care manager {bhcm} logged CoCM time but is not designated on the "
                "registry enrollment",
                record=line,
                field="bhcm",
                evidence=evidence,
                variant="not-designated",
            )
        else:
            yield Problem(
                message=f"care manager designation not verifiable: no registry enrollments in "
                f"the input ({bhcm} logged CoCM time)",
                record=line,
                field="bhcm",
                unverifiable=True,
            )
    member = batch.staff_member(bhcm)
    if member is None:
        yield Problem(
            message=f"care manager {bhcm} is not on the roster",
            record=line,
            field="bhcm",
            evidence=evidence,
            variant="training-undocumented",
        )
        return
    if member.bh_training is False or not member.has_role(Role.BHCM):
        what = (
            "has no behavioral health training"
            if member.bh_training is False
            else ("does not hold the bhcm role")
        )
        yield Problem(
            message=f"care manager {bhcm} {what} on the roster",
            record=line,
            field="bhcm",
            evidence=(*evidence, member),
            variant="not-trained",
        )
    elif member.bh_training is None:
        yield Problem(
            message=f"care manager {bhcm}: roster does not record behavioral health training",
            record=line,
            field="bhcm",
            evidence=(*evidence, member),
            variant="training-undocumented",
        )
