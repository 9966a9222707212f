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
from datetime import timedelta

from bhi_audit.generator.practice import CHARGE, MonthPlan, Roster, Row, cocm_codes
from bhi_audit.generator.records import PatientRows, time_entries

#: What a correct audit must report: (month, or None for a patient-level finding, check id,
#: severity). A defect lists every finding it rightly causes, not only its own check's.
Expected = list[tuple[str | None, str, str]]


#: The programs most defects are written for (the others have their own kinds).
CORE = frozenset({"COCM", "BHI", "BHI+CCM", "G0323"})


@dataclass(frozen=True)
class Defect:
    """One kind of defect the generator can inject."""

    name: str
    check_id: str
    description: str
    fits: Callable[[PatientRows, MonthPlan], bool]
    inject: Callable[[PatientRows, MonthPlan, random.Random, Roster], Expected]
    programs: frozenset[str] = CORE

    def applies(self, pr: PatientRows, mp: MonthPlan) -> bool:
        """Whether this kind can be injected into this patient-month."""
        return mp.program in self.programs and self.fits(pr, mp)


def _claim(pr: PatientRows, mp: MonthPlan) -> Row:
    return next(r for r in pr.rows["claims"] if r["claim_id"] == f"{pr.plan.patient_id}-{mp.month}")


def _lines(pr: PatientRows, mp: MonthPlan) -> list[Row]:
    claim_id = f"{pr.plan.patient_id}-{mp.month}"
    return [r for r in pr.rows["claim_lines"] if r["claim_id"] == claim_id]


def _relog(pr: PatientRows, mp: MonthPlan, program: str, total: int) -> None:
    """Replace a month's time entries of ``program`` with ``total`` minutes."""
    hour, days = (15, (5, 12)) if program == "DMHT" else (9, (3, 10, 17))
    prefix = str(mp.month)
    pr.rows["time_entries"] = [
        r
        for r in pr.rows["time_entries"]
        if not (r["program"] == program and r["date"].startswith(prefix))
    ]
    time_entries(pr, mp, program, pr.plan.staff, total, hour, days)


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
    return [(str(mp.month), "BHI-CONS-001", "error")]


