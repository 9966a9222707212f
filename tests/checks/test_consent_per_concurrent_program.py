"""BHI-CONS-004: each care-management program billed beside BHI/CoCM has its own consent."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import consent_per_concurrent_program as check

ID = check.ID
CCM_LINE = {("C1", 2, ID, "violation")}

CASES = [
    ("pass_bhi_and_ccm_both_consented.json", set()),
    ("pass_one_consent_covering_both_programs.json", set()),
    ("pass_cocm_and_ccm_both_consented.json", set()),
    ("pass_bhi_only.json", set()),
    ("pass_tcm_needs_no_consent.json", set()),
    ("fail_ccm_without_ccm_consent.json", CCM_LINE),
    ("fail_ccm_consent_obtained_after_ccm_service.json", CCM_LINE),
    ("fail_ccm_consent_revoked.json", CCM_LINE),
    ("fail_pcm_without_pcm_consent.json", CCM_LINE),
    ("fail_ccm_and_pcm_without_consents.json", {*CCM_LINE, ("C1", 3, ID, "violation")}),
    ("fail_unverifiable_no_consent_records.json", {("C1", 2, ID, "unverifiable")}),
    # judged at the first CCM service of the month, not the last
    ("fail_ccm_consent_between_two_ccm_lines.json", {("C2", 1, ID, "violation")}),
    ("fail_ccm_time_before_ccm_consent.json", {("C2", 1, ID, "violation")}),
    ("pass_ccm_consent_same_day_as_first_ccm_service.json", set()),
    # CCM billed by another practitioner still needs its own consent
    ("fail_ccm_by_other_practitioner_without_consent.json", {("C2", 1, ID, "violation")}),
    ("pass_ccm_in_other_month.json", set()),
    # CCM-program time belonging to a billed E/M visit is not the first CCM service
    ("pass_separately_billed_ccm_time_before_consent.json", set()),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_consent_per_concurrent_program(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


def test_message_names_both_programs():
    (finding,) = audit_fixture(check, "fail_ccm_without_ccm_consent.json").findings
    assert finding.message.startswith("CCM 99490 billed beside BHI in 2026-03 with no CCM consent")


def test_message_names_first_service_and_late_consent():
    (finding,) = audit_fixture(check, "fail_ccm_consent_between_two_ccm_lines.json").findings
    assert finding.message == (
        "CCM 99490 billed beside BHI in 2026-03 with no CCM consent in force at its first "
        "service (2026-03-10); its consent was obtained 2026-03-20 (each concurrent service "
        "needs its own consent)"
    )
    assert finding.facts["first_service"] == "2026-03-10"
