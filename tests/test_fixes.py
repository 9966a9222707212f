"""Fix texts: every registered check has one, and failing fixtures get specific sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from bhi_audit.findings import Outcome
from bhi_audit.fixes import FIXES, ROLES, VARIANT_ROLES, fix_text, generic_fix, who_to_ask
from bhi_audit.registry import builtin_modules, load_registry

from conftest import REPO, run_audit

FIXTURES = REPO / "tests" / "checks" / "fixtures"
MODULES = {module.__name__.rsplit(".", 1)[-1]: module for module in builtin_modules()}


def test_every_builtin_check_has_a_fix_text():
    registry = load_registry(plugins=False)
    missing = [spec.id for spec in registry.specs if spec.id not in FIXES]
    assert missing == [], f"add a fix text to bhi_audit/fixes.py for {missing}"
    assert set(FIXES) == {spec.id for spec in registry.specs}, "fix text of no check"


def test_every_builtin_check_names_who_to_ask():
    ids = {spec.id for spec in load_registry(plugins=False).specs}
    assert sorted(ids - set(ROLES)) == [], "add a role to fixes.ROLES"
    assert set(ROLES) == ids, "role of no check"
    assert {check for check, _ in VARIANT_ROLES} <= ids
    assert all(role.strip() for role in [*ROLES.values(), *VARIANT_ROLES.values()])


#: Who to ask, per fixture (fixture, check, role).
ASK = [
    ("consent_before_billing/fail_no_consent_on_file.json", "BHI-CONS-001", "billing practitioner"),
    ("time_g2214_range/fail_15_min.json", "BHI-TIME-004", "care manager (BHCM)"),
    (
        "bhi_with_cocm_same_month/fail_same_practitioner_99493.json",
        "BHI-EXCL-001",
        "billing staff",
    ),
    (
        "bhi_with_cocm_same_month/fail_different_practitioners.json",
        "BHI-EXCL-001",
        "billing practitioner",
    ),
]


@pytest.mark.parametrize(("fixture", "check_id", "expected"), ASK, ids=[c[1] for c in ASK])
def test_who_to_ask_per_check_and_variant(fixture, check_id, expected):
    result = run_audit(FIXTURES / fixture, select=[check_id])
    assert [who_to_ask(f) for f in result.findings if f.outcome is Outcome.VIOLATION] == [expected]


def test_who_to_ask_for_not_verifiable_internal_error_and_plugin_findings():
    finding = run_audit(REPO / "sample_claims", select=["BHI-TIME-002"]).findings[0]
    assert who_to_ask(finding.model_copy(update={"outcome": Outcome.UNVERIFIABLE})) == (
        "billing staff"
    )
    assert who_to_ask(finding.model_copy(update={"outcome": Outcome.INTERNAL_ERROR})) == (
        "whoever runs the audit"
    )
    assert who_to_ask(finding.model_copy(update={"check_id": "ACME-001"})) == "billing staff"


def _failing_cases() -> list[tuple[str, Path]]:
    cases = []
    for folder in sorted(FIXTURES.iterdir()):
        if folder.name in MODULES:
            cases += [(folder.name, path) for path in sorted(folder.glob("fail_*.json"))]
    return cases


CASES = _failing_cases()


@pytest.mark.parametrize(("module", "fixture"), CASES, ids=[f"{m}/{p.stem}" for m, p in CASES])
def test_failing_fixture_findings_get_a_specific_fix_text(module, fixture):
    check = MODULES[module]
    result = run_audit(fixture, select=[check.ID])
    violations = [f for f in result.findings if f.outcome is Outcome.VIOLATION]
    for finding in violations:
        text = fix_text(finding, "SUMMARY")
        assert text and not text.startswith("meet the requirement"), finding
        assert "None" not in text and "()" not in text and "  " not in text, text
        assert text == text.strip() and text[0].islower(), text


#: Exact sentences for the fixes issue 13 names and a few more (fixture, check, expected).
EXACT = [
    (
        "consent_before_billing/fail_no_consent_on_file.json",
        "BHI-CONS-001",
        "add the BHI consent dated on or before 2026-03-02",
    ),
    (
        "consent_before_billing/fail_consent_day_after_first_service.json",
        "BHI-CONS-001",
        "the CoCM consent on file is dated 2026-03-05, after the first service (2026-03-04): "
        "add a CoCM consent dated on or before 2026-03-04, or do not bill the month",
    ),
    (
        "consent_before_billing/fail_consent_revoked_before_first_service.json",
        "BHI-CONS-001",
        "add a BHI consent in force on 2026-03-02 (the one on file was revoked)",
    ),
    (
        "bhi_with_cocm_same_month/fail_same_practitioner_99493.json",
        "BHI-EXCL-001",
        "bill either 99484 or CoCM (99493) for 2026-03, not both",
    ),
    (
        "bhi_with_cocm_same_month/fail_different_practitioners.json",
        "BHI-EXCL-001",
        "agree with the other practitioner: only one of 99484 and CoCM (99493) for 2026-03",
    ),
    (
        "time_g2214_range/fail_15_min.json",
        "BHI-TIME-004",
        "log 1 more countable minute (15 of 16) for G2214 (its floor), or do not bill it",
    ),
    (
        "time_g2214_range/fail_29_min.json",
        "BHI-TIME-004",
        "log 1 more countable minute (29 of 30) for G2214, or accept the audit risk (the "
        "16-minute floor is not confirmed by CMS text, rulebook D1)",
    ),
    (
        "consent_required_elements/fail_no_elements.json",
        "BHI-CONS-002",
        "record permission to consult specialists and that cost sharing applies on consent K1",
    ),
    (
        "time_dos_after_threshold/fail_99484_dos_day_before_20_min.json",
        "BHI-TIME-008",
        "set the date of service to 2026-03-10 or later in 2026-03 (the day the 20 countable "
        "minutes were reached)",
    ),
    (
        "time_cocm_addon_units/fail_initial_time_on_first_of_next_month.json",
        "BHI-TIME-003",
        "remove 99494, or log 6 more countable minutes (80 of 86) for the next unit",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "check_id", "expected"), EXACT, ids=[Path(c[0]).stem for c in EXACT]
)
def test_exact_fix_texts(fixture, check_id, expected):
    result = run_audit(FIXTURES / fixture, select=[check_id])
    assert [fix_text(f) for f in result.findings if f.outcome is Outcome.VIOLATION] == [expected]


def test_cocm_minutes_short_of_the_threshold_say_log_more_or_bill_g2214():
    result = run_audit(REPO / "sample_claims", select=["BHI-TIME-002"])
    texts = {f.claim_id: fix_text(f) for f in result.findings}
    assert (
        texts["C030"] == "log 1 more countable minute (35 of 36) for 99492, or bill G2214 instead"
    )


def test_a_plugin_check_without_a_fix_text_gets_one_from_its_docstring(tmp_path):
    result = run_audit(REPO / "sample_claims", select=["BHI-TIME-002"])
    finding = result.findings[0].model_copy(update={"check_id": "ACME-001"})
    summary = "Every claim carries the practice's internal approval stamp."
    assert fix_text(finding, summary) == (
        "meet the requirement: every claim carries the practice's internal approval stamp"
    )
    assert generic_fix("") == "meet the requirement: the check's requirement"


def test_not_verifiable_and_internal_errors_say_what_to_do_whatever_the_check():
    result = run_audit(REPO / "sample_claims", select=["BHI-TIME-002"])
    finding = result.findings[0]
    unverifiable = finding.model_copy(
        update={"outcome": Outcome.UNVERIFIABLE, "message": "x not verifiable: no time log"}
    )
    assert (
        fix_text(unverifiable) == "supply the records that decide it: x not verifiable: no time log"
    )
    crashed = finding.model_copy(update={"outcome": Outcome.INTERNAL_ERROR})
    assert fix_text(crashed) == (
        "re-run once check BHI-TIME-002 works: it did not run on this claim"
    )
