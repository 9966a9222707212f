"""BHI-COCM-003: a psychiatric consultant caseload review covers the patient in each CoCM month."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import cocm_caseload_review as check

ID = check.ID
NEVER = "never-reviewed"
NOT_IN_WINDOW = "not-reviewed-in-window"
NONE_HELD = "no-review-held"
PLAN_ONLY = "plan-review-only"

# NOTE: the fixtures that test the patient's own review hold a caseload review of another
# patient in the billed month, since no review held at all in the month is its own error (§3.8a).
CASES = [
    ("pass_reviewed_in_month.json", set()),
    ("pass_reviewed_on_last_day_of_month.json", set()),
    ("fail_reviewed_earlier_in_episode_not_this_month.json", {("C2", 1, ID, NOT_IN_WINDOW)}),
    ("fail_never_reviewed_in_episode.json", {("C1", 1, ID, NEVER), ("C2", 1, ID, NEVER)}),
    # §3.8a: no caseload review held at all in the month is an error of its own
    ("fail_never_reviewed_no_review_held.json", {("C1", 1, ID, NONE_HELD)}),
    # a six-month break ended the 2025 episode; its review does not cover the new one
    ("fail_reviewed_only_in_previous_episode.json", {("C2", 1, ID, NEVER)}),
    # the records start in the billed month: an earlier review cannot be ruled out
    ("fail_never_reviewed_history_incomplete.json", {("C1", 1, ID, NOT_IN_WINDOW)}),
    # an explicit episode starting in March wins over the billing history
    ("fail_reviewed_before_explicit_episode.json", {("C2", 1, ID, NEVER)}),
    ("fail_reviewed_after_month_end_only.json", {("C1", 1, ID, NEVER)}),
    # default options: the patient's February review does not excuse a March with no review
    # held at all (an error since §3.8a; a warning before)
    ("pass_review_within_window_days.json", {("C2", 1, ID, NONE_HELD)}),
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
    # records end on 20 March and hold no March review: not verifiable, not an error
    ("fail_unverifiable_none_held_period_ends_mid_month.json", {("C2", 1, ID, "unverifiable")}),
    # §3.8a / D14: on no caseload review, but the consultant's review of the CoCM treatment plan
    # is recorded in the episode (5 March; 1 and 31 March, the month's edges): a warning. Not
    # enough: a review before the episode (May 2025, C4), a general-BHI care plan's review (C5),
    # a CoCM plan with no consultant review (C6).
    (
        "fail_plan_review_only.json",
        {
            ("C1", 1, ID, PLAN_ONLY),
            ("C2", 1, ID, PLAN_ONLY),
            ("C3", 1, ID, PLAN_ONLY),
            ("C4", 1, ID, NEVER),
            ("C5", 1, ID, NEVER),
            ("C6", 1, ID, NEVER),
        },
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_cocm_caseload_review(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


# The review of 2026-02-20 is 39 days before the end of March. In the first fixture no caseload
# review at all is held in March: the window excuses the patient, not the month's consultation,
# so that stays an error whatever the window (§3.8a). In the second one a review of another
# patient is held on 2026-03-12.
NO_REVIEW_IN_MONTH = {("C2", 1, ID, NONE_HELD)}
WINDOWS = [
    ("pass_review_within_window_days.json", None, NO_REVIEW_IN_MONTH),
    ("pass_review_within_window_days.json", 38, NO_REVIEW_IN_MONTH),
    ("pass_review_within_window_days.json", 39, NO_REVIEW_IN_MONTH),
    (
        "pass_review_within_window_days_review_held_in_month.json",
        38,
        {("C2", 1, ID, NOT_IN_WINDOW)},
    ),
    ("pass_review_within_window_days_review_held_in_month.json", 39, set()),
    # records end on 20 March: a review held on 21-31 March cannot be ruled out
    ("fail_unverifiable_none_held_period_ends_mid_month.json", 39, {("C2", 1, ID, "unverifiable")}),
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
    assert finding.severity.value == "error"
    assert finding.message == "no caseload review held in 2026-03; patient last reviewed 2026-02-20"


@pytest.mark.parametrize(
    ("fixture", "severity"),
    [
        ("fail_never_reviewed_no_review_held.json", "error"),
        ("fail_never_reviewed_in_episode.json", "error"),
        ("fail_reviewed_earlier_in_episode_not_this_month.json", "warning"),
        ("fail_plan_review_only.json", "mixed"),
        ("fail_unverifiable_no_caseload_reviews.json", "info"),
    ],
    ids=case_ids,
)
def test_severity(fixture, severity):
    findings = audit_fixture(check, fixture).findings
    if severity == "mixed":  # one severity per variant
        assert {(f.variant, f.severity.value) for f in findings} == {
            (PLAN_ONLY, "warning"),
            (NEVER, "error"),
        }
    else:
        assert {f.severity.value for f in findings} == {severity}


def test_no_review_held_message():
    (finding,) = audit_fixture(check, "fail_never_reviewed_no_review_held.json").findings
    assert finding.message == "no caseload review held in 2026-03"


def test_never_reviewed_message():
    findings = audit_fixture(check, "fail_never_reviewed_in_episode.json").findings
    by_claim = {f.claim_id: f.message for f in findings}
    assert by_claim["C2"] == (
        "CoCM billed but the patient was never reviewed in the episode (from 2026-02): "
        "1 caseload review(s) held in 2026-03, none lists the patient, and no consultant "
        "review of the treatment plan is recorded"
    )


def test_plan_review_only_message():
    findings = audit_fixture(check, "fail_plan_review_only.json").findings
    by_claim = {f.claim_id: f.message for f in findings}
    assert by_claim["C1"] == (
        "patient on no caseload review in the episode (from 2026-03), but the consultant "
        "reviewed care plan CP1 on 2026-03-05: document the review on a caseload review"
    )
