"""99492 and 99493 never share a month, and 99492 bills only the first month of an episode.

Why: 99492 is the initial month of a CoCM episode and 99493 every later month; both in one
month bills the month twice. An episode ends after six consecutive months without CoCM
service, so 99492 may bill again only after a break of six or more months; a month with CoCM
service (billed or logged) less than six months earlier means the episode is still running.
When the six months before the month lie outside the records given, the break cannot be
proved either way: not verifiable, never a false error. An explicit episode record fixes the
episode's start month, but cannot shorten the six-month break.
Source: rulebook §1.2-1.3, §3.12, §4.4, D3 and §9 BHI-EXCL-003; [S-BCBSND] ("do not report
99492 and 99493 in the same calendar month"); [S-NCM] quoting the CPT episode definitions.
Passes: P1 99492 in 2026-01 with no CoCM in 2025-07..2025-12 inside the records; P1 99492 in
2025-01 and again in 2025-08 (six months without CoCM in between).
Fails: P1 2026-03, 99492 and 99493 in an episode's first month (the 99493 line is flagged;
in a later month only the 99492 line is); P1 99492 in 2025-01 and again in 2025-07 (a
five-month break: the second 99492 is flagged); an episode record starting 2025-03 after CoCM
in 2025-01.
Not verifiable: 99492 whose six months before lie outside the records, even when an episode
record names the month as the start.
Data: the pair in bhi_audit/policy/exclusivity.toml; the episode logic in bhi_audit/episodes.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_INITIAL
from bhi_audit.context import PatientMonth
from bhi_audit.episodes import LAPSE_MONTHS, cocm_service_months, episode_of
from bhi_audit.exclusivity import codes_of, find_pair_hits

ID = "BHI-EXCL-003"
NAME = "cocm-initial-month-rules"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"initial-and-subsequent": "error", "not-episode-start": "error"}
CODES = codes_of(ID) | {COCM_INITIAL}


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """A problem per 99493 beside 99492 in a first month, and per 99492 outside one."""
    initial = month.lines_with({COCM_INITIAL})
    episode = episode_of(month.records, month.month)
    earlier = [m for m in cocm_service_months(month.records) if m < month.month]
    gap = month.month.index - earlier[-1].index - 1 if earlier else None
    # NOTE: an episode record cannot shorten the six-month break (§3.12): CoCM service less
    # than six months before still means the month is not a new episode's first.
    later_month = episode.start != month.month or (gap is not None and gap < LAPSE_MONTHS)
    # In a month that is provably not an episode's first, 99493 is the right code and the
    # 99492 beside it is the wrong one: flag only the 99492 (below), not the correct line.
    if not (initial and later_month):
        for hit in find_pair_hits(month, ID):
            yield Problem(
                message=f"99493 billed with 99492 in {month.month} (one CoCM month is either "
                "initial or subsequent)",
                record=hit.line.line,
                field="code",
                evidence=(hit.line.line, *(b.line for b in hit.partners)),
                variant="initial-and-subsequent",
            )
    if not initial:
        return
    line = initial[0].line
    lookback = month.month.plus(-LAPSE_MONTHS)
    # An explicit episode record names the start month but does not prove the six-month break
    # before it: that still needs the records to reach back six months.
    history_complete = episode.history_complete and (
        not episode.explicit or month.batch.coverage.start <= lookback.first_day
    )
    if later_month:
        if gap is None or gap >= LAPSE_MONTHS:
            why = f"the episode record starts it in {episode.start}"
        else:
            why = (
                f"last CoCM service {earlier[-1]}, {gap} month(s) without CoCM < {LAPSE_MONTHS} "
                "needed for a new episode"
            )
        yield Problem(
            message=f"99492 in {month.month} is not the first month of a CoCM episode ({why})",
            record=line,
            field="code",
            evidence=(line, *month.records.episodes),
            variant="not-episode-start",
            facts={"episode_start": str(episode.start), "gap_months": gap},
        )
    elif not history_complete:
        yield Problem(
            message=(
                f"99492 in {month.month}: episode start not verifiable, the records given begin "
                f"{month.batch.coverage.start} but a break since {lookback} must be shown"
            ),
            record=line,
            field="code",
            unverifiable=True,
            facts={"lookback_from": str(lookback)},
        )
