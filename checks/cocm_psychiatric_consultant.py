"""A qualified psychiatric consultant is linked to the CoCM patient's care team.

Why: qualified means trained in psychiatry and able to prescribe the full range of medications.
CoCM is defined by consultation with a psychiatric consultant; without one identified and
qualified, the month is not CoCM. The consultant is linked to the patient by the registry
enrollment in force in the month (``consultant_id``), or else by any caseload review up to the
month's end that lists the patient. A consultant recorded as not qualified is an error; one
whose qualifications the roster leaves blank is a warning (undocumented, not disproved). "No
consultant" is only concluded when both enrollments and caseload reviews are in the input.
Source: rulebook §1.2-1.3, §3.10 and §9 BHI-COCM-001; [S-NGS-COCM].
Passes: P1 2026-03, 99493; enrollment names consultant R1, on the roster as a psychiatric
consultant with full_psych_prescriber and psychiatry_trained true.
Fails: no enrollment names a consultant and no review lists P1 (error "no-consultant"); R1 has
full_psych_prescriber false (error "not-qualified"); R1's flags are blank (warning
"qualification-undocumented").
Not verifiable: no registry enrollments or caseload reviews when neither links a consultant
(either can, so not REQUIRES); no staff roster once a consultant is named.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import COCM_MONTH_CODES, enrollment_in_force
from bhi_audit.context import PatientMonth
from bhi_audit.models import Record, Role

ID = "BHI-COCM-001"
NAME = "cocm-psychiatric-consultant"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {
    "no-consultant": "error",
    "not-qualified": "error",
    "qualification-undocumented": "warning",
}
CODES = COCM_MONTH_CODES


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """At most one problem per CoCM patient-month."""
    line = month.lines_with(CODES)[0].line
    batch = month.batch
    enrollment = enrollment_in_force(month)
    # NOTE: the batch's per-patient index, not a scan of every review (linear, not quadratic).
    reviews = [r for r in batch.reviews_of(month.patient_id) if r.date <= month.month.last_day]
    consultant = enrollment.consultant_id if enrollment and enrollment.consultant_id else None
    evidence: tuple[Record, ...] = (line,)
    if consultant:
        evidence = (line, enrollment)  # type: ignore[assignment]
    elif reviews:
        latest = max(reviews, key=lambda r: (r.date, r.review_id))
        consultant, evidence = latest.consultant_id, (line, latest)
    if consultant is None:
        missing = [
            kind.replace("_", " ")
            for kind in ("registry_enrollments", "caseload_reviews")
            if not batch.provided(kind)
        ]
        if missing:
            yield Problem(
                message="psychiatric consultant not verifiable: no "
                + " or ".join(missing)
                + " in the input",
                record=line,
                field="psychiatric_consultant",
                unverifiable=True,
            )
            return
        yield Problem(
            message="no psychiatric consultant linked to the patient (no registry enrollment "
            "naming one, no caseload review listing the patient)",
            record=line,
            field="psychiatric_consultant",
            evidence=evidence,
            variant="no-consultant",
        )
        return
    if not batch.provided("staff"):
        yield Problem(
            message=f"qualifications of psychiatric consultant {consultant} not verifiable: no "
            "staff roster in the input",
            record=line,
            field="psychiatric_consultant",
            unverifiable=True,
        )
        return
    member = batch.staff_member(consultant)
    if member is None:
        yield Problem(
            message=f"psychiatric consultant {consultant} is not on the roster",
            record=line,
            field="psychiatric_consultant",
            evidence=evidence,
            variant="qualification-undocumented",
        )
        return
    flags = {
        "psychiatric consultant role": member.has_role(Role.PSYCHIATRIC_CONSULTANT),
        "full-range prescriber": member.full_psych_prescriber,
        "psychiatry training": member.psychiatry_trained,
    }
    lacking = [name for name, value in flags.items() if value is False]
    unknown = [name for name, value in flags.items() if value is None]
    if lacking:
        yield Problem(
            message=f"psychiatric consultant {consultant} is not qualified: no "
            + ", no ".join(lacking),
            record=line,
            field="psychiatric_consultant",
            evidence=(*evidence, member),
            variant="not-qualified",
        )
    elif unknown:
        yield Problem(
            message=f"psychiatric consultant {consultant}: roster does not record "
            + " or ".join(unknown),
            record=line,
            field="psychiatric_consultant",
            evidence=(*evidence, member),
            variant="qualification-undocumented",
        )
