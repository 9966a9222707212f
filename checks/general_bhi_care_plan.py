"""General BHI has a care plan, revised when rating scales show no improvement.

Why: general BHI (99484, G0323, G0570) requires behavioral health care planning, with revision
for patients who are not progressing. Scores are followed per instrument (``instruments``,
default PHQ-9 and GAD-7): with at least two scores up to the month's end, the patient shows
"no improvement" when the latest score has dropped from the first by fewer than
``min_point_drop`` points (default 5, the usual minimal clinically important PHQ-9 change)
and by less than ``min_percent_drop`` percent (default 50, the usual response definition); a
drop meeting either counts as improvement. "No improvement" is judged only once the two scores
are at least ``min_days`` apart (default 28: a rating scale is usually repeated after about four
weeks, and a flat score two weeks into treatment says nothing yet). Then the plan must show a
revision (or have been created) after the first score and by the month's end. Graded as a
warning (audit risk).
Source: rulebook §1.1, §1.6, §3.5, §3.6, §3.7 and §9 BHI-GEN-001; [S-AAFP]; [S-NGS-BHI].
Passes: P1 2026-03, 99484; BHI plan created 2026-01-05; PHQ-9 15 then 10 (5-point drop); or
PHQ-9 14 then 12 with the plan revised 2026-03-02; PHQ-9 15 on 2026-03-02 and 15 on 2026-03-27
(25 days: too early to judge).
Fails: no BHI care plan by 2026-03-31 ("no-care-plan"); PHQ-9 15 then 11 (4 points, 27%) and
the plan never revised after the first score ("not-revised").
Not verifiable: no assessments is said by the check itself, and only once a care plan is found:
the plan is judged without them.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import general_bhi_plans, normalise
from bhi_audit.codes import GENERAL_BHI_TIMED
from bhi_audit.context import PatientMonth
from bhi_audit.models import Assessment, CarePlan

ID = "BHI-GEN-001"
NAME = "general-bhi-care-plan"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
SEVERITIES = {"no-care-plan": "warning", "not-revised": "warning"}
CODES = GENERAL_BHI_TIMED | {"G0570"}
REQUIRES = (CarePlan,)


class Options(BaseModel):
    """What "no improvement" means (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    instruments: tuple[str, ...] = Field(default=("PHQ-9", "GAD-7"), min_length=1)
    min_point_drop: int = Field(default=5, ge=1, le=50)
    min_percent_drop: int = Field(default=50, ge=1, le=100)
    min_days: int = Field(default=28, ge=0, le=365)


def improved(first: Assessment, latest: Assessment, options: Options) -> bool:
    """Whether ``latest`` is an improvement on ``first`` by points or by percent."""
    drop = first.score - latest.score
    if drop >= options.min_point_drop:
        return True
    return first.score > 0 and drop * 100 >= options.min_percent_drop * first.score


def check(month: PatientMonth, options: Options) -> Iterator[Problem]:
    """At most one problem per general-BHI patient-month."""
    line = month.lines_with(CODES)[0].line
    batch = month.batch
    end = month.month.last_day
    plans = general_bhi_plans(month)
    if not plans:
        yield Problem(
            message=f"no behavioral health care plan for general BHI by {end}",
            record=line,
            field="care_plan",
            evidence=(line,),
            variant="no-care-plan",
        )
        return
    if not batch.provided("assessments"):
        yield Problem(
            message="care-plan revision not verifiable: no assessments (rating scales) in the "
            "input",
            record=line,
            field="care_plan.revised",
            unverifiable=True,
        )
        return
    wanted = {normalise(i) for i in options.instruments}
    by_instrument: dict[str, list[Assessment]] = {}
    for assessment in month.records.assessments:
        if assessment.date <= end and normalise(assessment.instrument) in wanted:
            by_instrument.setdefault(normalise(assessment.instrument), []).append(assessment)
    for key in sorted(by_instrument):
        scores = sorted(by_instrument[key], key=lambda a: (a.date, a.assessment_id))
        if len(scores) < 2:
            continue
        first, latest = scores[0], scores[-1]
        if (latest.date - first.date).days < max(options.min_days, 1):
            continue
        if improved(first, latest, options):
            continue
        changes = [d for p in plans for d in (p.created, *p.revised) if first.date < d <= end]
        if changes:
            continue
        yield Problem(
            message=(
                f"{latest.instrument} {first.score} on {first.date} -> {latest.score} on "
                f"{latest.date} (no improvement) but care plan {plans[-1].care_plan_id} was not "
                "revised"
            ),
            record=line,
            field="care_plan.revised",
            evidence=(line, plans[-1], first, latest),
            facts={"first_score": first.score, "latest_score": latest.score},
            variant="not-revised",
        )
        return
