"""BHI-COCM-003: a psychiatric consultant caseload review covers the patient in each CoCM month."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import cocm_caseload_review as check

ID = check.ID
NEVER = "never-reviewed"
NOT_IN_WINDOW = "not-reviewed-in-window"

CASES = [
    ("pass_reviewed_in_month.json", set()),
    ("pass_reviewed_on_last_day_of_month.json", set()),
    ("fail_reviewed_earlier_in_episode_not_this_month.json", {("C2", 1, ID, NOT_IN_WINDOW)}),
    ("fail_never_reviewed_in_episode.json", {("C1", 1, ID, NEVER), ("C2", 1, ID, NEVER)}),
    ("fail_never_reviewed_no_review_held.json", {("C1", 1, ID, NEVER)}),
    # a six-month break ended the 2025 episode; its review does not cover the new one
    ("fail_reviewed_only_in_previous_episode.json", {("C2", 1, ID, NEVER)}),
    # the records start in the billed month: an earlier review cannot be ruled out
    ("fail_never_reviewed_history_incomplete.json", {("C1", 1, ID, NOT_IN_WINDOW)}),
    # an explicit episode starting in March wins over the billing history
    ("fail_reviewed_before_explicit_episode.json", {("C2", 1, ID, NEVER)}),
    ("fail_reviewed_after_month_end_only.json", {("C1", 1, ID, NEVER)}),
    ("pass_review_within_window_days.json", {("C2", 1, ID, NOT_IN_WINDOW)}),  # default options
    ("fail_unverifiable_no_caseload_reviews.json", {("C1", 1, ID, "unverifiable")}),
    # five months without CoCM (April-August) do not end the episode: March's review counts
    ("fail_gap_5_months_same_episode.json", {("C2", 1, ID, NOT_IN_WINDOW)}),
    # six months without CoCM (April-September) start a new episode in October
    ("fail_gap_6_months_new_episode.json", {("C2", 1, ID, NEVER)}),
    # records from 15 March only: a review on 1-14 March cannot be ruled out
    ("fail_unverifiable_period_starts_mid_month.json", {("C1", 1, ID, "unverifiable")}),
    (
        "pass_review_within_window_days_review_held_in_month.json",
        {("C2", 1, ID, NOT_IN_WINDOW)},
    ),  # default options
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_cocm_caseload_review(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


# The review of 2026-02-20 is 39 days before the end of March. In the first fixture no caseload
# review at all is held in March (the window excuses the patient, not the month's consultation);
# in the second one a review of another patient is held on 2026-03-12.
NO_REVIEW_IN_MONTH = {("C2", 1, ID, NOT_IN_WINDOW)}
WINDOWS = [
    ("pass_review_within_window_days.json", None, {("C2", 1, ID, NOT_IN_WINDOW)}),
    ("pass_review_within_window_days.json", 38, {("C2", 1, ID, NOT_IN_WINDOW)}),
    ("pass_review_within_window_days.json", 39, NO_REVIEW_IN_MONTH),
    (
        "pass_review_within_window_days_review_held_in_month.json",
        38,
        {("C2", 1, ID, NOT_IN_WINDOW)},
    ),
    ("pass_review_within_window_days_review_held_in_month.json", 39, set()),
]


@pytest.mark.parametrize(
    ("fixture", "days", "expected"),
    WINDOWS,
    ids=[f"{f.removesuffix('.json')}-review_window_days={d}" for f, d, _ in WINDOWS],
)
def test_review_window_days(fixture, days, expected):
    options = {} if days is None else {"review_window_days": days}
    result = audit_fixture(check, fixture, options)
    assert observed(result) == expected


def test_no_review_in_month_message():
    result = audit_fixture(check, "pass_review_within_window_days.json", {"review_window_days": 39})
    (finding,) = result.findings
    assert finding.severity.value == "warning"
    assert finding.message == (
        "no caseload review held in 2026-03 (patient last reviewed 2026-02-20, within 39 days)"
    )


@pytest.mark.parametrize(
    ("fixture", "severity"),
    [
        ("fail_never_reviewed_no_review_held.json", "error"),
        ("fail_reviewed_earlier_in_episode_not_this_month.json", "warning"),
        ("fail_unverifiable_no_caseload_reviews.json", "info"),
    ],
    ids=case_ids,
)
def test_severity(fixture, severity):
    assert {f.severity.value for f in audit_fixture(check, fixture).findings} == {severity}


def test_never_reviewed_message():
    (finding,) = audit_fixture(check, "fail_never_reviewed_no_review_held.json").findings
    assert finding.message == (
        "CoCM billed but the patient was never reviewed in the episode (from 2026-03): "
        "no caseload review held in 2026-03"
    )
