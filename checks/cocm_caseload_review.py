"""CoCM months have a psychiatric consultant caseload review that covers the patient.

Why: CoCM requires the care manager's participation in weekly caseload consultation with the
psychiatric consultant. The rule does not say every patient is reviewed every week; the
audit-defensible pattern is a review held in the billed month that lists the patient (or, with
the ``review_window_days`` option, one within that many days before the month ends, provided
some caseload review was still held in the billed month). A patient never reviewed during the
episode is an error; a review missing in one month is audit risk.
Source: rulebook §1.2-1.3, §3.4, §3.8 and §9 BHI-COCM-003; [S-BCBSND] quoting the CPT
descriptors; [S-NGS-COCM].
Passes: P8 2026-03, 99493 billed; caseload review on 2026-03-11 lists P8.
Fails: P8 2026-03, 99493 billed and no review in the episode lists P8 (error); P8 reviewed in
2026-02 but not in 2026-03 (warning); with review_window_days, P8 reviewed on 2026-02-25 but no
caseload review at all held in 2026-03 (warning). Not verifiable when the records given cover
only part of the month (or window) and no review in them lists the patient.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM
from bhi_audit.context import PatientMonth
from bhi_audit.episodes import episode_of
from bhi_audit.models import CaseloadReview

ID = "BHI-COCM-003"
NAME = "cocm-caseload-review"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
SEVERITIES = {"never-reviewed": "error", "not-reviewed-in-window": "warning"}
CODES = COCM | {"G0568", "G0569"}


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
    if not month.batch.provided("caseload_reviews"):
        yield Problem(
            message="caseload review not verifiable: no caseload reviews in the input",
            record=line,
            field="caseload_review",
            unverifiable=True,
        )
        return
    start = month.month.first_day
    if options.review_window_days is not None:
        start = min(start, month.month.last_day - timedelta(days=options.review_window_days))
    end = month.month.last_day
    mine: tuple[CaseloadReview, ...] = month.batch.reviews_of(month.patient_id)
    recent = [r for r in mine if start <= r.date <= end]
    if recent:
        # NOTE: the window excuses the patient's own review, not the month's weekly
        # consultation: some caseload review must still be held in the billed month (§3.8).
        if not month.batch.reviews_in(month.month):
            yield Problem(
                message=(
                    f"no caseload review held in {month.month} (patient last reviewed "
                    f"{recent[-1].date}, within {options.review_window_days} days)"
                ),
                record=line,
                field="caseload_review",
                evidence=(line, recent[-1]),
                variant="not-reviewed-in-window",
            )
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
    held = month.batch.reviews_in(month.month)
    detail = (
        f"{len(held)} caseload review(s) held in {month.month}, none lists the patient"
        if held
        else f"no caseload review held in {month.month}"
    )
    yield Problem(
        message=f"CoCM billed but the patient was never reviewed in the episode (from "
        f"{episode.start}): {detail}",
        record=line,
        field="caseload_review",
        evidence=(line, *held),
        variant="never-reviewed",
        facts={"episode_start": str(episode.start), "reviews_held_in_month": len(held)},
    )
