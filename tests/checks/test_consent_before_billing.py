"""BHI-CONS-001: consent for the program billed, in force at the month's first service."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import consent_before_billing as check

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
