"""BHI-CONS-001: consent for the program billed, in force at the month's first service."""

from __future__ import annotations

import pytest
from checkcases import FIXTURES, audit_fixture, case_ids, fixture_names, observed

from checks import consent_before_billing as check

from conftest import run_audit

ID = check.ID
FAIL = {("C1", 1, ID, "violation")}

CASES = [
    ("pass_consent_in_earlier_month.json", set()),
    ("pass_consent_same_day_as_first_service.json", set()),
    ("fail_consent_day_after_first_service.json", FAIL),
    ("fail_consent_after_first_time_entry.json", FAIL),
    ("pass_consent_before_line_without_time_entries.json", set()),
    ("fail_no_consent_on_file.json", FAIL),
    ("fail_consent_for_other_program_only.json", FAIL),
    ("fail_consent_for_other_patient_only.json", FAIL),
    ("fail_consent_revoked_before_first_service.json", FAIL),
    ("fail_consent_revoked_on_first_service_day.json", FAIL),
    ("pass_consent_revoked_after_first_service.json", set()),
    ("pass_consent_renewed_after_revocation.json", set()),
    # 99484 and 99493 in one month: each program needs its own consent; the CoCM line fails
    ("fail_bhi_and_cocm_billed_only_bhi_consent.json", {("C2", 1, ID, "violation")}),
    ("fail_unverifiable_no_consent_records.json", {("C1", 1, ID, "unverifiable")}),
    ("pass_consent_listing_several_programs.json", set()),
    # time logged in an unbilled earlier month is not a service of the billed month
    ("pass_time_in_unbilled_previous_month.json", set()),
    # CCM time before the BHI consent is not a BHI service
    ("pass_other_program_time_before_consent.json", set()),
    ("pass_consent_revoked_then_reobtained_earlier.json", set()),
    ("pass_consent_last_day_of_previous_month.json", set()),
    ("fail_consent_day_after_leap_day_service.json", FAIL),
    # 99492 + 99494 on one claim: one finding, on the program's first line
    ("fail_consent_after_service_two_lines.json", FAIL),
    # billing practitioner changed (rulebook 3.2d2): judged on the practitioner's own consent
    ("pass_consent_for_billing_practitioner.json", set()),
    ("fail_own_consent_after_first_service.json", FAIL),
    ("fail_two_practitioners_one_late.json", FAIL),
    # only another practitioner's consent: BHI-CONS-002's warning, not reported twice
    ("pass_other_practitioners_consent_left_to_cons_002.json", set()),
    # psychotherapy time (billed as 90834) logged to COCM before the consent is not CoCM service
    ("pass_separately_billed_time_before_consent.json", set()),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_consent_before_billing(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


MESSAGES = [
    (
        "fail_consent_day_after_first_service.json",
        "COCM consent obtained 2026-03-05, after the first service of the month (2026-03-04)",
    ),
    (
        "fail_no_consent_on_file.json",
        "no documented BHI consent on file (first service 2026-03-02)",
    ),
    (
        "fail_consent_revoked_before_first_service.json",
        "BHI consent revoked on 2026-02-20, before the first service of the month (2026-03-02)",
    ),
    (
        "fail_consent_revoked_on_first_service_day.json",
        "BHI consent revoked on 2026-03-02, on the day of the first service of the month "
        "(2026-03-02)",
    ),
]


@pytest.mark.parametrize(("fixture", "message"), MESSAGES, ids=case_ids(MESSAGES))
def test_message(fixture, message):
    (finding,) = audit_fixture(check, fixture).findings
    assert finding.message == message
    assert finding.severity == "error"


def test_other_practitioners_consent_reported_once_by_cons_002():
    path = (
        FIXTURES
        / "consent_before_billing"
        / "pass_other_practitioners_consent_left_to_cons_002.json"
    )
    result = run_audit(path, select=[ID, "BHI-CONS-002"])
    assert {(f.check_id, f.variant, f.severity.value) for f in result.findings} == {
        ("BHI-CONS-002", "other-practitioner", "warning")
    }
