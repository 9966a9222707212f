"""The initial CoCM month has a rating scale, a treatment plan and its consultant review.

Why: the first month of an episode (99492, its APCM mirror G0568, or G2214 in an initial month)
must include the initial assessment with validated rating scales, an individualized treatment
plan, and review by the psychiatric consultant with changes if recommended; without them the
month is not the service billed. The scale must be dated in the month (or within
``assessment_lookback_days`` before it, e.g. at the initiating visit); any instrument counts
unless ``validated_instruments`` lists the accepted ones. The plan must be a CoCM care plan
created by the month's end, with ``consultant_reviewed_on`` by the month's end.
Source: rulebook §1.2, §3.4, §3.6, §3.7 and §9 BHI-COCM-005; [S-BCBSND] quoting CPT;
[S-NGS-COCM].
Passes: P1 2026-02, 99492; PHQ-9 on 2026-02-03; COCM plan created 2026-02-05, reviewed by the
consultant 2026-02-12.
G2214 is checked here when its month starts an episode; when the records cannot tell, the
month is "not verifiable" here and its rating scale is still checked by BHI-COCM-006.
Fails: no assessment in 2026-02 ("no-rating-scale"); no COCM plan ("no-treatment-plan"); plan
without consultant review, or reviewed 2026-03-02 ("no-consultant-review"). All errors.
Not verifiable: no assessments, or no care plans, in the input. Said by the check itself, not by
REQUIRES, as the rating scale and the treatment plan are two judgements, and one kind missing
leaves the other to judge.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import normalise
from bhi_audit.codes import COCM_INITIAL, COCM_SHORT
from bhi_audit.context import PatientMonth
from bhi_audit.episodes import is_initial_month
from bhi_audit.models import Program

ID = "BHI-COCM-005"
NAME = "cocm-initial-month-elements"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {
    "no-rating-scale": "error",
    "no-treatment-plan": "error",
    "no-consultant-review": "error",
}
CODES = frozenset({COCM_INITIAL, "G0568", COCM_SHORT})


class Options(BaseModel):
    """Which scales count and how early the initial assessment may be."""

    model_config = ConfigDict(extra="forbid")

    assessment_lookback_days: int = Field(
        default=0, ge=0, le=92, description="accept a scale this many days before the month"
    )
    validated_instruments: tuple[str, ...] | None = Field(
        default=None, description="accepted instruments (default: any assessment record)"
    )


def check(month: PatientMonth, options: Options) -> Iterator[Problem]:
    """One problem per missing element of an initial CoCM month."""
    lines = month.lines_with(CODES)
    initial_lines = [b for b in lines if b.code != COCM_SHORT]
    if not initial_lines:
        initial = is_initial_month(month.records, month.month)
        if initial is False:
            return  # G2214 in a subsequent month: BHI-COCM-006
        if initial is None:
            yield Problem(
                message=(
                    f"initial-month elements not verifiable: {month.month} may be the first month "
                    "of a CoCM episode, but the six months before it are not in the records"
                ),
                record=lines[0].line,
                field="care_plan",
                unverifiable=True,
            )
            return
        initial_lines = list(lines)
    line = initial_lines[0].line
    batch = month.batch
    start = month.month.first_day - timedelta(days=options.assessment_lookback_days)
    end = month.month.last_day
    accepted = (
        {normalise(i) for i in options.validated_instruments}
        if options.validated_instruments
        else None
    )
    if not batch.provided("assessments"):
        yield Problem(
            message="initial rating scale not verifiable: no assessments in the input",
            record=line,
            field="rating_scale",
            unverifiable=True,
        )
    elif not [
        a
        for a in month.records.assessments
        if start <= a.date <= end and (accepted is None or normalise(a.instrument) in accepted)
    ]:
        yield Problem(
            message=f"initial CoCM month {month.month}: no validated rating scale administered",
            record=line,
            field="rating_scale",
            evidence=(line,),
            variant="no-rating-scale",
        )
    if not batch.provided("care_plans"):
        yield Problem(
            message="treatment plan not verifiable: no care plans in the input",
            record=line,
            field="care_plan",
            unverifiable=True,
        )
        return
    plans = [p for p in month.records.care_plans if p.program is Program.COCM and p.created <= end]
    if not plans:
        yield Problem(
            message=f"initial CoCM month {month.month}: no individualized treatment plan",
            record=line,
            field="care_plan",
            evidence=(line,),
            variant="no-treatment-plan",
        )
        return
    if any(p.consultant_reviewed_on and p.consultant_reviewed_on <= end for p in plans):
        return
    plan = plans[-1]
    when = (
        f"reviewed {plan.consultant_reviewed_on}, after the month"
        if plan.consultant_reviewed_on
        else "no consultant review recorded"
    )
    yield Problem(
        message=f"treatment plan {plan.care_plan_id}: {when}",
        record=line,
        field="care_plan.consultant_reviewed_on",
        evidence=(line, plan),
        variant="no-consultant-review",
    )
