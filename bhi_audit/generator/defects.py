"""Known defects, injected one kind per affected patient-month, with what an audit must report.

Each defect edits a clean patient's rows as a billing office would get it wrong, and says which
(patient, month, check) findings a correct audit must report as errors or warnings. Defects are
written so that they trip only their own rule: e.g. the 99484-with-CoCM defect also logs the
BHI minutes and consent a 99484 line needs, so the only error left is the exclusivity rule.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bhi_audit.generator.practice import MonthPlan, Roster, Row, cocm_codes
from bhi_audit.generator.records import PatientRows, time_entries

Expected = list[tuple[str | None, str]]  # (month or None for patient-level, check id)


@dataclass(frozen=True)
class Defect:
    """One kind of defect the generator can inject."""

    name: str
    check_id: str
    applies: Callable[[PatientRows, MonthPlan], bool]
    inject: Callable[[PatientRows, MonthPlan, random.Random, Roster], Expected]


def _claim(pr: PatientRows, mp: MonthPlan) -> Row:
    return next(r for r in pr.rows["claims"] if r["claim_id"] == f"{pr.plan.patient_id}-{mp.month}")


def _lines(pr: PatientRows, mp: MonthPlan) -> list[Row]:
    claim_id = f"{pr.plan.patient_id}-{mp.month}"
    return [r for r in pr.rows["claim_lines"] if r["claim_id"] == claim_id]


def _relog(pr: PatientRows, mp: MonthPlan, program: str, total: int) -> None:
    """Replace a month's time entries of ``program`` with ``total`` minutes."""
    prefix = str(mp.month)
    pr.rows["time_entries"] = [
        r
        for r in pr.rows["time_entries"]
        if not (r["program"] == program and r["date"].startswith(prefix))
    ]
    time_entries(pr, mp, program, pr.plan.staff, total, 9, (3, 10, 17))


def _first_month(pr: PatientRows, mp: MonthPlan) -> bool:
    return bool(pr.plan.months) and pr.plan.months[0].month == mp.month


def _consent_after_first_service(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    program = "COCM" if pr.plan.program == "COCM" else "BHI"
    for consent in pr.rows["consents"]:
        if consent["programs"] == program:
            consent["date_obtained"] = mp.month.first_day.replace(
                day=rng.randint(5, 25)
            ).isoformat()
    return [(str(mp.month), "BHI-CONS-001")]


def _never_reviewed(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    pr.reviewed.discard(mp.month)
    return [(str(mp.month), "BHI-COCM-003")]


def _bhi_short(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _relog(pr, mp, "BHI", rng.randint(8, 19))
    return [(str(mp.month), "BHI-TIME-001")]


def _cocm_short(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _relog(pr, mp, "COCM", rng.randint(20, 35) if mp.initial else rng.randint(18, 30))
    claim_id = f"{pr.plan.patient_id}-{mp.month}"
    pr.rows["claim_lines"] = [
        r
        for r in pr.rows["claim_lines"]
        if not (r["claim_id"] == claim_id and r["code"] == "99494")
    ]
    return [(str(mp.month), "BHI-TIME-002")]


def _addon_units_over(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    codes = dict(cocm_codes(mp.minutes, mp.initial))
    supported = codes.get("99494", 0)
    lines = _lines(pr, mp)
    addon = next((r for r in lines if r["code"] == "99494"), None)
    if addon is None:
        addon = dict(lines[0], line_number=len(lines) + 1, code="99494", units=0, charge="80.00")
        pr.rows["claim_lines"].append(addon)
    addon["units"] = supported + 1
    return [(str(mp.month), "BHI-TIME-003")]


def _bhi_with_cocm(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    lines = _lines(pr, mp)
    pr.rows["claim_lines"].append(
        dict(lines[0], line_number=len(lines) + 1, code="99484", units=1, charge="75.00")
    )
    pr.rows["consents"].append(
        dict(pr.rows["consents"][0], consent_id=f"{pr.plan.patient_id}-K-BHI", programs="BHI")
    )
    nurse = roster.clinical[0]
    time_entries(pr, mp, "BHI", nurse, 25, 15, (6, 13))
    pr.add(
        "care_plans",
        {
            "care_plan_id": f"{pr.plan.patient_id}-CP-BHI",
            "patient_id": pr.plan.patient_id,
            "program": "BHI",
            "created": mp.month.first_day.isoformat(),
            "designated_member": nurse,
        },
    )
    return [(str(mp.month), "BHI-EXCL-001")]


def _minutes_twice(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    pid = pr.plan.patient_id
    day = mp.month.first_day.replace(day=20)
    pr.add(
        "time_entries",
        {
            "entry_id": f"{pid}-{mp.month}-DUP",
            "patient_id": pid,
            "staff_id": pr.plan.staff,
            "date": day.isoformat(),
            "minutes": 15,
            "start_time": "16:00",
            "end_time": "16:15",
            "program": "BHI;CCM",
            "activity": "care coordination",
            "note": "synthetic note",
        },
    )
    return [(str(mp.month), "BHI-TIME-007")]


def _no_ccm_consent(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    pr.rows["consents"] = [c for c in pr.rows["consents"] if c["programs"] != "CCM"]
    return [(str(m.month), "BHI-CONS-004") for m in pr.plan.months]


def _unknown_practitioner(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _claim(pr, mp)["billing_practitioner"] = "DR-NOT-ON-ROSTER"
    _claim(pr, mp)["rendering_practitioner"] = ""
    # NOTE: rightly also unmatched: the consent and the initiating visit name the real one
    return [(None, "BHI-DATA-001"), (str(mp.month), "BHI-CONS-002"), (None, "BHI-INIT-001")]


CATALOG: tuple[Defect, ...] = (
    Defect(
        "consent-after-first-service",
        "BHI-CONS-001",
        lambda pr, mp: _first_month(pr, mp),
        _consent_after_first_service,
    ),
    Defect(
        "cocm-never-reviewed",
        "BHI-COCM-003",
        lambda pr, mp: mp.program == "COCM" and mp.initial,
        _never_reviewed,
    ),
    Defect(
        "bhi-minutes-short",
        "BHI-TIME-001",
        lambda pr, mp: mp.program in ("BHI", "BHI+CCM"),
        _bhi_short,
    ),
    Defect("cocm-minutes-short", "BHI-TIME-002", lambda pr, mp: mp.program == "COCM", _cocm_short),
    Defect(
        "addon-units-over", "BHI-TIME-003", lambda pr, mp: mp.program == "COCM", _addon_units_over
    ),
    Defect("bhi-with-cocm", "BHI-EXCL-001", lambda pr, mp: mp.program == "COCM", _bhi_with_cocm),
    Defect(
        "minutes-counted-twice",
        "BHI-TIME-007",
        lambda pr, mp: mp.program == "BHI+CCM",
        _minutes_twice,
    ),
    Defect(
        "no-ccm-consent",
        "BHI-CONS-004",
        lambda pr, mp: mp.program == "BHI+CCM" and _first_month(pr, mp),
        _no_ccm_consent,
    ),
    Defect(
        "unknown-billing-practitioner",
        "BHI-DATA-001",
        lambda pr, mp: mp.program != "G0323",
        _unknown_practitioner,
    ),
)
