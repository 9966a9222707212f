"""Countable minutes (bhi_audit.timecount): whose time counts, overlaps, and no double counting."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, time

import pytest
from bundles import batch_of
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bhi_audit.models import Program, TimeEntry
from bhi_audit.timecount import tally_minutes

ROSTER = {
    "staff": [
        {"staff_id": "S1", "roles": ["billing_practitioner"], "practitioner_type": "physician"},
        {"staff_id": "S2", "roles": ["clinical_staff"]},
        {"staff_id": "S3", "roles": ["bhcm"]},
        {"staff_id": "S4", "roles": ["psychiatric_consultant"]},
        {"staff_id": "S6", "roles": ["billing_practitioner"]},
    ]
}
BATCH = batch_of(ROSTER)
NO_ROSTER = batch_of({"time_entries": []})
BHI, CCM, COCM = Program.BHI, Program.CCM, Program.COCM


def entry(eid, minutes=None, *, by="S2", day=5, program=("BHI",), clock=None, **extra):
    """A March 2026 time entry; ``clock`` is ``("09:00", "09:20")``."""
    data = {
        "entry_id": eid,
        "patient_id": "P1",
        "staff_id": by,
        "date": f"2026-03-{day:02d}",
        "program": list(program),
        **extra,
    }
    if minutes is not None:
        data["minutes"] = minutes
    if clock is not None:
        data["start_time"], data["end_time"] = clock
    return TimeEntry.model_validate(data)


def tally(entries, program=BHI, batch=BATCH, practitioner="S1", own=False):
    return tally_minutes(entries, program, batch, practitioner=practitioner, own_time_only=own)


def reasons(result):
    return {(x.entry.entry_id, x.minutes, x.reason) for x in result.excluded}


# ------------------------------------------------------------------ whose time counts

WHO_COUNTS = [
    ("clinical staff, BHI", [entry("T1", 20)], BHI, False, 20, set()),
    ("billing practitioner, BHI", [entry("T1", 20, by="S1")], BHI, False, 20, set()),
    ("care manager, BHI", [entry("T1", 20, by="S3")], BHI, False, 20, set()),
    (
        "consultant, BHI",
        [entry("T1", 20, by="S4")],
        BHI,
        False,
        0,
        {("T1", 20, "psychiatric consultant time")},
    ),
    (
        "another practitioner, BHI",
        [entry("T1", 20, by="S6")],
        BHI,
        False,
        0,
        {("T1", 20, "not clinical staff or the billing practitioner")},
    ),
    (
        "not on roster",
        [entry("T1", 20, by="S99")],
        BHI,
        False,
        0,
        {("T1", 20, "staff S99 is not on the roster")},
    ),
    ("care manager, CoCM", [entry("T1", 20, by="S3", program=("COCM",))], COCM, False, 20, set()),
    (
        "treating practitioner, CoCM",
        [entry("T1", 20, by="S1", program=("COCM",))],
        COCM,
        False,
        20,
        set(),
    ),
    (
        "clinical staff, CoCM",
        [entry("T1", 20, program=("COCM",))],
        COCM,
        False,
        0,
        {("T1", 20, "not the care manager or treating practitioner")},
    ),
    (
        "consultant, CoCM",
        [entry("T1", 20, by="S4", program=("COCM",))],
        COCM,
        False,
        0,
        {("T1", 20, "psychiatric consultant time")},
    ),
    ("G0323 own time", [entry("T1", 20, by="S1")], BHI, True, 20, set()),
    (
        "G0323 staff time",
        [entry("T1", 20)],
        BHI,
        True,
        0,
        {("T1", 20, "not the billing practitioner's own time")},
    ),
    (
        "separately billed service",
        [entry("T1", 20, billed_service="90832")],
        BHI,
        False,
        0,
        {("T1", 20, "belongs to separately billed 90832")},
    ),
    (
        "two programs",
        [entry("T1", 20, program=("BHI", "CCM"))],
        BHI,
        False,
        0,
        {("T1", 20, "logged to several programs (BHI, CCM)")},
    ),
    ("no duration", [entry("T1")], BHI, False, 0, {("T1", 0, "no duration")}),
    ("other program ignored", [entry("T1", 20, program=("CCM",))], BHI, False, 0, set()),
]


@pytest.mark.parametrize(
    ("entries", "program", "own", "minutes", "excluded"),
    [case[1:] for case in WHO_COUNTS],
    ids=[case[0] for case in WHO_COUNTS],
)
def test_whose_time_counts(entries, program, own, minutes, excluded):
    result = tally(entries, program, own=own)
    assert result.minutes == minutes
    assert reasons(result) == excluded


def test_no_staff_member_does_not_count():
    result = tally([entry("T1", 20, by=None)])
    assert (result.minutes, reasons(result)) == (0, {("T1", 20, "no staff member recorded")})


def test_without_a_roster_role_cannot_be_disproved_nor_verified():
    result = tally([entry("T1", 20, by="S99"), entry("T2", 5, by="S1")], batch=NO_ROSTER)
    assert (result.minutes, result.verified_minutes) == (25, 5)
    assert [e.entry_id for e in result.unverified] == ["T1"]


def test_with_a_roster_every_counted_minute_is_verified():
    result = tally([entry("T1", 20), entry("T2", 5, by="S1")])
    assert (result.minutes, result.verified_minutes, result.unverified) == (25, 25, ())


def test_g0323_own_time_needs_no_roster():
    result = tally([entry("T1", 20, by="S1")], batch=NO_ROSTER, own=True)
    assert (result.minutes, result.verified_minutes) == (20, 20)


# ------------------------------------------------------------------ clock times


def test_overlapping_entries_of_one_program_count_once():
    result = tally([entry("T2", clock=("09:05", "09:20")), entry("T1", clock=("09:00", "09:15"))])
    assert result.minutes == 20
    assert [(e.entry_id, m) for e, m in result.counted] == [("T1", 15), ("T2", 5)]
    assert reasons(result) == {("T2", 10, "overlaps a time entry already counted")}
    assert result.logged == 30


def test_overlap_with_another_program_counts_for_neither():
    entries = [
        entry("T1", clock=("09:00", "09:30")),
        entry("T2", clock=("09:15", "09:45"), program=("CCM",)),
    ]
    bhi, ccm = tally(entries, BHI), tally(entries, CCM)
    assert (bhi.minutes, ccm.minutes) == (15, 15)
    assert reasons(bhi) == {("T1", 15, "overlaps another program's time")}
    assert reasons(ccm) == {("T2", 15, "overlaps another program's time")}


def test_same_clock_times_of_different_staff_both_count():
    entries = [
        entry("T1", clock=("09:00", "09:10")),
        entry("T2", by="S1", clock=("09:00", "09:10")),
    ]
    assert tally(entries).minutes == 20


def test_minutes_beyond_the_clock_times_do_not_count():
    result = tally([entry("T1", 40, clock=("09:00", "09:30"))])
    assert result.minutes == 30
    assert reasons(result) == {("T1", 10, "more minutes than its clock times (30 min)")}
    assert result.logged == 40


def test_reached_on_and_describe():
    result = tally(
        [entry("T1", 12, day=3), entry("T2", 8, day=17), entry("T3", 5, by="S4", day=20)]
    )
    assert result.reached_on(20) == date(2026, 3, 17)
    assert result.reached_on(26) is None
    assert result.describe() == "25 min logged; not counted: T3 5 min (psychiatric consultant time)"


# ------------------------------------------------------------------ properties

STAFF_IDS = ("S1", "S2", "S3", "S4")
PROGRAM_SETS = (("BHI",), ("CCM",), ("COCM",), ("BHI", "CCM"), ("BHI", "COCM"))


@st.composite
def entry_lists(draw, clock_always=False):
    count = draw(st.integers(min_value=0, max_value=8))
    entries = []
    for index in range(count):
        start = draw(st.integers(min_value=0, max_value=90))
        length = draw(st.integers(min_value=1, max_value=45))
        with_clock = clock_always or draw(st.booleans())
        minutes = draw(st.none() | st.integers(min_value=0, max_value=60))
        if not with_clock and minutes is None:
            minutes = length
        data = {
            "entry_id": f"T{index}",
            "patient_id": "P1",
            "staff_id": draw(st.sampled_from(STAFF_IDS)),
            "date": date(2026, 3, draw(st.integers(min_value=1, max_value=2))),
            "program": list(draw(st.sampled_from(PROGRAM_SETS))),
            "minutes": minutes,
            "billed_service": draw(st.sampled_from((None, None, None, "90832"))),
        }
        if with_clock:
            data["start_time"] = time(9 + start // 60, start % 60)
            end = start + length
            data["end_time"] = time(9 + end // 60, end % 60)
        entries.append(TimeEntry.model_validate(data))
    return entries


def _union(spans):
    total, reach = 0, None
    for start, end in sorted(spans):
        if reach is None or start >= reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def _clock(entry):
    return (
        entry.start_time.hour * 60 + entry.start_time.minute,
        entry.end_time.hour * 60 + entry.end_time.minute,
    )


@settings(max_examples=150, deadline=None)
@given(entries=entry_lists(), seed=st.integers(), program=st.sampled_from([BHI, CCM, COCM]))
def test_tally_does_not_depend_on_log_order(entries, seed, program):
    shuffled = list(entries)
    random.Random(seed).shuffle(shuffled)
    assert tally(shuffled, program) == tally(entries, program)


@settings(max_examples=150, deadline=None)
@given(entries=entry_lists(clock_always=True))
def test_no_minute_is_counted_for_two_programs(entries):
    counted = defaultdict(int)
    for program in (BHI, CCM, COCM):
        for counted_entry, minutes in tally(entries, program).counted:
            assert len(counted_entry.program) == 1  # a two-program entry counts for none
            counted[(counted_entry.staff_id, counted_entry.date)] += minutes
    spans = defaultdict(list)
    for e in entries:
        spans[(e.staff_id, e.date)].append(_clock(e))
    for key, minutes in counted.items():
        assert minutes <= _union(spans[key])


@settings(max_examples=150, deadline=None)
@example(  # found by Hypothesis: minutes below the clock span, overlapped by another program
    entries=[
        entry("T0", by="S1", program=("CCM",), clock=("09:00", "09:01")),
        entry("T2", 1, by="S1", clock=("09:00", "09:02")),
    ],
    program=BHI,
)
@example(  # minutes above the clock span: the excess is excluded once, with its own reason
    entries=[entry("T1", 40, clock=("09:00", "09:30"))],
    program=BHI,
)
@given(entries=entry_lists(), program=st.sampled_from([BHI, CCM, COCM]))
def test_every_logged_minute_is_counted_or_excluded_once(entries, program):
    result = tally(entries, program)
    mine = [e for e in entries if program in e.program]
    assert result.logged == sum(e.duration or 0 for e in mine)
    assert sorted(e.entry_id for e in result.entries) == sorted(
        [e.entry_id for e, _ in result.counted] + [x.entry.entry_id for x in result.excluded]
    )
    assert all(0 <= m <= (e.duration or 0) for e, m in result.counted)
    assert all(x.minutes > 0 or (x.entry.duration or 0) == 0 for x in result.excluded)


def test_as_logged_to_program_counts_another_programs_entry():
    entries = [entry("T1", 20, by="S3"), entry("T2", 10, by="S3", program=("BHI", "COCM"))]
    plain = tally_minutes(entries, COCM, BATCH, practitioner="S1")
    what_if = tally_minutes(entries, COCM, BATCH, practitioner="S1", as_logged_to_program=True)
    assert (plain.minutes, what_if.minutes) == (0, 30)
    assert [(e.entry_id, m) for e, m in what_if.counted] == [("T1", 20), ("T2", 10)]


@settings(max_examples=150, deadline=None)
@given(entries=entry_lists(), program=st.sampled_from([BHI, CCM, COCM]))
def test_as_logged_to_program_equals_tallying_relabelled_copies(entries, program):
    # The model comparison's what-if, once made with relabelled copies of the records.
    relabelled = [e.model_copy(update={"program": [program]}) for e in entries]
    expected = tally_minutes(relabelled, program, BATCH, practitioner="S1")
    result = tally_minutes(entries, program, BATCH, practitioner="S1", as_logged_to_program=True)
    assert result.minutes == expected.minutes
    assert [(e.entry_id, m) for e, m in result.counted] == [
        (e.entry_id, m) for e, m in expected.counted
    ]
    assert [(x.entry.entry_id, x.minutes, x.reason) for x in result.excluded] == [
        (x.entry.entry_id, x.minutes, x.reason) for x in expected.excluded
    ]
