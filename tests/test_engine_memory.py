"""What a large audit keeps in memory: shared month views, compact evaluations, a frozen heap.

Why tested: each of these is a performance fix (docs/performance.md, issue 12 step 1) that a
later change could quietly undo without any report changing; the tests pin the behaviour
(never a time).
"""

from __future__ import annotations

import gc

from bhi_audit.cli import collector_paused
from bhi_audit.context import PatientIndex, PatientMonth, build_batch
from bhi_audit.loaders import load_paths
from bhi_audit.reporters.json_report import to_document
from bhi_audit.result import AuditResult, ClaimSummary, Evaluation
from bhi_audit.timecount import tally_for

from conftest import SAMPLE, run_audit


def sample_patient_with_time():
    """The records of the sample practice's first patient with a billed BHI/CoCM month."""
    batch = build_batch(load_paths([SAMPLE]))
    for records in PatientIndex(batch):
        for month in records.months:
            unit = records.month(month)
            if unit.lines and unit.time_entries:
                return records, month
    raise AssertionError("the sample practice has a patient-month with lines and time")


def test_one_month_view_per_month_shares_its_tallies():
    records, month = sample_patient_with_time()
    view = records.month(month)
    assert records.month(month) is view
    tally = tally_for(view, view.lines[0])
    # a check of patient scope asking for the month again sees the tally already made
    assert tally_for(records.month(month), view.lines[0]) is tally


def test_release_drops_the_month_views():
    records, month = sample_patient_with_time()
    view = records.month(month)
    records.release()
    assert records.month(month) is not view
    assert records.month(month).month == month


def test_the_audit_leaves_no_month_view_behind():
    """With the collector paused (as the CLI audits), a view left in a cycle would never go."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = run_audit(SAMPLE)
        left = sum(1 for o in gc.get_objects() if type(o) is PatientMonth)
    finally:
        if was_enabled:
            gc.enable()
    assert result.totals.patient_months > 0
    assert left == 0


def test_collector_paused_freezes_what_the_audit_left_alive():
    gc.unfreeze()
    try:
        with collector_paused():
            kept = [[index] for index in range(1000)]
        assert gc.get_freeze_count() >= len(kept)
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_evaluations_are_named_tuples_and_objects_in_json():
    result = run_audit(SAMPLE)
    first = next(iter(result.evaluations))
    assert type(first) is Evaluation
    assert tuple(first) == (first.check_id, first.unit, first.status)
    document = to_document(result, "all")
    assert document["evaluations"][0] == {
        "check_id": first.check_id,
        "status": first.status,
        "unit": first.unit,
    }
    # the JSON objects validate back into the same named tuples
    again = AuditResult.model_validate(result.model_dump())
    assert again.evaluations == result.evaluations
    assert type(again.evaluations[0]) is Evaluation


def test_an_evaluation_of_unknown_status_is_rejected_at_the_json_boundary():
    result = run_audit(SAMPLE)
    document = result.model_dump()
    document["evaluations"] = [{"check_id": "BHI-X", "unit": "batch", "status": "fine"}]
    try:
        AuditResult.model_validate(document)
    except ValueError as exc:
        assert "status" in str(exc)
    else:
        raise AssertionError("an unknown status was accepted")


def test_claim_summaries_are_constructed_as_validation_would_have_made_them():
    result = run_audit(SAMPLE)
    summaries = list(result.per_claim.values())
    assert summaries
    for summary in summaries:
        assert ClaimSummary.model_validate(summary.model_dump()) == summary
        assert summary.model_fields_set == set(ClaimSummary.model_fields)
    # a copy with a change (a lost partition's "not audited") leaves the others as they were
    changed = summaries[0].model_copy(update={"status": "not audited"})
    assert changed.status == "not audited" and summaries[0].status != "not audited"
    assert summaries[1].model_fields_set == set(ClaimSummary.model_fields)
