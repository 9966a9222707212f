"""CoCM episodes of care (rulebook §3.12): where an episode starts and whether a month is its first.

An episode ends after six consecutive months with no CoCM services; a new one may then start,
and only the first month of an episode may bill 99492. Explicit episode records, when the
practice keeps them, win over what billing history implies. A month with CoCM service is a
month with a CoCM code billed or CoCM time logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from bhi_audit.codes import COCM, program_of
from bhi_audit.context import PatientRecords
from bhi_audit.models import Program
from bhi_audit.months import Month

#: Consecutive months without CoCM service that end an episode (§3.12).
LAPSE_MONTHS = 6


@dataclass(frozen=True)
class EpisodeView:
    """The episode a month belongs to, as far as the records show."""

    start: Month
    explicit: bool
    #: True when the months before ``start`` that would prove a six-month break are not all
    #: inside what the records cover (an auditor's sample): the start is then a guess.
    history_complete: bool


def cocm_service_months(records: PatientRecords) -> tuple[Month, ...]:
    """Months with a CoCM code billed or CoCM time logged, ascending.

    NOTE: derived once per patient (``records.memo``): several checks ask for every month.
    """
    found = records.memo.get(cocm_service_months)
    if found is None:
        found = records.memo[cocm_service_months] = _cocm_service_months(records)
    return found  # type: ignore[return-value]


def _cocm_service_months(records: PatientRecords) -> tuple[Month, ...]:
    months = {
        month
        for month, lines in records.lines_by_month.items()
        if any(program_of(b.code) is Program.COCM or b.code in COCM for b in lines)
    }
    months |= {
        month
        for month, entries in records.entries_by_month.items()
        if any(Program.COCM in e.program for e in entries)
    }
    return tuple(sorted(months))


def episode_of(records: PatientRecords, month: Month) -> EpisodeView:
    """The episode ``month`` belongs to (derived once per patient-month: it is immutable)."""
    key = (episode_of, month)
    found = records.memo.get(key)
    if found is None:
        found = records.memo[key] = _episode_of(records, month)
    return found  # type: ignore[return-value]


def _episode_of(records: PatientRecords, month: Month) -> EpisodeView:
    for episode in reversed(records.episodes):
        if episode.start <= month.last_day and (
            episode.end is None or episode.end >= month.first_day
        ):
            return EpisodeView(Month.of(episode.start), explicit=True, history_complete=True)
    service = [m for m in cocm_service_months(records) if m <= month]
    start = month
    for previous in reversed(service):
        if previous == start:
            continue
        if start.index - previous.index - 1 >= LAPSE_MONTHS:
            break
        start = previous
    lookback_from = start.plus(-LAPSE_MONTHS).first_day
    coverage = records.batch.coverage
    complete = coverage.start <= lookback_from
    return EpisodeView(start, explicit=False, history_complete=complete)


def is_initial_month(records: PatientRecords, month: Month) -> bool | None:
    """Whether ``month`` is the first month of its CoCM episode; None when the records cannot
    tell (the month looks like a start but the six months before it are not all covered)."""
    episode = episode_of(records, month)
    if episode.start != month:
        return False
    return True if episode.history_complete else None
