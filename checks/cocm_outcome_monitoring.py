"""Subsequent CoCM months monitor outcomes with a validated rating scale in the month or window.

Why: 99493 requires monitoring of outcomes using validated rating scales; a subsequent month
without a scale is audit risk (the monthly-evidence expectation is graded M, so a warning).
Applies to 99493, its APCM mirror G0569 and G2214 in a month that is not known to be an
episode's first (either way a scale is due that month).
``window_days`` accepts a scale that many days before the month's end instead of the calendar
month.
Source: rulebook §1.3, §3.7 and §9 BHI-COCM-006; [S-BCBSND] quoting CPT.
Passes: P1 2026-03, 99493; PHQ-9 on 2026-03-20.
Fails: P1 2026-03, 99493; the last PHQ-9 was on 2026-02-10 (with window_days 45 it passes).
Not verifiable: no assessments in the input. Said by the check itself, not by REQUIRES, as a
G2214 month that starts an episode is BHI-COCM-005's, so only months that need a scale here are
reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_SHORT, COCM_SUBSEQUENT
from bhi_audit.context import PatientMonth
from bhi_audit.episodes import is_initial_month

ID = "BHI-COCM-006"
NAME = "cocm-outcome-monitoring"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = frozenset({COCM_SUBSEQUENT, "G0569", COCM_SHORT})


class Options(BaseModel):
    """How recent the scale must be."""

    model_config = ConfigDict(extra="forbid")

    window_days: int | None = Field(
        default=None,
        ge=7,
        le=184,
        description="accept a scale this many days before month end (default: the month)",
    )


def check(month: PatientMonth, options: Options) -> Iterator[Problem]:
    """At most one problem per subsequent CoCM patient-month."""
    lines = [b for b in month.lines_with(CODES) if b.code != COCM_SHORT]
    if not lines:
        if is_initial_month(month.records, month.month) is True:
            return  # G2214 in an initial month: BHI-COCM-005 asks for the scale
        lines = list(month.lines_with(CODES))  # subsequent or unknown: a scale is due either way
    line = lines[0].line
    if not month.batch.provided("assessments"):
        yield Problem(
            message="outcome monitoring not verifiable: no assessments in the input",
            record=line,
            field="rating_scale",
            unverifiable=True,
        )
        return
    end = month.month.last_day
    start = month.month.first_day
    if options.window_days is not None:
        start = min(start, end - timedelta(days=options.window_days))
    if any(start <= a.date <= end for a in month.records.assessments):
        return
    earlier = [a for a in month.records.assessments if a.date < start]
    last = f"last scale {earlier[-1].instrument} on {earlier[-1].date}" if earlier else "none"
    yield Problem(
        message=f"no validated rating scale between {start} and {end} ({last})",
        record=line,
        field="rating_scale",
        evidence=(line, *earlier[-1:]),
    )