def _never_reviewed(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    pr.reviewed.discard(mp.month)
    return [(str(mp.month), "BHI-COCM-003", "error")]


def _bhi_short(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _relog(pr, mp, "BHI", rng.randint(8, 19))
    return [(str(mp.month), "BHI-TIME-001", "error")]


def _cocm_short(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _relog(pr, mp, "COCM", rng.randint(20, 35) if mp.initial else rng.randint(18, 30))
    claim_id = f"{pr.plan.patient_id}-{mp.month}"
    pr.rows["claim_lines"] = [
        r
        for r in pr.rows["claim_lines"]
        if not (r["claim_id"] == claim_id and r["code"] == "99494")
    ]
    return [(str(mp.month), "BHI-TIME-002", "error")]


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
    return [(str(mp.month), "BHI-TIME-003", "error")]


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
    return [(str(mp.month), "BHI-EXCL-001", "error")]


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
    return [(str(mp.month), "BHI-TIME-007", "error")]


def _no_ccm_consent(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    pr.rows["consents"] = [c for c in pr.rows["consents"] if c["programs"] != "CCM"]
    return [(str(m.month), "BHI-CONS-004", "error") for m in pr.plan.months]


def _unknown_practitioner(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    claim = _claim(pr, mp)
    claim["billing_practitioner"] = claim["rendering_practitioner"] = "DR-NOT-ON-ROSTER"
    for entry in pr.of("time_entries", mp.month):
        if entry["staff_id"] == pr.plan.practitioner:
            entry["staff_id"] = pr.plan.staff  # the roster doctor's minutes are not the biller's
    # NOTE: rightly also unmatched: the consent and the initiating visit name the real one
    return [
        (None, "BHI-DATA-001", "error"),
        (str(mp.month), "BHI-CONS-002", "warning"),
        (None, "BHI-INIT-001", "error"),
    ]


def _m(mp: MonthPlan, check: str, severity: str = "error") -> tuple[str, str, str]:
    return (str(mp.month), check, severity)


def _each_month(pr: PatientRows, check: str, severity: str = "error") -> Expected:
    return [(str(m.month), check, severity) for m in pr.plan.months]


def _episode(pr: PatientRows, mp: MonthPlan) -> list[MonthPlan]:
    """The CoCM months of ``mp``'s episode (from its initial month up to the next one)."""
    episodes: list[list[MonthPlan]] = []
    for m in pr.plan.months:
        if m.initial or not episodes:
            episodes.append([])
        episodes[-1].append(m)
    return next(e for e in episodes if mp in e)


def _enrollment(pr: PatientRows, mp: MonthPlan) -> Row:
    first = _episode(pr, mp)[0].month.first_day.isoformat()
    return next(r for r in pr.rows["registry_enrollments"] if r["enrolled_on"] == first)


def _behavioral_consents(pr: PatientRows) -> list[Row]:
    return [c for c in pr.rows["consents"] if c["programs"] in ("BHI", "COCM")]


def _consent_missing_elements(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    for consent in _behavioral_consents(pr):
        consent["elements"] = "cost_sharing;right_to_stop;one_practitioner"
    return _each_month(pr, "BHI-CONS-002")


def _consent_best_practice(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    for consent in _behavioral_consents(pr):
        consent["elements"] = "cost_sharing;consult_specialists"
    return [(None, "BHI-CONS-003", "info")]


def _addon_underbilled(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    addon = next(r for r in _lines(pr, mp) if r["code"] == "99494")
    pr.rows["claim_lines"].remove(addon)
    return [_m(mp, "BHI-TIME-005", "info")]


def _g2214_short(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _relog(pr, mp, "COCM", rng.randint(9, 15))
    return [_m(mp, "BHI-TIME-004")]


def _consultant_minutes(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _relog(pr, mp, "COCM", rng.randint(20, 28))
    time_entries(pr, mp, "COCM", pr.plan.consultant, 15, 16, (12,), tag="-PSY")
    for line in _lines(pr, mp):
        if line["code"] == "99494":
            pr.rows["claim_lines"].remove(line)
    return [_m(mp, "BHI-TIME-002"), (None, "BHI-TIME-006", "warning")]


def _dos_before_threshold(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    for line in _lines(pr, mp):
        line["date_of_service"] = mp.month.first_day.isoformat()
    return [_m(mp, "BHI-TIME-008")]


def _add_line(pr: PatientRows, mp: MonthPlan, code: str, **fields: object) -> Row:
    lines = _lines(pr, mp)
    number = max(int(r["line_number"]) for r in lines) + 1
    row = dict(lines[0], line_number=number, code=code, units=1, **fields)
    row["charge"] = f"{CHARGE.get(code, 50):.2f}"
    pr.rows["claim_lines"].append(row)
    return row


def _g2214_with_base(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _add_line(pr, mp, "G2214")
    return [_m(mp, "BHI-EXCL-002")]


def _initial_and_subsequent(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _add_line(pr, mp, "99493")
    return [_m(mp, "BHI-EXCL-003")]


def _addon_without_base(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    base = next(r for r in _lines(pr, mp) if r["code"] in ("99492", "99493"))
    pr.rows["claim_lines"].remove(base)
    return [_m(mp, "BHI-EXCL-004")]


def _duplicate_line(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _add_line(pr, mp, _lines(pr, mp)[0]["code"])
    return [_m(mp, "BHI-EXCL-005")]


def _ccm_time_missing(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    prefix = str(mp.month)
    pr.rows["time_entries"] = [
        r
        for r in pr.rows["time_entries"]
        if not (r["program"] == "CCM" and r["date"].startswith(prefix))
    ]
    return [_m(mp, "BHI-EXCL-011", "warning")]


def _consultant_unqualified(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _enrollment(pr, mp)["consultant_id"] = roster.unqualified_consultant
    return [_m(m, "BHI-COCM-001") for m in _episode(pr, mp)]


def _enrollment_ended(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _enrollment(pr, mp)["ended_on"] = (mp.month.first_day - timedelta(days=1)).isoformat()
    # NOTE: with no enrollment in force, the care manager who logs the time is not designated
    return [
        finding
        for m in _episode(pr, mp)
        if m.month >= mp.month
        for finding in (_m(m, "BHI-COCM-002"), _m(m, "BHI-COCM-004", "warning"))
    ]


def _untrained_care_manager(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _enrollment(pr, mp)["bhcm_id"] = roster.trainee_bhcm
    return [_m(m, "BHI-COCM-004") for m in _episode(pr, mp)]


def _drop_assessment(pr: PatientRows, mp: MonthPlan) -> None:
    pr.rows["assessments"] = [
        r for r in pr.rows["assessments"] if not r["date"].startswith(str(mp.month))
    ]


def _initial_no_scale(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _drop_assessment(pr, mp)
    # NOTE: the PHQ-9 was also the month's registry tracking (BHI-COCM-002)
    return [_m(mp, "BHI-COCM-005"), _m(mp, "BHI-COCM-002")]


def _subsequent_no_scale(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _drop_assessment(pr, mp)
    return [_m(mp, "BHI-COCM-006", "warning"), _m(mp, "BHI-COCM-002")]


def _bhi_plan(pr: PatientRows) -> Row:
    return next(r for r in pr.rows["care_plans"] if r["program"] == "BHI")


def _no_bhi_care_plan(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    pr.rows["care_plans"].remove(_bhi_plan(pr))
    # NOTE: BHI-GEN-002 stays silent when there is no plan at all (one defect, one finding)
    return _each_month(pr, "BHI-GEN-001", "warning")


def _no_designated_member(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _bhi_plan(pr)["designated_member"] = ""
    return _each_month(pr, "BHI-GEN-002", "warning")


def _cocm_billed_by_care_manager(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    claim = _claim(pr, mp)
    claim["billing_practitioner"] = claim["rendering_practitioner"] = pr.plan.staff
    # NOTE: rightly also: the consent and the initiating visit name the real practitioner
    return [
        _m(mp, "BHI-PRAC-001"),
        _m(mp, "BHI-CONS-002", "warning"),
        (None, "BHI-INIT-002", "warning"),
    ]


def _contract_nurse_time(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    prefix = str(mp.month)
    for entry in pr.rows["time_entries"]:
        if entry["program"] == "BHI" and entry["date"].startswith(prefix):
            entry["staff_id"] = roster.contract_nurse
    return [_m(mp, "BHI-PRAC-002", "warning")]


def _telehealth_pos(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _claim(pr, mp)["place_of_service"] = "10"
    return [_m(mp, "BHI-POS-001", "warning")]


def _pointer_out_of_range(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _lines(pr, mp)[0]["diagnosis_pointers"] = "3"
    return [_m(mp, "BHI-DX-001")]


def _non_behavioral_diagnosis(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _claim(pr, mp)["diagnoses"] = "E11.9;I10"
    # NOTE: no behavioral code on the claim at all is BHI-DX-001's error since the rulebook
    # revision of 2 Dec 2026 (§5.1f), no longer BHI-DX-002's warning.
    return [_m(mp, "BHI-DX-001")]


def _pointer_to_non_behavioral_diagnosis(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _claim(pr, mp)["diagnoses"] = "E11.9;F32.1"
    for line in _lines(pr, mp):
        line["diagnosis_pointers"] = "1"
    return [_m(mp, "BHI-DX-002", "warning")]


def _undocumented_entry(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    entry = next(r for r in pr.rows["time_entries"] if r["date"].startswith(str(mp.month)))
    entry["activity"] = entry["note"] = ""
    return [(None, "BHI-DOC-001", "warning")]


def _visit(pr: PatientRows) -> Row:
    return pr.rows["visits"][0]


def _visit_too_old(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _visit(pr)["date"] = (mp.month.first_day - timedelta(days=380)).isoformat()
    return [(None, "BHI-INIT-001", "error")]


def _visit_level_1(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _visit(pr)["code"] = "99211"
    return [(None, "BHI-INIT-002", "warning")]


def _retired_code(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    _lines(pr, mp)[0]["code"] = "G0507"
    return [_m(mp, "BHI-CODE-001")]


def _unbilled_month(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    claim_id = f"{pr.plan.patient_id}-{mp.month}"
    pr.rows["claims"].remove(_claim(pr, mp))
    pr.rows["claim_lines"] = [r for r in pr.rows["claim_lines"] if r["claim_id"] != claim_id]
    return [_m(mp, "BHI-PAY-002", "info")]


def _apcm_bundled_ccm(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    # NOTE: CCM is run properly (its own consent and time); only the bundling is wrong
    _add_line(pr, mp, "99490")
    pr.rows["consents"].append(
        dict(pr.rows["consents"][0], consent_id=f"{pr.plan.patient_id}-K-CCM", programs="CCM")
    )
    time_entries(pr, mp, "CCM", pr.plan.staff, rng.randint(22, 35), 14, (4, 11))
    return [_m(mp, "BHI-EXCL-006")]


def _apcm_addon_alone(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    base = next(r for r in _lines(pr, mp) if r["code"] == "G0557")
    pr.rows["claim_lines"].remove(base)
    return [_m(mp, "BHI-EXCL-007")]


def _apcm_addon_with_mirror(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _add_line(pr, mp, "99484")
    # NOTE: 99484 beside its own add-on twin is EXCL-008's alone, not also EXCL-009's
    return [_m(mp, "BHI-EXCL-008")]


def _standalone_bhi_with_apcm(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    addon = next(r for r in _lines(pr, mp) if r["code"] == "G0570")
    addon["code"], addon["charge"] = "99484", f"{CHARGE['99484']:.2f}"
    return [_m(mp, "BHI-EXCL-009", "warning")]


def _rhc_retired_code(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _lines(pr, mp)[0]["code"] = "G0511"
    return [_m(mp, "BHI-CODE-002")]


def _dmht_minutes_short(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _relog(pr, mp, "DMHT", rng.randint(8, 19))
    return [_m(mp, "BHI-DMHT-001")]


def _g0323_by_physician(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    claim = _claim(pr, mp)
    claim["billing_practitioner"] = claim["rendering_practitioner"] = roster.practitioners[0]
    # NOTE: rightly also: G0323 counts only the billing practitioner's own minutes (the social
    # worker's do not count for the physician), and consent and visit name the social worker
    return [
        _m(mp, "BHI-PRAC-001"),
        _m(mp, "BHI-TIME-001"),
        (None, "BHI-TIME-006", "warning"),
        _m(mp, "BHI-CONS-002", "warning"),
        (None, "BHI-INIT-002", "warning"),
    ]


def _g0323_with_99484(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    claim = dict(_claim(pr, mp), claim_id=f"{pr.plan.patient_id}-{mp.month}-B")
    claim["billing_practitioner"] = claim["rendering_practitioner"] = roster.practitioners[0]
    pr.add("claims", claim)
    line = dict(_lines(pr, mp)[0], claim_id=claim["claim_id"], code="99484")
    line["charge"] = f"{CHARGE['99484']:.2f}"
    pr.add("claim_lines", line)
    # NOTE: the physician's side is otherwise complete: own consent, visit, nurse time
    doctor = roster.practitioners[0]
    pr.add("consents", dict(pr.rows["consents"][0], consent_id=f"{pr.plan.patient_id}-K-DR"))
    pr.rows["consents"][-1]["obtained_by"] = pr.rows["consents"][-1]["billing_practitioner"] = (
        doctor
    )
    pr.add("visits", dict(_visit(pr), visit_id=f"{pr.plan.patient_id}-V2", code="99214"))
    pr.rows["visits"][-1]["practitioner_id"] = doctor
    time_entries(pr, mp, "BHI", roster.clinical[0], rng.randint(22, 30), 15, (6, 13), tag="-RN")
    return [_m(mp, "BHI-EXCL-010", "warning")]


def _review_missed(pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster) -> Expected:
    pr.reviewed.discard(mp.month)
    return [_m(mp, "BHI-COCM-003", "warning")]


def _plan_not_revised(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    first = pr.rows["assessments"][0]["score"]
    later = [m for m in pr.plan.months if m.month >= mp.month]
    for assessment in pr.rows["assessments"]:
        if assessment["date"] >= mp.month.first_day.isoformat():
            assessment["score"] = first
    return [_m(m, "BHI-GEN-001", "warning") for m in later]


def _dmht_telehealth(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _claim(pr, mp)["place_of_service"] = "02"
    # NOTE: an error for G0553 (DMHT is not a telehealth service), a warning for 99484
    return [_m(mp, "BHI-POS-001"), _m(mp, "BHI-POS-001", "warning")]


def _visit_psychotherapy(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    _visit(pr)["code"] = "90834"
    return [(None, "BHI-INIT-002", "warning")]


def _consent_revoked(
    pr: PatientRows, mp: MonthPlan, rng: random.Random, roster: Roster
) -> Expected:
    for consent in _behavioral_consents(pr):
        consent["revoked_on"] = (mp.month.first_day - timedelta(days=1)).isoformat()
    return [_m(m, "BHI-CONS-001") for m in pr.plan.months if m.month >= mp.month]


def _bhi(pr: PatientRows, mp: MonthPlan) -> bool:
    return mp.program in ("BHI", "BHI+CCM")


def _cocm(pr: PatientRows, mp: MonthPlan) -> bool:
    return mp.program == "COCM" and not mp.short


def _has_addon(pr: PatientRows, mp: MonthPlan) -> bool:
    return _cocm(pr, mp) and any(r["code"] == "99494" for r in _lines(pr, mp))


def _later_month(pr: PatientRows, mp: MonthPlan) -> bool:
    return not _first_month(pr, mp)


CATALOG: tuple[Defect, ...] = (
    Defect(
        "consent-after-first-service",
        "BHI-CONS-001",
        "the consent is dated after the first month's first time entry",
        _first_month,
        _consent_after_first_service,
    ),
    Defect(
        "consent-missing-elements",
        "BHI-CONS-002",
        "the BHI/CoCM consent does not record consultation with specialists",
        _first_month,
        _consent_missing_elements,
    ),
    Defect(
        "consent-best-practice-missing",
        "BHI-CONS-003",
        "the consent omits the right to stop and the one-practitioner notice (info)",
        _first_month,
        _consent_best_practice,
    ),
    Defect(
        "no-ccm-consent",
        "BHI-CONS-004",
        "CCM billed beside BHI without a CCM consent",
        lambda pr, mp: mp.program == "BHI+CCM" and _first_month(pr, mp),
        _no_ccm_consent,
    ),
    Defect(
        "cocm-never-reviewed",
        "BHI-COCM-003",
        "the consultant's caseload reviews never list the patient in an initial month",
        lambda pr, mp: _cocm(pr, mp) and mp.initial,
        _never_reviewed,
    ),
    Defect(
        "consultant-not-qualified",
        "BHI-COCM-001",
        "the episode's registry enrollment names a consultant who cannot prescribe",
        _cocm,
        _consultant_unqualified,
    ),
    Defect(
        "registry-enrollment-ended",
        "BHI-COCM-002",
        "the registry enrollment ends before a month that is still billed",
        lambda pr, mp: _cocm(pr, mp) and not mp.initial,
        _enrollment_ended,
    ),
    Defect(
        "care-manager-untrained",
        "BHI-COCM-004",
        "the episode's enrollment names a care manager without behavioral health training",
        _cocm,
        _untrained_care_manager,
    ),
    Defect(
        "initial-month-no-rating-scale",
        "BHI-COCM-005",
        "no PHQ-9/GAD-7 in the initial CoCM month",
        lambda pr, mp: _cocm(pr, mp) and mp.initial,
        _initial_no_scale,
    ),
    Defect(
        "subsequent-month-no-rating-scale",
        "BHI-COCM-006",
        "no rating scale in a subsequent CoCM month",
        lambda pr, mp: mp.program == "COCM" and not mp.initial,
        _subsequent_no_scale,
    ),
    Defect(
        "bhi-no-care-plan",
        "BHI-GEN-001",
        "general BHI with no care plan at all",
        lambda pr, mp: mp.program != "COCM",
        _no_bhi_care_plan,
    ),
    Defect(
        "bhi-no-designated-member",
        "BHI-GEN-002",
        "the BHI care plan names no designated care-team member",
        lambda pr, mp: mp.program != "COCM",
        _no_designated_member,
    ),
    Defect(
        "bhi-minutes-short",
        "BHI-TIME-001",
        "8-19 minutes logged for a 99484 month",
        _bhi,
        _bhi_short,
    ),
    Defect(
        "cocm-minutes-short",
        "BHI-TIME-002",
        "below 36 (99492) or 31 (99493) countable minutes",
        _cocm,
        _cocm_short,
    ),
    Defect(
        "addon-units-over",
        "BHI-TIME-003",
        "one 99494 unit more than the minutes support",
        _cocm,
        _addon_units_over,
    ),
    Defect(
        "g2214-minutes-short",
        "BHI-TIME-004",
        "G2214 with 9-15 countable minutes",
        lambda pr, mp: mp.short,
        _g2214_short,
    ),
    Defect(
        "addon-under-billed",
        "BHI-TIME-005",
        "minutes support 99494 but none was billed (info)",
        _has_addon,
        _addon_underbilled,
    ),
    Defect(
        "consultant-minutes-counted",
        "BHI-TIME-006",
        "99493 reaches 31 minutes only with the psychiatric consultant's 15",
        lambda pr, mp: _cocm(pr, mp) and not mp.initial,
        _consultant_minutes,
    ),
    Defect(
        "minutes-counted-twice",
        "BHI-TIME-007",
        "one time entry logged to both BHI and CCM",
        lambda pr, mp: mp.program == "BHI+CCM",
        _minutes_twice,
    ),
    Defect(
        "dos-before-threshold",
        "BHI-TIME-008",
        "the lines are dated the 1st, before the minutes were logged",
        lambda pr, mp: mp.program != "COCM" or _cocm(pr, mp),
        _dos_before_threshold,
    ),
    Defect(
        "bhi-with-cocm",
        "BHI-EXCL-001",
        "99484 billed beside CoCM by the same practitioner",
        lambda pr, mp: mp.program == "COCM",
        _bhi_with_cocm,
    ),
    Defect(
        "g2214-with-cocm-base",
        "BHI-EXCL-002",
        "G2214 added to a 99492/99493 month",
        _cocm,
        _g2214_with_base,
    ),
    Defect(
        "initial-and-subsequent",
        "BHI-EXCL-003",
        "99493 added to an initial (99492) month",
        lambda pr, mp: _cocm(pr, mp) and mp.initial,
        _initial_and_subsequent,
    ),
    Defect(
        "addon-without-base",
        "BHI-EXCL-004",
        "the 99492/99493 line of a month with 99494 is dropped",
        _has_addon,
        _addon_without_base,
    ),
    Defect(
        "monthly-code-twice",
        "BHI-EXCL-005",
        "the month's 99484/99493/G0323 line is billed twice",
        lambda pr, mp: mp.program != "COCM" or _cocm(pr, mp),
        _duplicate_line,
    ),
    Defect(
        "ccm-time-missing",
        "BHI-EXCL-011",
        "CCM billed beside BHI with no CCM time entry",
        lambda pr, mp: mp.program == "BHI+CCM",
        _ccm_time_missing,
    ),
    Defect(
        "cocm-billed-by-care-manager",
        "BHI-PRAC-001",
        "the BHCM is the claim's billing practitioner",
        _cocm,
        _cocm_billed_by_care_manager,
    ),
    Defect(
        "time-by-other-group",
        "BHI-PRAC-002",
        "a contracted nurse of another group logs the month's BHI time",
        _bhi,
        _contract_nurse_time,
    ),
    Defect(
        "telehealth-place-of-service",
        "BHI-POS-001",
        "the claim is billed with POS 10 (telehealth)",
        lambda pr, mp: True,
        _telehealth_pos,
    ),
    Defect(
        "diagnosis-pointer-out-of-range",
        "BHI-DX-001",
        "the first line points to diagnosis 3 of 2",
        lambda pr, mp: mp.program in ("BHI", "COCM", "G0323"),
        _pointer_out_of_range,
    ),
    Defect(
        "non-behavioral-diagnosis",
        "BHI-DX-001",
        "the claim carries only E11.9 and I10 (no behavioral diagnosis at all)",
        lambda pr, mp: mp.program in ("BHI", "COCM", "G0323"),
        _non_behavioral_diagnosis,
    ),
    Defect(
        "pointer-to-non-behavioral-diagnosis",
        "BHI-DX-002",
        "the claim carries E11.9 and F32.1; its lines point only to E11.9",
        lambda pr, mp: mp.program in ("BHI", "COCM", "G0323"),
        _pointer_to_non_behavioral_diagnosis,
    ),
    Defect(
        "time-entry-undocumented",
        "BHI-DOC-001",
        "a time entry has neither activity nor note",
        lambda pr, mp: True,
        _undocumented_entry,
    ),
    Defect(
        "initiating-visit-too-old",
        "BHI-INIT-001",
        "the only initiating visit is 380 days before the first month",
        lambda pr, mp: _first_month(pr, mp) and mp.month.month >= 3,
        _visit_too_old,
    ),
    Defect(
        "initiating-visit-level-1",
        "BHI-INIT-002",
        "the initiating visit is a 99211",
        lambda pr, mp: _first_month(pr, mp) and mp.program != "G0323",
        _visit_level_1,
    ),
    Defect(
        "retired-code",
        "BHI-CODE-001",
        "99484 billed as the retired G0507",
        _bhi,
        _retired_code,
    ),
    Defect(
        "unbilled-month",
        "BHI-PAY-002",
        "a BHI month with 20+ minutes is not billed (info)",
        lambda pr, mp: _bhi(pr, mp) and _later_month(pr, mp),
        _unbilled_month,
    ),
    Defect(
        "apcm-bundled-ccm",
        "BHI-EXCL-006",
        "the APCM practitioner also bills 99490 that month",
        lambda pr, mp: True,
        _apcm_bundled_ccm,
        frozenset({"APCM"}),
    ),
    Defect(
        "apcm-addon-without-base",
        "BHI-EXCL-007",
        "G0570 billed without the month's G0557",
        lambda pr, mp: True,
        _apcm_addon_alone,
        frozenset({"APCM"}),
    ),
    Defect(
        "apcm-addon-with-mirror",
        "BHI-EXCL-008",
        "99484 billed beside the G0570 it mirrors",
        lambda pr, mp: True,
        _apcm_addon_with_mirror,
        frozenset({"APCM"}),
    ),
    Defect(
        "standalone-bhi-with-apcm",
        "BHI-EXCL-009",
        "99484 instead of G0570 beside the same practitioner's G0557",
        lambda pr, mp: True,
        _standalone_bhi_with_apcm,
        frozenset({"APCM"}),
    ),
    Defect(
        "g0323-with-99484",
        "BHI-EXCL-010",
        "a physician bills 99484 in a month the social worker bills G0323",
        lambda pr, mp: True,
        _g0323_with_99484,
        frozenset({"G0323"}),
    ),
    Defect(
        "g0323-billed-by-physician",
        "BHI-PRAC-001",
        "G0323 billed under a physician",
        lambda pr, mp: True,
        _g0323_by_physician,
        frozenset({"G0323"}),
    ),
    Defect(
        "rhc-retired-code",
        "BHI-CODE-002",
        "the RHC bills general BHI as G0511 after it ended",
        lambda pr, mp: True,
        _rhc_retired_code,
        frozenset({"RHC"}),
    ),
    Defect(
        "dmht-minutes-short",
        "BHI-DMHT-001",
        "G0553 with 8-19 DMHT minutes",
        lambda pr, mp: True,
        _dmht_minutes_short,
        frozenset({"BHI+DMHT"}),
    ),
    Defect(
        "cocm-review-missed-month",
        "BHI-COCM-003",
        "a subsequent CoCM month's caseload reviews skip the patient",
        lambda pr, mp: mp.program == "COCM" and not mp.initial,
        _review_missed,
    ),
    Defect(
        "bhi-plan-not-revised",
        "BHI-GEN-001",
        "PHQ-9 stops improving and the care plan is never revised",
        lambda pr, mp: mp.program != "COCM" and _later_month(pr, mp),
        _plan_not_revised,
    ),
    Defect(
        "dmht-telehealth",
        "BHI-POS-001",
        "the DMHT month's claim is billed with POS 02",
        lambda pr, mp: True,
        _dmht_telehealth,
        frozenset({"BHI+DMHT"}),
    ),
    Defect(
        "initiating-visit-psychotherapy",
        "BHI-INIT-002",
        "the initiating visit is a 90834 psychotherapy session",
        lambda pr, mp: _first_month(pr, mp) and mp.program != "G0323",
        _visit_psychotherapy,
    ),
    Defect(
        "consent-revoked",
        "BHI-CONS-001",
        "the consent was revoked before a month that is still billed",
        lambda pr, mp: _later_month(pr, mp),
        _consent_revoked,
    ),
    Defect(
        "unknown-billing-practitioner",
        "BHI-DATA-001",
        "the claim's billing practitioner is not on the roster",
        lambda pr, mp: mp.program != "G0323",
        _unknown_practitioner,
    ),
)


def catalog_table() -> str:
    """The defect catalog as the Markdown table of docs/generator.md.

    The findings column comes from injecting each kind into the first patient of a fixed
    practice it fits, so it shows what the kind declares, not what a writer remembered.
    """
    from bhi_audit.generator.practice import plan_patient
    from bhi_audit.generator.records import build_patient
    from bhi_audit.months import Month

    months = [Month(2026, 1).plus(i) for i in range(12)]
    roster = Roster.for_patients(400)
    lines = [
        "| kind | check | what goes wrong | a correct audit reports |",
        "|---|---|---|---|",
    ]
    for defect in sorted(CATALOG, key=lambda d: (d.check_id, d.name)):
        for index in range(1, 2000):
            pr = build_patient(plan_patient(1, index, months, roster))
            fits = [mp for mp in pr.plan.months if defect.applies(pr, mp)]
            if fits:
                break
        expected = defect.inject(pr, fits[0], random.Random(1), roster)
        reported = sorted({(check, severity, month is None) for month, check, severity in expected})
        shown = ", ".join(
            f"{check} {severity}" + (" (patient)" if patient else "")
            for check, severity, patient in reported
        )
        lines.append(f"| `{defect.name}` | {defect.check_id} | {defect.description} | {shown} |")
    return "\n".join(lines) + "\n"
