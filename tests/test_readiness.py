"""CoCM readiness per month, from the records (bhi_audit/readiness.py, docs/readiness.md).

Every case is a small synthetic practice written as a JSON bundle and read by the real loader:
a practice that is ready in every respect, then one change at a time.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bhi_audit.months import Month
from bhi_audit.readiness import weeks_of
from bhi_audit.result import AuditResult, ReadinessMonth

from conftest import run_audit

# One cheap check: readiness is computed whatever checks run.
SELECT = ["BHI-TIME-001"]
ITEMS = (
    "psychiatric_consultant",
    "care_manager",
    "registry",
    "caseload_reviews",
    "rating_scales",
    "consents",
    "minutes",
)
ALL_GREEN = dict.fromkeys(ITEMS, "green")

Doc = dict[str, Any]


def ready_practice() -> Doc:
    """P1 in its first CoCM month (2026-03) with everything CoCM needs on record."""
    return {
        "period": {"records_from": "2025-01-01", "records_to": "2026-03-31"},
        "staff": [
            {"staff_id": "D1", "name": "Dr Synthetic One", "roles": ["billing_practitioner"],
             "practitioner_type": "physician", "credential": "MD"},
            {"staff_id": "N1", "name": "Nico Caremanager", "roles": ["bhcm"],
             "credential": "LCSW", "bh_training": True},
            {"staff_id": "R1", "name": "Rae Consultant", "roles": ["psychiatric_consultant"],
             "credential": "MD", "full_psych_prescriber": True, "psychiatry_trained": True},
            {"staff_id": "S1", "name": "Sam Nurse", "roles": ["clinical_staff"],
             "credential": "RN"},
        ],
        "patients": [{"patient_id": "P1"}],
        "claims": [
            {"claim_id": "C1", "patient_id": "P1", "billing_practitioner": "D1",
             "diagnoses": ["F32.1"]},
        ],
        "claim_lines": [
            {"claim_id": "C1", "line_number": 1, "code": "99492",
             "date_of_service": "2026-03-31", "diagnosis_pointers": [1]},
        ],
        "time_entries": [
            {"entry_id": "T1", "patient_id": "P1", "program": "COCM", "date": "2026-03-06",
             "minutes": 40, "staff_id": "N1", "activity": "outreach and assessment"},
        ],
        "consents": [
            {"consent_id": "K1", "patient_id": "P1", "programs": ["COCM"],
             "date_obtained": "2026-02-20", "method": "verbal", "billing_practitioner": "D1",
             "elements": ["cost_sharing", "consult_specialists"]},
        ],
        "registry_enrollments": [
            {"enrollment_id": "E1", "patient_id": "P1", "enrolled_on": "2026-03-01",
             "bhcm_id": "N1", "consultant_id": "R1"},
        ],
        # March 2026: weeks of 2 Mar, 9 Mar, 16 Mar and 23 Mar (Thursdays 5, 12, 19, 26).
        "caseload_reviews": [
            {"review_id": f"CR{day}", "date": f"2026-03-{day:02d}", "consultant_id": "R1",
             "bhcm_id": "N1", "patients_reviewed": ["P1"]}
            for day in (4, 11, 18, 25)
        ],
        "assessments": [
            {"assessment_id": "A1", "patient_id": "P1", "date": "2026-03-10",
             "instrument": "PHQ-9", "score": 14},
        ],
    }  # fmt: skip


def audit(tmp_path: Path, document: Doc) -> AuditResult:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run_audit(path, select=SELECT)
    assert result.totals.rejected == 0, result.rejected
    return result


def only_month(result: AuditResult) -> ReadinessMonth:
    assert result.readiness is not None
    [month] = result.readiness.months
    return month


def statuses(month: ReadinessMonth) -> dict[str, str]:
    return {item.item: item.status for item in month.items}


def item(month: ReadinessMonth, key: str) -> Any:
    return next(i for i in month.items if i.item == key)


def staff(doc: Doc, staff_id: str) -> Doc:
    member: Doc = next(s for s in doc["staff"] if s["staff_id"] == staff_id)
    return member


def test_ready_practice_is_all_green(tmp_path: Path) -> None:
    month = only_month(audit(tmp_path, ready_practice()))
    assert month.month == "2026-03"
    assert month.assessed == "cocm"
    assert month.patient_months == 1
    assert statuses(month) == ALL_GREEN
    assert month.status == "green"
    consultant = item(month, "psychiatric_consultant")
    assert consultant.evidence == (
        "Rae Consultant (R1): psychiatric consultant, qualified: full-range prescriber, "
        "trained in psychiatry",
    )
    assert consultant.refs == ("R1",)
    reviews = item(month, "caseload_reviews")
    assert reviews.summary == "4 of 4 weeks covered by a caseload review"
    assert reviews.refs == ("CR11", "CR18", "CR25", "CR4")
    assert item(month, "rating_scales").evidence == ("scales administered: PHQ-9 (1)",)
    assert month.minutes.reach_99492 == 1
    # beside it, what the minutes pay: 99484 $57.45 versus 99492 $160.32 (CY2026, §6.2)
    assert (month.general_bhi, month.cocm) == (Decimal("57.45"), Decimal("160.32"))
    assert month.priced_patient_months == 1


def _drop_consultant(doc: Doc) -> None:
    doc["staff"] = [s for s in doc["staff"] if s["staff_id"] != "R1"]


def _blank_consultant(doc: Doc) -> None:
    del staff(doc, "R1")["psychiatry_trained"]


def _unqualified_consultant(doc: Doc) -> None:
    staff(doc, "R1")["full_psych_prescriber"] = False


def _consultant_left(doc: Doc) -> None:
    staff(doc, "R1")["active_to"] = "2026-02-28"


def _untrained_bhcm(doc: Doc) -> None:
    staff(doc, "N1")["bh_training"] = False


def _blank_bhcm(doc: Doc) -> None:
    del staff(doc, "N1")["bh_training"]


def _not_enrolled(doc: Doc) -> None:
    doc["registry_enrollments"][0]["enrolled_on"] = "2026-04-01"


def _enrollment_ended(doc: Doc) -> None:
    doc["registry_enrollments"][0].update(enrolled_on="2025-06-01", ended_on="2026-02-28")


def _week_missed(doc: Doc) -> None:
    doc["caseload_reviews"] = [r for r in doc["caseload_reviews"] if r["review_id"] != "CR18"]


def _no_review_in_month(doc: Doc) -> None:
    for review in doc["caseload_reviews"]:
        review["date"] = review["date"].replace("2026-03", "2026-02")


def _no_reviews_kind(doc: Doc) -> None:
    del doc["caseload_reviews"]


def _no_scale(doc: Doc) -> None:
    doc["assessments"][0]["date"] = "2026-02-27"


def _consent_element_missing(doc: Doc) -> None:
    doc["consents"][0]["elements"] = ["cost_sharing"]


def _bhi_consent_only(doc: Doc) -> None:
    doc["consents"][0]["programs"] = ["BHI"]


def _consent_revoked(doc: Doc) -> None:
    doc["consents"][0]["revoked_on"] = "2026-02-25"


def _short_minutes(doc: Doc) -> None:
    doc["time_entries"][0]["minutes"] = 35


CASES: list[tuple[str, Callable[[Doc], None], dict[str, str]]] = [
    ("consultant-missing", _drop_consultant, {"psychiatric_consultant": "red"}),
    ("consultant-qualification-blank", _blank_consultant, {"psychiatric_consultant": "amber"}),
    ("consultant-not-qualified", _unqualified_consultant, {"psychiatric_consultant": "red"}),
    ("consultant-left-before-month", _consultant_left, {"psychiatric_consultant": "red"}),
    ("bhcm-untrained", _untrained_bhcm, {"care_manager": "red"}),
    ("bhcm-training-blank", _blank_bhcm, {"care_manager": "amber"}),
    ("not-on-registry", _not_enrolled, {"registry": "red"}),
    ("registry-ended", _enrollment_ended, {"registry": "red"}),
    ("one-week-missed", _week_missed, {"caseload_reviews": "amber"}),
    ("no-review-in-month", _no_review_in_month, {"caseload_reviews": "red"}),
    ("no-caseload-reviews-in-input", _no_reviews_kind, {"caseload_reviews": "red"}),
    ("no-rating-scale", _no_scale, {"rating_scales": "red"}),
    ("consent-element-missing", _consent_element_missing, {"consents": "red"}),
    ("bhi-consent-only", _bhi_consent_only, {"consents": "red"}),
    ("consent-revoked", _consent_revoked, {"consents": "red"}),
    ("minutes-below-99492", _short_minutes, {"minutes": "red"}),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_item_changes_on_its_own(
    tmp_path: Path, change: Callable[[Doc], None], expected: dict[str, str]
) -> None:
    doc = ready_practice()
    change(doc)
    month = only_month(audit(tmp_path, doc))
    assert statuses(month) == {**ALL_GREEN, **expected}
    worst = "red" if "red" in expected.values() else "amber"
    assert month.status == worst


def test_evidence_names_the_gap(tmp_path: Path) -> None:
    doc = ready_practice()
    _unqualified_consultant(doc)
    _week_missed(doc)
    _consent_element_missing(doc)
    month = only_month(audit(tmp_path, doc))
    assert item(month, "psychiatric_consultant").evidence == (
        "Rae Consultant (R1): psychiatric consultant, not qualified: not full-range prescriber",
    )
    reviews = item(month, "caseload_reviews")
    assert reviews.summary == "3 of 4 weeks covered by a caseload review"
    assert reviews.evidence == (
        "3 caseload review(s) held in 2026-03",
        "no review in the week of 2026-03-16",
        "with consultant(s) Rae Consultant (R1)",
    )
    consents = item(month, "consents")
    assert consents.summary.startswith("0 of 1 patient-month(s) with a CoCM consent")
    assert consents.refs == ("K1",)


def test_no_roster_is_red_for_both_roles(tmp_path: Path) -> None:
    doc = ready_practice()
    del doc["staff"]
    month = only_month(audit(tmp_path, doc))
    for key in ("psychiatric_consultant", "care_manager"):
        assert item(month, key).status == "red"
        assert item(month, key).summary == "no staff roster in the input"


def test_amber_when_some_patient_months_lack_it(tmp_path: Path) -> None:
    doc = ready_practice()
    doc["patients"].append({"patient_id": "P2"})
    doc["time_entries"].append(
        {"entry_id": "T2", "patient_id": "P2", "program": "COCM", "date": "2026-03-09",
         "minutes": 20, "staff_id": "N1", "activity": "follow-up call"}
    )  # fmt: skip
    month = only_month(audit(tmp_path, doc))
    assert month.patient_months == 2
    assert statuses(month) == {
        **ALL_GREEN,
        "registry": "amber",
        "rating_scales": "amber",
        "consents": "amber",
        "minutes": "amber",
    }
    assert item(month, "registry").refs == ("P2 2026-03",)
    assert item(month, "minutes").summary == (
        "1 of 2 patient-month(s) reach 99492/99493 by countable CoCM minutes"
    )
    assert month.minutes.g2214_only == 1


def _minutes_case(tmp_path: Path, march: int, february: int | None = None) -> ReadinessMonth:
    doc = ready_practice()
    doc["time_entries"][0]["minutes"] = march
    if february is not None:
        doc["time_entries"].append(
            {"entry_id": "T0", "patient_id": "P1", "program": "COCM", "date": "2026-02-10",
             "minutes": february, "staff_id": "N1", "activity": "outreach"}
        )  # fmt: skip
    result = audit(tmp_path, doc)
    assert result.readiness is not None
    return result.readiness.months[-1]


# (minutes in March, minutes in February or None for an initial March) ->
# (99492, 99493, patient-months with 99494, 99494 units, G2214 only, below G2214, status);
# the thresholds of the rulebook's table 2.4 (CY2026 policy): G2214 from 16, 99492 from 36
# (initial), 99493 from 31 (subsequent), 99494 at 86/116 (initial) and 76 (subsequent).
BOUNDARIES = [
    (15, None, (0, 0, 0, 0, 0, 1, "red")),
    (16, None, (0, 0, 0, 0, 1, 0, "red")),
    (35, None, (0, 0, 0, 0, 1, 0, "red")),
    (36, None, (1, 0, 0, 0, 0, 0, "green")),
    (85, None, (1, 0, 0, 0, 0, 0, "green")),
    (86, None, (1, 0, 1, 1, 0, 0, "green")),
    (116, None, (1, 0, 1, 2, 0, 0, "green")),
    (30, 40, (0, 0, 0, 0, 1, 0, "red")),
    (31, 40, (0, 1, 0, 0, 0, 0, "green")),
    (75, 40, (0, 1, 0, 0, 0, 0, "green")),
    (76, 40, (0, 1, 1, 1, 0, 0, "green")),
]


@pytest.mark.parametrize(
    ("march", "february", "expected"),
    BOUNDARIES,
    ids=[f"{m}min-{'subsequent' if f else 'initial'}" for m, f, _ in BOUNDARIES],
)
def test_minutes_at_the_thresholds(
    tmp_path: Path, march: int, february: int | None, expected: tuple[Any, ...]
) -> None:
    month = _minutes_case(tmp_path, march, february)
    m = month.minutes
    got = (
        m.reach_99492,
        m.reach_99493,
        m.with_99494,
        m.units_99494,
        m.g2214_only,
        m.below_g2214,
        item(month, "minutes").status,
    )
    assert got == expected


def test_multi_month(tmp_path: Path) -> None:
    doc = ready_practice()
    doc["time_entries"].append(
        {"entry_id": "T0", "patient_id": "P1", "program": "COCM", "date": "2026-02-10",
         "minutes": 40, "staff_id": "N1", "activity": "outreach"}
    )  # fmt: skip
    doc["registry_enrollments"][0]["enrolled_on"] = "2026-02-01"
    result = audit(tmp_path, doc)
    assert result.readiness is not None
    february, march = result.readiness.months
    assert (february.month, march.month) == ("2026-02", "2026-03")
    # February: no review, no scale held that month; March as ready as before
    assert statuses(february) == {
        **ALL_GREEN,
        "caseload_reviews": "red",
        "rating_scales": "red",
    }
    assert statuses(march) == ALL_GREEN
    # February is the initial month (99492 $160.32), March subsequent: 99493 $144.96
    assert (february.minutes.reach_99492, march.minutes.reach_99493) == (1, 1)
    assert (february.cocm, march.cocm) == (Decimal("160.32"), Decimal("144.96"))
    assert result.readiness.cocm == Decimal("305.28")
    assert result.readiness.general_bhi == Decimal("114.90")
    [rates] = result.readiness.rates
    assert (rates.year, rates.loaded) == (2026, True)
    assert "[S-RVU26]" in rates.source
    assert rates.conversion_factors == ("$33.4009 non-QP from 2026-01-01 to 2026-12-31",)


def test_month_with_no_cocm_at_all(tmp_path: Path) -> None:
    """General BHI only: its patient-months are assessed as if they were billed as CoCM."""
    doc = ready_practice()
    doc["claim_lines"][0]["code"] = "99484"
    doc["time_entries"][0].update(program="BHI", staff_id="S1", minutes=25)
    doc["consents"][0]["programs"] = ["BHI"]
    del doc["registry_enrollments"]
    month = only_month(audit(tmp_path, doc))
    assert month.assessed == "general_bhi"
    assert statuses(month) == {
        **ALL_GREEN,
        "registry": "red",
        "consents": "red",
        # clinical staff time pays 99484 but never counts toward CoCM (rulebook §2.7)
        "minutes": "red",
    }
    assert month.minutes.below_g2214 == 1
    assert (month.general_bhi, month.cocm) == (Decimal("57.45"), Decimal("0.00"))


def test_rates_not_loaded_year_is_named(tmp_path: Path) -> None:
    doc = ready_practice()
    doc["period"]["records_to"] = "2027-01-31"
    doc["time_entries"].append(
        {"entry_id": "T9", "patient_id": "P1", "program": "COCM", "date": "2027-01-12",
         "minutes": 40, "staff_id": "N1", "activity": "follow-up"}
    )  # fmt: skip
    result = audit(tmp_path, doc)
    assert result.readiness is not None
    january = result.readiness.months[-1]
    assert january.month == "2027-01"
    assert (january.general_bhi, january.cocm) == (None, None)
    assert [(r.year, r.loaded, r.source) for r in result.readiness.rates] == [
        (2026, True, result.readiness.rates[0].source),
        (2027, False, "rates not loaded for CY2027"),
    ]


def test_no_behavioral_patient_month_means_no_readiness(tmp_path: Path) -> None:
    doc = ready_practice()
    doc["claim_lines"][0]["code"] = "99490"
    doc["time_entries"][0]["program"] = "CCM"
    assert audit(tmp_path, doc).readiness is None


@pytest.mark.parametrize(
    ("month", "weeks"),
    [
        # March 2026 starts on a Sunday: its first week is the one of Thursday 5 March
        (Month(2026, 3), ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]),
        # January 2026 starts on a Thursday: the week of 29 December belongs to it
        (
            Month(2026, 1),
            ["2025-12-29", "2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"],
        ),
    ],
    ids=["march-2026", "january-2026"],
)
def test_weeks_of_a_month(month: Month, weeks: list[str]) -> None:
    assert [str(start) for start, _ in weeks_of(month)] == weeks


def test_partitioned_audit_gives_the_same_readiness(tmp_path: Path) -> None:
    from bhi_audit.context import build_batch
    from bhi_audit.engine import Engine
    from bhi_audit.loaders import load_paths
    from bhi_audit.registry import load_registry

    doc = ready_practice()
    for n in range(2, 7):
        extra = copy.deepcopy(doc["time_entries"][0])
        extra.update(entry_id=f"T{n}", patient_id=f"P{n}", minutes=10 * n)
        doc["time_entries"].append(extra)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    bundle = load_paths([path])
    engine = Engine(load_registry(plugins=False).select(SELECT))
    single = engine.audit(bundle)
    batch = build_batch(bundle)
    parts = [engine.audit_partition(batch, k, 3) for k in range(3)]
    merged = engine.merge(bundle, batch, parts)
    assert merged.readiness == single.readiness
    assert single.readiness is not None
    assert single.readiness.months[0].patient_months == 6
