"""BHI-INIT-001: initiating visit in the year before BHI starts (rulebook §3.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import labelled_keys as keys

from bhi_audit.result import AuditResult

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "initiating_visit"
ID = "BHI-INIT-001"


def audit(fixture: str, **kwargs: object) -> AuditResult:
    result = run_audit(FIXTURES / f"{fixture}.json", select=[ID], **kwargs)  # type: ignore[arg-type]
    assert result.rejected == ()
    return result


ERROR = {("C1", 1, ID, "error", "violation")}
UNVERIFIABLE = {("C1", 1, ID, "info", "unverifiable")}

CASES = [
    ("pass_visit_exactly_one_year_before", set()),  # boundary: 2025-03-04 for 2026-03-04
    ("pass_visit_on_first_service_day", set()),
    ("pass_annual_wellness_visit", set()),
    ("pass_visit_by_same_group", set()),  # BHI-INIT-002 warns about it
    ("pass_g0323_after_90791", set()),
    ("pass_seen_for_psychotherapy", set()),  # seen within the year: BHI-INIT-002 warns
    ("fail_visit_a_day_too_early", ERROR),  # 2025-03-03
    ("fail_visit_outside_group", ERROR),
    ("fail_no_visit", ERROR),
    ("fail_year_not_covered_unverifiable", UNVERIFIABLE),
    ("fail_no_visit_records_unverifiable", UNVERIFIABLE),
]


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_initiating_visit(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_unverifiable_names_what_is_missing() -> None:
    (finding,) = audit("fail_year_not_covered_unverifiable").findings
    assert "records cover 2026-01-01 to 2026-12-31" in finding.message
    assert "2025-03-04 to 2026-03-04" in finding.message


def test_error_message_names_the_window() -> None:
    (finding,) = audit("fail_visit_outside_group").findings
    assert finding.message == (
        "no initiating visit: no visit by D1 or their group in the 12 months before the first "
        "BHI/CoCM service (2025-03-04 to 2026-03-04); visits in the window were by "
        "practitioners outside the group"
    )


# Independent review (rulebook-first cases: boundaries, partial records, double reports).
REVIEW_CASES = [
    ("pass_continuing_month_after_start", set()),  # April is measured from the March start
    ("pass_visit_before_period_but_given", set()),  # a given visit proves it
    ("pass_tcm_visit", set()),
    ("fail_visit_only_after_service", ERROR),
    ("fail_year_partly_outside_period", UNVERIFIABLE),  # records from 2025-03-05, year from 03-04
    ("pass_year_exactly_inside_period_with_visit", set()),
    ("fail_year_exactly_inside_period_no_visit", ERROR),  # records from 2025-03-04
    ("fail_g0323_90791_over_a_year", ERROR),  # 90791 on 2025-03-03 for 2026-03-04
    ("pass_cocm_visit_within_year", set()),
]


@pytest.mark.parametrize(("fixture", "expected"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_review_cases(fixture: str, expected: set[tuple[object, ...]]) -> None:
    assert keys(audit(fixture)) == expected


def test_starts_are_derived_once_per_patient_and_each_caller_gets_its_own_list() -> None:
    from bhi_audit.checkkit import starts
    from bhi_audit.context import PatientIndex, build_batch
    from bhi_audit.loaders import load_paths

    batch = build_batch(load_paths([FIXTURES / "fail_no_visit.json"]))
    records = PatientIndex(batch).records("P1")
    first = starts(records)
    assert [s.line.line.claim_id for s in first] == ["C1"]
    first.clear()  # a caller changing its list changes nothing for the next one
    again = starts(records)
    assert [s.line.line.claim_id for s in again] == ["C1"]
    assert again[0] is starts(records)[0]
