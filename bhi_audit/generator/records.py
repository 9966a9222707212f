"""Turn a patient's plan into records (rows of the bundle kinds), clean by construction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from bhi_audit.generator.practice import (
    CHARGE,
    ELEMENTS,
    FIRST,
    LAST,
    MonthPlan,
    PatientPlan,
    Row,
    cocm_codes,
)
from bhi_audit.months import Month


@dataclass
class PatientRows:
    """Every row of one patient, by kind, plus the months the consultant reviews them."""

    plan: PatientPlan
    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    reviewed: set[Month] = field(default_factory=set)

    def add(self, kind: str, row: Row) -> Row:
        self.rows[kind].append(row)
        return row

    def of(self, kind: str, month: Month | None = None, column: str = "date") -> list[Row]:
        """Rows of a kind, optionally only those dated in ``month``."""
        rows = self.rows.get(kind, [])
        if month is None:
            return rows
        prefix = str(month)
        return [r for r in rows if str(r.get(column, "")).startswith(prefix)]


def _clock(minutes_from_midnight: int) -> str:
    return f"{minutes_from_midnight // 60:02d}:{minutes_from_midnight % 60:02d}"


def _split(total: int, parts: int) -> list[int]:
    chunk = [total // parts] * parts
    chunk[-1] += total - sum(chunk)
    return chunk


def time_entries(
    pr: PatientRows,
    mp: MonthPlan,
    program: str,
    staff: str,
    total: int,
    start_hour: int,
    days: tuple[int, ...],
    tag: str = "",
) -> None:
    """Log ``total`` minutes over ``days`` of the month, on distinct clock times."""
    pid = pr.plan.patient_id
    for n, (day, minutes) in enumerate(zip(days, _split(total, len(days)), strict=True)):
        start = start_hour * 60 + 5 * n
        pr.add(
            "time_entries",
            {
                "entry_id": f"{pid}-{mp.month}-{program}{tag}-{n + 1}",
                "patient_id": pid,
                "staff_id": staff,
                "date": date(mp.month.year, mp.month.month, day).isoformat(),
                "minutes": minutes,
                "start_time": _clock(start),
                "end_time": _clock(start + minutes),
                "program": program,
                "activity": ("outreach call", "care planning", "follow-up call")[n % 3],
                "note": "synthetic note",
            },
        )


def build_patient(plan: PatientPlan) -> PatientRows:
    """All clean rows of one patient."""
    pr = PatientRows(plan)
    pid = plan.patient_id
    pr.add(
        "patients",
        {
            "patient_id": pid,
            "name": f"{FIRST[plan.index % len(FIRST)]} {LAST[plan.index % len(LAST)]}",
            "dob": date(
                1940 + plan.index % 45, 1 + plan.index % 12, 1 + plan.index % 28
            ).isoformat(),
            "medicare_id": f"{1 + plan.index % 9}SY{plan.index:07d}"[:11],
            "qmb": "false",
        },
    )
    if not plan.months:
        return pr
    first = plan.months[0].month
    visit_code = "90791" if plan.program == "G0323" else "99214"
    pr.add(
        "visits",
        {
            "visit_id": f"{pid}-V1",
            "patient_id": pid,
            "date": (first.first_day - timedelta(days=40)).isoformat(),
            "code": visit_code,
            "practitioner_id": plan.practitioner,
        },
    )
    programs = {
        "COCM": ["COCM"],
        "BHI": ["BHI"],
        "G0323": ["BHI"],
        "BHI+CCM": ["BHI", "CCM"],
        "APCM": ["BHI", "APCM"],
        "RHC": ["BHI"],
        "BHI+DMHT": ["BHI", "DMHT"],
        "CCM": ["CCM"],
    }
    for program in programs[plan.program]:
        pr.add(
            "consents",
            {
                "consent_id": f"{pid}-K-{program}",
                "patient_id": pid,
                "programs": program,
                "date_obtained": (first.first_day - timedelta(days=10)).isoformat(),
                "method": "verbal",
                "obtained_by": plan.practitioner,
                "billing_practitioner": plan.practitioner,
                "elements": ELEMENTS,
            },
        )
    plan_program = {"COCM": "COCM", "CCM": "CCM"}.get(plan.program, "BHI")
    pr.add(
        "care_plans",
        {
            "care_plan_id": f"{pid}-CP1",
            "patient_id": pid,
            "program": plan_program,
            "created": first.first_day.isoformat(),
            "consultant_reviewed_on": (first.first_day + timedelta(days=8)).isoformat()
            if plan_program == "COCM"
            else "",
            "designated_member": plan.staff,
        },
    )
    episode = 0
    enrollment: Row | None = None
    for previous, mp in zip([None, *plan.months], plan.months, strict=False):
        if mp.initial:
            episode += 1
            if enrollment is not None and previous is not None:
                # NOTE: the lapsed episode's patient was discharged from the registry
                enrollment["ended_on"] = previous.month.last_day.isoformat()
            enrollment = pr.add(
                "registry_enrollments",
                {
                    "enrollment_id": f"{pid}-R{episode}",
                    "patient_id": pid,
                    "enrolled_on": mp.month.first_day.isoformat(),
                    "ended_on": "",
                    "bhcm_id": plan.staff,
                    "consultant_id": plan.consultant,
                },
            )
        build_month(pr, mp)
    return pr


def build_month(pr: PatientRows, mp: MonthPlan) -> None:
    """Time, a rating scale and the claim of one month."""
    plan = pr.plan
    pid = plan.patient_id
    program = {"COCM": "COCM", "CCM": "CCM"}.get(plan.program, "BHI")
    time_entries(pr, mp, program, plan.staff, mp.minutes, 9, (3, 10, 17))
    if program == "BHI" and plan.program != "G0323":
        # NOTE: the practitioner's own follow-up counts toward general BHI too (rulebook §2.8)
        pr.rows["time_entries"][-1]["staff_id"] = plan.practitioner
    if mp.ccm_minutes:
        time_entries(pr, mp, "CCM", plan.staff, mp.ccm_minutes, 14, (4, 11))
    if mp.dmht_minutes:
        time_entries(pr, mp, "DMHT", plan.staff, mp.dmht_minutes, 15, (5, 12))
    if program != "CCM":
        pr.add(
            "assessments",
            {
                "assessment_id": f"{pid}-{mp.month}-A",
                "patient_id": pid,
                "date": date(mp.month.year, mp.month.month, 3).isoformat(),
                "instrument": "PHQ-9",
                "score": mp.score,
                "administered_by": plan.staff,
            },
        )
    diagnoses = "F32.1;F41.1"
    if program == "COCM":
        pr.reviewed.add(mp.month)
        codes = [("G2214", 1)] if mp.short else cocm_codes(mp.minutes, mp.initial)
    elif plan.program == "APCM":
        codes = [("G0557", 1), ("G0570", 1)]
    elif plan.program == "CCM":
        codes, diagnoses = [("99490", 1)], "E11.9;I10"
    else:
        codes = [("G0323" if plan.program == "G0323" else "99484", 1)]
    if mp.ccm_minutes:
        codes.append(("99490", 1))
        diagnoses = "F32.1;E11.9;I10"
    if mp.dmht_minutes:
        codes.append(("G0553", 1))
    rhc = plan.program == "RHC"
    claim_id = f"{pid}-{mp.month}"
    dos = mp.month.last_day
    pr.add(
        "claims",
        {
            "claim_id": claim_id,
            "patient_id": pid,
            "billing_practitioner": plan.practitioner,
            "rendering_practitioner": plan.practitioner,
            "place_of_service": "" if rhc else "11",
            "claim_type": "institutional" if rhc else "professional",
            "type_of_bill": "711" if rhc else "",
            "diagnoses": diagnoses,
            "created_on": (dos + timedelta(days=1)).isoformat(),
        },
    )
    for n, (code, units) in enumerate(codes, start=1):
        pr.add(
            "claim_lines",
            {
                "claim_id": claim_id,
                "line_number": n,
                "code": code,
                "units": units,
                "date_of_service": dos.isoformat(),
                "diagnosis_pointers": "2;3"
                if code == "99490" and mp.ccm_minutes
                else "1;2"
                if code == "99490"
                else "1",
                "charge": f"{CHARGE.get(code, 50) * units:.2f}",
                "revenue_code": "0521" if rhc else "",
            },
        )
