"""CoCM episodes (bhi_audit.episodes): six-month breaks, explicit episodes, partial history."""

from __future__ import annotations

from itertools import pairwise

import pytest
from bundles import records_of
from hypothesis import given, settings
from hypothesis import strategies as st

from bhi_audit.episodes import cocm_service_months, episode_of
from bhi_audit.months import Month


def document(billed=(), cocm_time=(), period=None, episodes=()):
    """``billed``: (YYYY-MM, code) pairs, one claim each; ``cocm_time``: months with CoCM time."""
    doc = {
        "patients": [{"patient_id": "P1"}],
        "claims": [
            {"claim_id": f"C{i}", "patient_id": "P1", "billing_practitioner": "S1"}
            for i in range(len(billed))
        ],
        "claim_lines": [
            {"claim_id": f"C{i}", "line_number": 1, "code": code, "date_of_service": f"{ym}-20"}
            for i, (ym, code) in enumerate(billed)
        ],
        "time_entries": [
            {
                "entry_id": f"T{i}",
                "patient_id": "P1",
                "staff_id": "S3",
                "date": f"{ym}-10",
                "minutes": 30,
                "program": ["COCM"],
            }
            for i, ym in enumerate(cocm_time)
        ],
    }
    if period:
        doc["period"] = [{"records_from": period[0], "records_to": period[1]}]
    if episodes:
        doc["episodes"] = [
            {"episode_id": f"E{i}", "patient_id": "P1", **episode}
            for i, episode in enumerate(episodes)
        ]
    return doc


M = Month.parse
WHOLE = ("2024-01-01", "2026-12-31")


@pytest.mark.parametrize(
    ("later", "start"),
    [("2025-07", "2025-01"), ("2025-08", "2025-08"), ("2025-09", "2025-09")],
    ids=["5-month gap continues", "6-month gap starts new", "7-month gap starts new"],
)
def test_six_months_without_cocm_end_an_episode(later, start):
    records = records_of(document([("2025-01", "99492"), (later, "99493")], period=WHOLE))
    view = episode_of(records, M(later))
    assert view.start == M(start)
    assert not view.explicit
    assert view.history_complete


def test_logged_cocm_time_is_cocm_service():
    records = records_of(
        document([("2025-01", "99492"), ("2025-09", "99493")], cocm_time=["2025-05"], period=WHOLE)
    )
    assert cocm_service_months(records) == (M("2025-01"), M("2025-05"), M("2025-09"))
    assert episode_of(records, M("2025-09")).start == M("2025-01")


def test_a_patient_s_service_months_and_episodes_are_derived_once_and_shared():
    records = records_of(document([("2025-01", "99492"), ("2025-03", "99493")], period=WHOLE))
    assert cocm_service_months(records) is cocm_service_months(records)
    first = episode_of(records, M("2025-03"))
    assert episode_of(records, M("2025-03")) is first
    assert first.start == M("2025-01")
    assert episode_of(records, M("2025-01")).start == M("2025-01")


def test_general_bhi_is_not_cocm_service():
    records = records_of(
        document([("2025-01", "99492"), ("2025-05", "99484"), ("2025-09", "99492")], period=WHOLE)
    )
    assert cocm_service_months(records) == (M("2025-01"), M("2025-09"))
    assert episode_of(records, M("2025-09")).start == M("2025-09")


def test_month_without_cocm_service_belongs_to_the_running_episode():
    records = records_of(document([("2025-01", "99492"), ("2025-03", "99493")], period=WHOLE))
    assert episode_of(records, M("2025-02")).start == M("2025-01")


def test_explicit_episode_wins_over_billing_history():
    billed = [("2025-01", "99492"), ("2025-02", "99493"), ("2025-03", "99492")]
    records = records_of(
        document(billed, period=WHOLE, episodes=[{"start": "2025-03-01", "end_reason": "new"}])
    )
    view = episode_of(records, M("2025-03"))
    assert (view.start, view.explicit, view.history_complete) == (M("2025-03"), True, True)
    assert episode_of(records, M("2025-02")).start == M("2025-01")  # not covered: inferred


def test_explicit_episode_wins_even_without_history():
    records = records_of(
        document([("2026-03", "99493")], episodes=[{"start": "2025-11-03", "end": "2026-06-30"}])
    )
    view = episode_of(records, M("2026-03"))
    assert (view.start, view.explicit, view.history_complete) == (M("2025-11"), True, True)


def test_ended_explicit_episode_does_not_cover_later_months():
    records = records_of(
        document(
            [("2025-01", "99492"), ("2025-12", "99492")],
            period=WHOLE,
            episodes=[{"start": "2025-01-05", "end": "2025-04-30", "end_reason": "goals met"}],
        )
    )
    view = episode_of(records, M("2025-12"))
    assert (view.start, view.explicit) == (M("2025-12"), False)


@pytest.mark.parametrize(
    ("records_from", "complete"),
    [("2025-01-01", True), ("2025-01-02", False), ("2025-02-01", False), ("2024-06-01", True)],
    ids=["lookback starts at coverage", "one day short", "one month short", "well covered"],
)
def test_history_complete_needs_the_six_month_lookback_covered(records_from, complete):
    # the episode starts 2025-07, so Jan-Jun 2025 must be in the records to prove the break
    records = records_of(document([("2025-07", "99492")], period=(records_from, "2025-12-31")))
    view = episode_of(records, M("2025-07"))
    assert view.start == M("2025-07")
    assert view.history_complete is complete


def test_history_incomplete_when_records_start_with_the_episode():
    records = records_of(document([("2026-02", "99492"), ("2026-03", "99493")]))  # no period
    view = episode_of(records, M("2026-03"))
    assert view.start == M("2026-02")
    assert view.history_complete is False


# ------------------------------------------------------------------ property

MONTHS = [M("2024-01").plus(i) for i in range(36)]


@settings(max_examples=60, deadline=None)
@given(
    service=st.sets(st.sampled_from(MONTHS), min_size=1, max_size=10),
    pick=st.integers(min_value=0, max_value=9),
)
def test_episode_start_follows_the_six_month_rule(service, pick):
    months = sorted(service)
    month = months[pick % len(months)]
    billed = [(str(m), "99493") for m in months]
    records = records_of(document(billed, period=("2023-01-01", "2026-12-31")))
    start = episode_of(records, month).start
    chain = [m for m in months if start <= m <= month]
    assert chain[0] == start
    gaps = [b.index - a.index - 1 for a, b in pairwise(chain)]
    assert all(gap < 6 for gap in gaps)
    before = [m for m in months if m < start]
    assert not before or start.index - before[-1].index - 1 >= 6
