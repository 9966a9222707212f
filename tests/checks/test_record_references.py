"""BHI-DATA-001: every reference in the input resolves."""

from __future__ import annotations

import pytest
from checkcases import audit_fixture, case_ids, fixture_names, observed

from checks import record_references as check

ID = check.ID
CLAIM = "claim"
DOC = "documentation"

CASES = [
    ("pass_all_references_resolve.json", set()),
    ("fail_claim_unknown_patient.json", {("C1", None, ID, CLAIM)}),
    ("fail_claim_unknown_billing_practitioner.json", {("C1", None, ID, CLAIM)}),
    ("fail_claim_unknown_rendering_practitioner.json", {("C1", None, ID, CLAIM)}),
    ("fail_orphan_claim_line.json", {("C2", 1, ID, CLAIM)}),
    ("fail_claim_with_no_lines.json", {("C2", None, ID, CLAIM)}),
    ("fail_time_entry_unknown_staff.json", {(None, None, ID, DOC)}),
    ("fail_time_entry_unknown_patient.json", {(None, None, ID, DOC)}),
    ("fail_consent_unknown_patient.json", {(None, None, ID, DOC)}),
    ("fail_review_unknown_consultant_and_patient.json", {(None, None, ID, DOC)}),
    # an auditor's sample without a roster or patient list is not an error
    ("pass_no_patients_or_staff_provided.json", set()),
    ("fail_documentation_unknown_staff.json", {(None, None, ID, DOC)}),
    ("pass_documentation_references_resolve.json", set()),
]


def test_every_staff_reference_of_the_documentation():
    result = audit_fixture(check, "fail_documentation_unknown_staff.json")
    assert sorted((f.field, f.message) for f in result.findings) == [
        ("bhcm_id", "caseload review R1: care manager S6 is not on the roster"),
        ("billing_practitioner", "consent K1: billing practitioner S7 is not on the roster"),
        ("obtained_by", "consent K1: obtained by S8 is not on the roster"),
        ("patient_id", "registry enrollment E1: patient P9 is not in patients"),
        ("practitioner_id", "visit V1: practitioner S6 is not on the roster"),
        ("staff_id", "time entry T1: staff S9 is not on the roster"),
    ]
    assert {f.severity for f in result.findings} == {"warning"}


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=case_ids(CASES))
def test_record_references(fixture, expected):
    result = audit_fixture(check, fixture)
    assert observed(result) == expected
    assert result.rejected == ()


def test_every_fixture_has_a_case():
    assert fixture_names(check) == {case[0] for case in CASES}


MESSAGES = [
    (
        "fail_claim_unknown_patient.json",
        [("error", "patient_id", "claim C1: patient P99 is not in patients")],
    ),
    (
        "fail_claim_unknown_billing_practitioner.json",
        [
            (
                "error",
                "billing_practitioner",
                "claim C1: billing practitioner S99 is not on the roster",
            )
        ],
    ),
    (
        "fail_orphan_claim_line.json",
        [("error", "claim_id", "claim line C2#1: claim C2 is not in claims")],
    ),
    ("fail_claim_with_no_lines.json", [("error", "claim_id", "claim C2 has no lines")]),
    (
        "fail_time_entry_unknown_staff.json",
        [("warning", "staff_id", "time entry T2: staff S99 is not on the roster")],
    ),
    (
        "fail_time_entry_unknown_patient.json",
        [("warning", "patient_id", "time entry T2: patient P99 is not in patients")],
    ),
    (
        "fail_consent_unknown_patient.json",
        [("warning", "patient_id", "consent K2: patient P99 is not in patients")],
    ),
    (
        "fail_review_unknown_consultant_and_patient.json",
        [
            # the care manager S3 is not on this fixture's roster either
            ("warning", "bhcm_id", "caseload review R1: care manager S3 is not on the roster"),
            ("warning", "consultant_id", "caseload review R1: consultant S97 is not on the roster"),
            ("warning", "patients_reviewed", "caseload review R1: patient P99 is not in patients"),
        ],
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), MESSAGES, ids=case_ids(MESSAGES))
def test_severity_field_and_message(fixture, expected):
    findings = audit_fixture(check, fixture).findings
    assert sorted((f.severity.value, f.field, f.message) for f in findings) == expected
