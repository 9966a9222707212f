"""CoCM months have a psychiatric consultant caseload review that covers the patient.

Why: CoCM requires the care manager's participation in weekly caseload consultation with the
psychiatric consultant, and the 99492 descriptor requires the consultant's review of the
patient ("with modifications of the plan if recommended"). The rule does not say every patient
is reviewed every week; the audit-defensible pattern is a review held in the billed month that
lists the patient (or, with the ``review_window_days`` option, one within that many days before
the month ends). Graded by the revision of 2 Dec 2026 (§3.8a, D14): no caseload review held at
all in the billed month is an error (the weekly consultation did not happen); a patient whom
no caseload review in the episode lists and whose treatment plan has no consultant review
recorded in the episode (``care_plans.consultant_reviewed_on``) is an error; the plan's
consultant review recorded but no caseload review listing the patient is a warning (a
documentation gap), as is a patient reviewed earlier in the episode but not in the month.
Source: rulebook §1.2-1.3, §3.4, §3.8, §3.8a, §8 D14 and §9 BHI-COCM-003; [S-BCBSND] quoting
the CPT descriptors; [S-NGS-COCM].
Passes: P8 2026-03, 99493 billed; caseload review on 2026-03-11 lists P8.
Fails: P8 2026-03, 99493 billed, no review in the episode lists P8 and no consultant review of
the plan is recorded (error, "never-reviewed"); no caseload review held at all in 2026-03
(error, "no-review-held", even with a review of P8 inside review_window_days); P8 on no
caseload review but the plan reviewed by the consultant on 2026-03-05 (warning,
"plan-review-only"); P8 reviewed in 2026-02 but not in 2026-03 (warning).
Not verifiable: the records given cover only part of the month (or window) and no review in them
lists the patient.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import COCM_MONTH_CODES
from bhi_audit.context import PatientMonth
from bhi_audit.episodes import episode_of
from bhi_audit.models import CarePlan, CaseloadReview, Program

ID = "BHI-COCM-003"
NAME = "cocm-caseload-review"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
SEVERITIES = {
    "never-reviewed": "error",
    "no-review-held": "error",
    "plan-review-only": "warning",
    "not-reviewed-in-window": "warning",
}
CODES = COCM_MONTH_CODES
REQUIRES = (CaseloadReview,)


class Options(BaseModel):
    """How recent a review of the patient must be."""

    model_config = ConfigDict(extra="forbid")

    review_window_days: int | None = Field(
        default=None,
        ge=7,
        le=92,
        description="accept a review of the patient this many days before month end "
        "(default: the calendar month)",
    )


def check(month: PatientMonth, options: Options) -> Iterator[Problem]:
    """At most one problem per CoCM patient-month."""
    line = month.lines_with(CODES)[0].line
    start = month.month.first_day
    if options.review_window_days is not None:
        start = min(start, month.month.last_day - timedelta(days=options.review_window_days))
    end = month.month.last_day
    mine: tuple[CaseloadReview, ...] = month.batch.reviews_of(month.patient_id)
    recent = [r for r in mine if start <= r.date <= end]
    held = month.batch.reviews_in(month.month)
    if not held and month.batch.coverage.covers(month.month.first_day, end):
        # NOTE: the window excuses the patient's own review, not the month's weekly
        # consultation: no caseload review at all in the billed month is an error (§3.8a).
        last = f"; patient last reviewed {recent[-1].date}" if recent else ""
        yield Problem(
            message=f"no caseload review held in {month.month}{last}",
            record=line,
            field="caseload_review",
            evidence=(line, *recent[-1:]),
            variant="no-review-held",
        )
        return
    if recent and not held:
        coverage = month.batch.coverage
        yield Problem(
            message=(
                f"caseload review not verifiable: none held in {month.month} in the records "
                f"given, which cover only {coverage.start} to {coverage.end} (patient last "
                f"reviewed {recent[-1].date})"
            ),
            record=line,
            field="caseload_review",
            unverifiable=True,
        )
        return
    if recent:
        return
    coverage = month.batch.coverage
    if not coverage.covers(start, end):
        yield Problem(
            message=(
                f"caseload review not verifiable: no review lists the patient between {start} "
                f"and {end}, but the records cover only {coverage.start} to {coverage.end}"
            ),
            record=line,
            field="caseload_review",
            unverifiable=True,
        )
        return
    episode = episode_of(month.records, month.month)
    in_episode = [r for r in mine if episode.start.first_day <= r.date <= end]
    window = (
        "in " + str(month.month)
        if options.review_window_days is None
        else (f"within {options.review_window_days} days of {end}")
    )
    if in_episode or not episode.history_complete:
        last = (
            f"last review {in_episode[-1].date}"
            if in_episode
            else "earlier months of the episode are outside the records given"
        )
        yield Problem(
            message=f"patient not reviewed by the psychiatric consultant {window} ({last})",
            record=line,
            field="caseload_review",
            evidence=(line, *in_episode[-1:]),
            variant="not-reviewed-in-window",
        )
        return
    plans = _plans_reviewed(month.records.care_plans, episode.start.first_day, end)
    if plans:
        plan = plans[-1]
        yield Problem(
            message=f"patient on no caseload review in the episode (from {episode.start}), but "
            f"the consultant reviewed care plan {plan.care_plan_id} on "
            f"{plan.consultant_reviewed_on}: document the review on a caseload review",
            record=line,
            field="caseload_review",
            evidence=(line, plan),
            variant="plan-review-only",
        )
        return
    detail = f"{len(held)} caseload review(s) held in {month.month}, none lists the patient"
    yield Problem(
        message=f"CoCM billed but the patient was never reviewed in the episode (from "
        f"{episode.start}): {detail}, and no consultant review of the treatment plan is recorded",
        record=line,
        field="caseload_review",
        evidence=(line, *held),
        variant="never-reviewed",
        facts={"episode_start": str(episode.start), "reviews_held_in_month": len(held)},
    )


def _plans_reviewed(plans: tuple[CarePlan, ...], start: date, end: date) -> list[CarePlan]:
    """CoCM treatment plans whose consultant review falls in ``start``..``end`` (§3.8a)."""
    return sorted(
        (
            p
            for p in plans
            if p.program is Program.COCM
            and p.consultant_reviewed_on is not None
            and start <= p.consultant_reviewed_on <= end
        ),
        key=lambda p: (p.consultant_reviewed_on or start, p.care_plan_id),
    )
