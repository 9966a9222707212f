"""Build sample_claims/: a small synthetic practice, clean and with seeded defects.

Why a script: the sample must stay consistent across its CSV and JSON forms and grow with the
rulebook; each scenario is one function call here, and the defect list in
sample_claims/README.md is generated from the same calls. Everything is synthetic: names come
from a fixed list of invented names, NPIs are made-up numbers with a valid check digit.

Run: python scripts/build_sample_claims.py   (rewrites sample_claims/ deterministically)
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bhi_audit.generator.practice import FIRST, LAST, npi_with_check_digit

OUT = Path(__file__).resolve().parent.parent / "sample_claims"
MONTHS = [(2026, 1), (2026, 2), (2026, 3)]
COLUMNS: dict[str, list[str]] = {
    "period": ["records_from", "records_to"],
    "staff": [
        "staff_id",
        "name",
        "npi",
        "roles",
        "practitioner_type",
        "credential",
        "bh_training",
        "full_psych_prescriber",
        "psychiatry_trained",
        "group_id",
        "active_from",
        "active_to",
    ],
    "patients": ["patient_id", "name", "dob", "medicare_id", "qmb"],
    "claims": [
        "claim_id",
        "patient_id",
        "billing_practitioner",
        "rendering_practitioner",
        "place_of_service",
        "claim_type",
        "type_of_bill",
        "diagnoses",
        "created_on",
    ],
    "claim_lines": [
        "claim_id",
        "line_number",
        "code",
        "units",
        "modifiers",
        "date_of_service",
        "diagnosis_pointers",
        "charge",
        "revenue_code",
        "place_of_service",
    ],
    "time_entries": [
        "entry_id",
        "patient_id",
        "staff_id",
        "date",
        "minutes",
        "start_time",
        "end_time",
        "program",
        "activity",
        "note",
        "billed_service",
    ],
    "consents": [
        "consent_id",
        "patient_id",
        "programs",
        "date_obtained",
        "method",
        "obtained_by",
        "billing_practitioner",
        "elements",
        "revoked_on",
    ],
    "caseload_reviews": [
        "review_id",
        "date",
        "consultant_id",
        "bhcm_id",
        "patients_reviewed",
        "notes",
    ],
    "assessments": [
        "assessment_id",
        "patient_id",
        "date",
        "instrument",
        "score",
        "administered_by",
    ],
    "care_plans": [
        "care_plan_id",
        "patient_id",
        "program",
        "created",
        "revised",
        "consultant_reviewed_on",
        "designated_member",
    ],
    "visits": ["visit_id", "patient_id", "date", "code", "practitioner_id"],
    "registry_enrollments": [
        "enrollment_id",
        "patient_id",
        "enrolled_on",
        "ended_on",
        "bhcm_id",
        "consultant_id",
    ],
    "episodes": ["episode_id", "patient_id", "start", "end", "end_reason"],
}
ALL_CONSENT_ELEMENTS = "cost_sharing;consult_specialists;right_to_stop;one_practitioner"
CHARGES = {
    "99484": "75.00",
    "99492": "190.00",
    "99493": "170.00",
    "99494": "80.00",
    "G2214": "80.00",
    "G0323": "75.00",
    "99490": "85.00",
    "99439": "65.00",
}
# NOTE: one list of invented names and one NPI check-digit routine, shared with the generator
FIRST_NAMES = FIRST
LAST_NAMES = LAST[:6]
npi = npi_with_check_digit


def last_day(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


@dataclass
class Practice:
    """Accumulates rows per kind, and the seeded defects for the README."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in COLUMNS})
    defects: list[tuple[str, str, str, str]] = field(default_factory=list)
    clean: list[tuple[str, str]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]:03d}"

    def add(self, kind: str, **values: Any) -> dict[str, Any]:
        row = {k: ("" if values.get(k) is None else values.get(k)) for k in COLUMNS[kind]}
        unknown = set(values) - set(COLUMNS[kind])
        assert not unknown, unknown
        self.rows[kind].append(row)
        return row

    # ---------------------------------------------------------------- building blocks

    def patient(self, pid: str, index: int, qmb: bool = False) -> None:
        self.add(
            "patients",
            patient_id=pid,
            name=f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[index % 6]}",
            dob=f"19{40 + index % 40:02d}-{1 + index % 12:02d}-{1 + index % 27:02d}",
            medicare_id=f"{1 + index % 9}EG{index % 10}TE{index % 10}MK{10 + index:02d}",
            qmb="true" if qmb else "false",
        )

    def visit(self, pid: str, day: date, code: str, by: str) -> None:
        self.add(
            "visits",
            visit_id=self.next_id("V"),
            patient_id=pid,
            date=day.isoformat(),
            code=code,
            practitioner_id=by,
        )

    def consent(
        self,
        pid: str,
        programs: str,
        day: date,
        by: str,
        billing: str,
        elements: str = ALL_CONSENT_ELEMENTS,
        method: str = "verbal",
    ) -> None:
        self.add(
            "consents",
            consent_id=self.next_id("K"),
            patient_id=pid,
            programs=programs,
            date_obtained=day.isoformat(),
            method=method,
            obtained_by=by,
            billing_practitioner=billing,
            elements=elements,
        )

    def time(
        self,
        pid: str,
        staff: str,
        day: date,
        minutes: int,
        program: str,
        activity: str,
        note: str,
        start_hour: int = 9,
        billed: str | None = None,
    ) -> None:
        start = start_hour * 60 + (day.day * 7) % 30
        end = start + minutes
        self.add(
            "time_entries",
            entry_id=self.next_id("T"),
            patient_id=pid,
            staff_id=staff,
            date=day.isoformat(),
            minutes=minutes,
            start_time=f"{start // 60:02d}:{start % 60:02d}",
            end_time=f"{end // 60:02d}:{end % 60:02d}",
            program=program,
            activity=activity,
            note=note,
            billed_service=billed,
        )

    def spread(
        self,
        pid: str,
        staff: str,
        year: int,
        month: int,
        total: int,
        program: str,
        days: tuple[int, ...] = (5, 12, 19, 26),
        start_hour: int = 9,
    ) -> None:
        """Log ``total`` minutes over a few days of the month."""
        activities = ["outreach call", "care planning", "follow-up call", "coordination"]
        chunks = [total // len(days)] * len(days)
        chunks[-1] += total - sum(chunks)
        for i, (day, minutes) in enumerate(zip(days, chunks, strict=True)):
            if minutes <= 0:
                continue
            self.time(
                pid,
                staff,
                date(year, month, day),
                minutes,
                program,
                activities[i % len(activities)],
                f"{activities[i % len(activities)]} with patient",
                start_hour,
            )

    def claim(
        self,
        pid: str,
        billing: str,
        year: int,
        month: int,
        lines: list[tuple[str, int]],
        diagnoses: str = "F32.1",
        pos: str = "11",
        pointers: str = "1",
        institutional: bool = False,
        day: int | None = None,
    ) -> str:
        cid = self.next_id("C")
        dos = date(year, month, day) if day else last_day(year, month)
        created = dos + timedelta(days=1)
        self.add(
            "claims",
            claim_id=cid,
            patient_id=pid,
            billing_practitioner=billing,
            rendering_practitioner=billing,
            place_of_service=pos,
            claim_type="institutional" if institutional else "professional",
            type_of_bill="711" if institutional else None,
            diagnoses=diagnoses,
            created_on=created.isoformat(),
        )
        for n, (code, units) in enumerate(lines, start=1):
            self.add(
                "claim_lines",
                claim_id=cid,
                line_number=n,
                code=code,
                units=units,
                date_of_service=dos.isoformat(),
                diagnosis_pointers=pointers,
                charge=f"{float(CHARGES.get(code, '50.00')) * units:.2f}",
                revenue_code="0521" if institutional else None,
            )
        return cid

    def phq9(self, pid: str, day: date, score: int, by: str) -> None:
        self.add(
            "assessments",
            assessment_id=self.next_id("A"),
            patient_id=pid,
            date=day.isoformat(),
            instrument="PHQ-9",
            score=score,
            administered_by=by,
        )

    def defect(
        self, pid: str, month: str | None, check: str, what: str, level: str = "error/warning"
    ) -> None:
        self.defects.append((pid, month, check, what, level))


# -------------------------------------------------------------------- the practice

DR = "S-ADAMS"  # physician, billing practitioner
NP = "S-BROOKS"  # nurse practitioner, billing practitioner
BHCM = "S-CHEN"  # behavioral health care manager
BHCM2 = "S-DIAZ"
RN = "S-EVANS"  # clinical staff (general BHI, CCM)
MA = "S-FOX"
PSY = "S-GRANT"  # psychiatric consultant
CSW = "S-HALL"  # clinical social worker, bills G0323
RN_OTHER_GROUP = "S-IVES"  # clinical staff of another group
CONSULTANT_UNQUALIFIED = "S-KING"  # "consultant" without prescribing or psychiatry training
BHCM_UNTRAINED = "S-LANE"  # care manager without behavioral-health training


def staff(p: Practice) -> None:
    rows = [
        (
            DR,
            "Avery Adams",
            npi("100000001"),
            "billing_practitioner",
            "physician",
            "MD",
            "",
            "",
            "",
        ),
        (
            NP,
            "Blair Brooks",
            npi("100000002"),
            "billing_practitioner",
            "nurse_practitioner",
            "NP",
            "",
            "",
            "",
        ),
        (BHCM, "Casey Chen", "", "bhcm", "other", "LCSW", "true", "", ""),
        (BHCM2, "Dana Diaz", "", "bhcm", "other", "RN", "true", "", ""),
        (RN, "Emery Evans", "", "clinical_staff", "other", "RN", "", "", ""),
        (MA, "Finley Fox", "", "clinical_staff", "other", "MA", "", "", ""),
        (RN_OTHER_GROUP, "Ira Ives", "", "clinical_staff", "other", "RN", "", "", ""),
        (
            CONSULTANT_UNQUALIFIED,
            "Jules King",
            "",
            "psychiatric_consultant",
            "other",
            "RN",
            "",
            "false",
            "false",
        ),
        (BHCM_UNTRAINED, "Kai Lane", "", "bhcm", "other", "MA", "false", "", ""),
        (
            PSY,
            "Gray Grant",
            npi("100000007"),
            "psychiatric_consultant",
            "physician",
            "MD, psychiatry",
            "",
            "true",
            "true",
        ),
        (
            CSW,
            "Harper Hall",
            npi("100000008"),
            "billing_practitioner",
            "clinical_social_worker",
            "LCSW",
            "true",
            "",
            "",
        ),
    ]
    for sid, name, number, roles, ptype, cred, bh, presc, psych in rows:
        p.add(
            "staff",
            staff_id=sid,
            name=name,
            npi=number,
            roles=roles,
            practitioner_type=ptype,
            credential=cred,
            bh_training=bh,
            full_psych_prescriber=presc,
            psychiatry_trained=psych,
            group_id="G-NORTH" if sid == RN_OTHER_GROUP else "G-MAIN",
            active_from="2020-01-01",
        )


def onboard(
    p: Practice,
    pid: str,
    index: int,
    billing: str,
    programs: str,
    consent_day: date | None = date(2025, 12, 15),
    elements: str = ALL_CONSENT_ELEMENTS,
    qmb: bool = False,
) -> None:
    """A patient with an initiating visit in the last year and consent before January."""
    p.patient(pid, index, qmb=qmb)
    p.visit(pid, date(2025, 11, 3 + index % 20), "99214", billing)
    if consent_day is not None:
        for program in programs.split(";"):
            p.consent(pid, program, consent_day, billing, billing, elements)


def general_bhi(
    p: Practice,
    pid: str,
    month: tuple[int, int],
    minutes: int,
    billing: str = DR,
    staff_id: str = RN,
    code: str = "99484",
) -> str:
    year, mon = month
    p.spread(pid, staff_id, year, mon, minutes, "BHI", start_hour=10)
    p.phq9(pid, date(year, mon, 6), (16, 10, 6)[mon - 1], staff_id)
    return p.claim(pid, billing, year, mon, [(code, 1)], diagnoses="F41.1")


def bhi_plan(p: Practice, pid: str, created: date, member: str = RN) -> None:
    p.add(
        "care_plans",
        care_plan_id=p.next_id("PLAN"),
        patient_id=pid,
        program="BHI",
        created=created.isoformat(),
        designated_member=member,
    )


def cocm_patient(
    p: Practice,
    pid: str,
    start: date,
    bhcm: str = BHCM,
    consultant: str = PSY,
    registry: bool = True,
    plan_reviewed: bool = True,
) -> None:
    if registry:
        p.add(
            "registry_enrollments",
            enrollment_id=p.next_id("R"),
            patient_id=pid,
            enrolled_on=start.isoformat(),
            bhcm_id=bhcm,
            consultant_id=consultant,
        )
    p.add(
        "care_plans",
        care_plan_id=p.next_id("PLAN"),
        patient_id=pid,
        program="COCM",
        created=start.isoformat(),
        consultant_reviewed_on=(start + timedelta(days=9)).isoformat() if plan_reviewed else None,
        designated_member=bhcm,
    )


def cocm_month(
    p: Practice,
    pid: str,
    month: tuple[int, int],
    minutes: int,
    lines: list[tuple[str, int]],
    billing: str = DR,
    bhcm: str = BHCM,
    score: int | None = 14,
) -> str:
    year, mon = month
    p.spread(pid, bhcm, year, mon, minutes, "COCM", days=(3, 10, 17, 24))
    if score is not None:
        p.phq9(pid, date(year, mon, 4), score, bhcm)
    return p.claim(pid, billing, year, mon, lines, diagnoses="F32.1;F41.1", pointers="1;2")


def weekly_reviews(p: Practice, reviewed: dict[tuple[int, int], list[str]]) -> None:
    """Weekly caseload reviews (Wednesdays); each month's CoCM patients are split over weeks."""
    for (year, mon), patients in sorted(reviewed.items()):
        day = date(year, mon, 1)
        while day.weekday() != 2:
            day += timedelta(days=1)
        weeks = []
        while day.month == mon:
            weeks.append(day)
            day += timedelta(days=7)
        for i, wednesday in enumerate(weeks):
            listed = [pid for j, pid in enumerate(sorted(patients)) if j % len(weeks) == i]
            p.add(
                "caseload_reviews",
                review_id=p.next_id("CR"),
                date=wednesday.isoformat(),
                consultant_id=PSY,
                bhcm_id=BHCM,
                patients_reviewed=";".join(listed),
                notes="weekly caseload review: new and not-improving patients discussed",
            )


def build() -> Practice:
    p = Practice()
    p.add("period", records_from="2025-01-01", records_to="2026-03-31")
    staff(p)
    jan, feb, mar = MONTHS
    reviewed: dict[tuple[int, int], list[str]] = {m: [] for m in MONTHS}

    # --- clean general BHI, three months
    for i, pid in enumerate(("P001", "P002", "P003")):
        onboard(p, pid, i, DR, "BHI", qmb=pid == "P003")
        bhi_plan(p, pid, date(2026, 1, 5))
        for m, minutes in zip(MONTHS, (25, 22 + i, 30), strict=True):
            general_bhi(p, pid, m, minutes)
        qmb = " (a QMB: BHI-COST-001's info note)" if pid == "P003" else ""
        p.clean.append((pid, f"general BHI 99484, 22-30 minutes a month, Jan-Mar{qmb}"))

    # --- clean CoCM: initial month then subsequent months
    for i, pid in enumerate(("P010", "P011")):
        onboard(p, pid, 10 + i, DR, "COCM")
        cocm_patient(p, pid, date(2026, 1, 2))
        cocm_month(p, pid, jan, 60 + i * 10, [("99492", 1)], score=18)
        cocm_month(p, pid, feb, 45, [("99493", 1)], score=13)
        cocm_month(p, pid, mar, 40, [("99493", 1)], score=9)
        for m in MONTHS:
            reviewed[m].append(pid)
        p.clean.append((pid, "CoCM 99492 in January, 99493 in February and March"))

    # --- clean CoCM with add-on units at the boundaries (86 initial, 76 subsequent)
    onboard(p, "P012", 12, NP, "COCM")
    cocm_patient(p, "P012", date(2026, 1, 2), BHCM2)
    cocm_month(p, "P012", jan, 86, [("99492", 1), ("99494", 1)], NP, BHCM2, score=20)
    cocm_month(p, "P012", feb, 76, [("99493", 1), ("99494", 1)], NP, BHCM2, score=15)
    cocm_month(p, "P012", mar, 31, [("99493", 1)], NP, BHCM2, score=10)
    for m in MONTHS:
        reviewed[m].append("P012")
    p.clean.append(("P012", "CoCM with 99494 at its boundaries (86 / 76 min) and 99493 at 31"))

    # --- clean G2214: a short initial month, then 99493
    onboard(p, "P013", 13, DR, "COCM")
    cocm_patient(p, "P013", date(2026, 2, 2))
    cocm_month(p, "P013", feb, 32, [("G2214", 1)], score=16)
    cocm_month(p, "P013", mar, 50, [("99493", 1)], score=12)
    reviewed[feb].append("P013")
    reviewed[mar].append("P013")
    p.clean.append(("P013", "CoCM starting with G2214 (32 min) in February, 99493 in March"))

    # --- clean CCM beside general BHI: separate consents, separate minutes
    onboard(p, "P015", 15, DR, "BHI;CCM")
    bhi_plan(p, "P015", date(2026, 1, 5))
    for m in MONTHS:
        year, mon = m
        p.spread("P015", RN, year, mon, 24, "BHI", start_hour=10)
        p.spread("P015", MA, year, mon, 25, "CCM", start_hour=14)
        p.phq9("P015", date(year, mon, 6), (16, 10, 6)[mon - 1], RN)
        p.claim(
            "P015",
            DR,
            year,
            mon,
            [("99484", 1), ("99490", 1)],
            diagnoses="F33.1;E11.9;I10",
            pointers="1;2;3",
        )
    p.clean.append(("P015", "general BHI and CCM in the same months, consents and minutes apart"))

    # --- clean G0323 by a clinical social worker (own time)
    p.patient("P016", 16)
    p.visit("P016", date(2025, 12, 1), "90791", CSW)
    p.consent("P016", "BHI", date(2025, 12, 1), CSW, CSW)
    bhi_plan(p, "P016", date(2026, 1, 5), CSW)
    for m in MONTHS:
        general_bhi(p, "P016", m, 25, billing=CSW, staff_id=CSW, code="G0323")
    p.clean.append(("P016", "G0323 by a clinical social worker, 25 min of own time a month"))

    # ------------------------------------------------------------------ seeded defects
    onboard(p, "P020", 20, DR, "BHI", consent_day=None)
    bhi_plan(p, "P020", date(2026, 1, 5))
    general_bhi(p, "P020", jan, 30)
    p.defect("P020", "2026-01", "BHI-CONS-001", "99484 billed with no BHI consent on file")

    onboard(p, "P021", 21, DR, "COCM", consent_day=date(2026, 1, 20))
    cocm_patient(p, "P021", date(2026, 1, 2))
    cocm_month(p, "P021", jan, 50, [("99492", 1)], score=17)
    reviewed[jan].append("P021")
    p.defect(
        "P021",
        "2026-01",
        "BHI-CONS-001",
        "CoCM consent obtained 2026-01-20, after the first service on 2026-01-03",
    )

    onboard(p, "P022", 22, DR, "COCM")
    cocm_patient(p, "P022", date(2026, 2, 2))
    cocm_month(p, "P022", feb, 55, [("99492", 1)], score=19)
    p.defect(
        "P022",
        "2026-02",
        "BHI-COCM-003",
        "99492 billed but no caseload review lists the patient; the consultant's review of the "
        "treatment plan is recorded, so a documentation gap (warning, rulebook §3.8a)",
    )

    onboard(p, "P023", 23, DR, "COCM")
    cocm_patient(p, "P023", date(2026, 1, 2))
    cocm_month(p, "P023", jan, 35, [("99492", 1)], score=18)
    reviewed[jan].append("P023")
    p.defect("P023", "2026-01", "BHI-TIME-002", "99492 with 35 countable minutes (< 36)")

    onboard(p, "P024", 24, NP, "COCM")
    cocm_patient(p, "P024", date(2026, 1, 2), BHCM2)
    cocm_month(p, "P024", jan, 45, [("99492", 1)], NP, BHCM2, score=17)
    cocm_month(p, "P024", feb, 30, [("99493", 1)], NP, BHCM2, score=14)
    reviewed[jan].append("P024")
    reviewed[feb].append("P024")
    p.defect("P024", "2026-02", "BHI-TIME-002", "99493 with 30 countable minutes (< 31)")

    onboard(p, "P025", 25, DR, "BHI")
    bhi_plan(p, "P025", date(2026, 1, 5))
    general_bhi(p, "P025", feb, 19)
    p.defect("P025", "2026-02", "BHI-TIME-001", "99484 with 19 countable minutes (< 20)")

    onboard(p, "P026", 26, DR, "COCM")
    cocm_patient(p, "P026", date(2026, 3, 2))
    cocm_month(p, "P026", mar, 100, [("99492", 1), ("99494", 2)], score=21)
    reviewed[mar].append("P026")
    p.defect(
        "P026",
        "2026-03",
        "BHI-TIME-003",
        "99494 x2 with 100 countable minutes in an initial month (supports 1)",
    )

    onboard(p, "P027", 27, DR, "BHI;COCM")
    cocm_patient(p, "P027", date(2026, 1, 2))
    bhi_plan(p, "P027", date(2026, 1, 5))
    cocm_month(p, "P027", jan, 50, [("99492", 1)], score=18)
    cocm_month(p, "P027", feb, 40, [("99493", 1)], score=14)
    p.spread("P027", RN, 2026, 2, 25, "BHI", start_hour=13)
    p.claim("P027", DR, 2026, 2, [("99484", 1)], diagnoses="F41.1")
    reviewed[jan].append("P027")
    reviewed[feb].append("P027")
    p.defect(
        "P027",
        "2026-02",
        "BHI-EXCL-001",
        "99484 and 99493 in the same month by the same practitioner (error)",
    )

    onboard(p, "P028", 28, DR, "BHI;COCM")
    p.consent("P028", "BHI", date(2025, 12, 15), NP, NP)
    cocm_patient(p, "P028", date(2026, 1, 2))
    bhi_plan(p, "P028", date(2026, 1, 5), MA)
    cocm_month(p, "P028", jan, 50, [("99492", 1)], score=18)
    cocm_month(p, "P028", feb, 40, [("99493", 1)], score=14)
    p.spread("P028", MA, 2026, 2, 25, "BHI", start_hour=13)
    p.claim("P028", NP, 2026, 2, [("99484", 1)], diagnoses="F41.1")
    reviewed[jan].append("P028")
    reviewed[feb].append("P028")
    p.defect(
        "P028",
        "2026-02",
        "BHI-EXCL-001",
        "99484 by one practitioner, 99493 by another in the same month (warning)",
    )
    p.defect(
        "P028",
        None,
        "BHI-INIT-002",
        "the initiating visit was by a colleague (S-ADAMS), not the NP who bills 99484",
    )

    onboard(p, "P029", 29, DR, "BHI;CCM")
    bhi_plan(p, "P029", date(2026, 1, 5))
    p.spread("P029", RN, 2026, 3, 12, "BHI", start_hour=10)
    p.time(
        "P029",
        RN,
        date(2026, 3, 27),
        20,
        "BHI;CCM",
        "care coordination",
        "coordinated cardiology and counseling referrals",
        start_hour=15,
    )
    p.spread("P029", MA, 2026, 3, 22, "CCM", start_hour=14)
    p.phq9("P029", date(2026, 3, 6), 12, RN)
    p.claim(
        "P029",
        DR,
        2026,
        3,
        [("99484", 1), ("99490", 1)],
        diagnoses="F33.1;E11.9;I10",
        pointers="1;2;3",
    )
    p.defect(
        "P029",
        "2026-03",
        "BHI-TIME-007",
        "one 20-minute entry logged to both BHI and CCM, which are both billed",
    )
    p.defect(
        "P029",
        None,
        "BHI-TIME-006",
        "the explanation: 32 min logged, 20 of them not countable (warning)",
    )
    p.defect(
        "P029",
        "2026-03",
        "BHI-TIME-001",
        "without the double-counted entry only 12 minutes count toward 99484",
    )

    onboard(p, "P030", 30, DR, "BHI")
    bhi_plan(p, "P030", date(2026, 1, 5))
    p.spread("P030", RN, 2026, 1, 25, "BHI", start_hour=10)
    p.spread("P030", MA, 2026, 1, 24, "CCM", start_hour=14)
    p.phq9("P030", date(2026, 1, 6), 11, RN)
    p.claim(
        "P030",
        DR,
        2026,
        1,
        [("99484", 1), ("99490", 1)],
        diagnoses="F33.1;E11.9;I10",
        pointers="1;2;3",
    )
    p.defect("P030", "2026-01", "BHI-CONS-004", "99490 billed beside 99484 with no CCM consent")

    onboard(p, "P031", 31, DR, "COCM")
    cocm_patient(p, "P031", date(2026, 1, 2))
    cocm_month(p, "P031", jan, 45, [("99492", 1)], score=18)
    p.spread("P031", BHCM, 2026, 2, 20, "COCM", days=(3, 17))
    p.spread("P031", PSY, 2026, 2, 20, "COCM", days=(10, 24), start_hour=16)
    p.phq9("P031", date(2026, 2, 4), 14, BHCM)
    p.claim("P031", DR, 2026, 2, [("99493", 1)], diagnoses="F32.1;F41.1", pointers="1;2")
    reviewed[jan].append("P031")
    reviewed[feb].append("P031")
    p.defect(
        "P031",
        "2026-02",
        "BHI-TIME-002",
        "40 minutes logged for 99493 but 20 are the psychiatric consultant's (20 countable)",
    )
    p.defect(
        "P031",
        None,
        "BHI-TIME-006",
        "the explanation: 20 of the 40 minutes are consultant time (warning)",
    )

    onboard(p, "P032", 32, DR, "BHI")
    bhi_plan(p, "P032", date(2026, 1, 5))
    p.spread("P032", RN, 2026, 3, 25, "BHI", start_hour=10)
    p.phq9("P032", date(2026, 3, 6), 10, RN)
    p.claim("P032", "S-ZZ-UNKNOWN", 2026, 3, [("99484", 1)], diagnoses="F41.1")
    p.defect(
        "P032",
        None,
        "BHI-DATA-001",
        "claim billed by a practitioner who is not on the staff roster",
    )
    p.defect(
        "P032",
        "2026-03",
        "BHI-CONS-002",
        "consequence: the consent on file names another billing practitioner (warning)",
    )
    p.defect(
        "P032",
        None,
        "BHI-INIT-001",
        "consequence: no initiating visit by the unknown practitioner or their group",
    )

    rulebook_defects(p, reviewed)
    process_defects(p, reviewed)
    unit_defects(p, reviewed)
    revision_2026_12_02_defects(p)
    weekly_reviews(p, reviewed)
    return p


def simple_bhi(
    p: Practice,
    pid: str,
    index: int,
    month: tuple[int, int],
    lines,
    *,
    billing: str = DR,
    staff_id: str = RN,
    programs: str = "BHI",
    minutes: int = 25,
    diagnoses: str = "F41.1",
    pointers: str = "1",
    pos: str = "11",
    institutional: bool = False,
    plan: bool = True,
    program: str = "BHI",
) -> str:
    """A patient with consent, initiating visit, care plan, one month of time and a claim."""
    onboard(p, pid, index, billing, programs)
    if plan:
        bhi_plan(p, pid, date(2026, 1, 5), staff_id)
    year, mon = month
    if minutes:
        p.spread(pid, staff_id, year, mon, minutes, program, start_hour=10)
    p.phq9(pid, date(year, mon, 6), 12, staff_id)
    return p.claim(
        pid,
        billing,
        year,
        mon,
        lines,
        diagnoses=diagnoses,
        pointers=pointers,
        pos=pos,
        institutional=institutional,
    )


def rulebook_defects(p: Practice, reviewed: dict[tuple[int, int], list[str]]) -> None:
    """One patient per rulebook check beyond the first five (issue 3)."""
    jan, feb, mar = MONTHS
    simple_bhi(p, "P040", 40, feb, [("G0507", 1)])
    p.defect("P040", "2026-02", "BHI-CODE-001", "G0507 (retired after 2017) billed in 2026")

    simple_bhi(p, "P041", 41, jan, [("G0511", 1)], institutional=True)
    p.defect(
        "P041",
        "2026-01",
        "BHI-CODE-002",
        "RHC claim (TOB 711) billing G0511 in 2026, after its end date",
    )

    simple_bhi(p, "P042", 42, feb, [("99484", 1)], diagnoses="F32")
    p.defect(
        "P042",
        "2026-02",
        "BHI-DX-001",
        "the only diagnosis is F32, a category header, not a billable code",
    )

    # NOTE: the claim carries F32.1 too; with Z63.0 alone it would have no behavioral
    # diagnosis at all, BHI-DX-001's error since the rulebook revision of 2 Dec 2026 (§5.1f).
    simple_bhi(p, "P043", 43, feb, [("99484", 1)], diagnoses="Z63.0;F32.1", pointers="1")
    p.defect(
        "P043",
        "2026-02",
        "BHI-DX-002",
        "99484 points only to Z63.0 (outside F01-F99, not allow-listed), not to the claim's F32.1",
    )

    onboard(p, "P044", 44, DR, "COCM")
    cocm_patient(p, "P044", date(2026, 1, 2))
    cocm_month(p, "P044", jan, 50, [("99492", 1)], score=18)
    cocm_month(p, "P044", feb, 50, [("99493", 1), ("G2214", 1)], score=14)
    reviewed[jan].append("P044")
    reviewed[feb].append("P044")
    p.defect("P044", "2026-02", "BHI-EXCL-002", "G2214 billed with 99493 in the same month")

    onboard(p, "P045", 45, DR, "COCM")
    cocm_patient(p, "P045", date(2026, 1, 2))
    cocm_month(p, "P045", jan, 50, [("99492", 1)], score=18)
    cocm_month(p, "P045", feb, 50, [("99492", 1)], score=14)
    reviewed[jan].append("P045")
    reviewed[feb].append("P045")
    p.defect(
        "P045",
        "2026-02",
        "BHI-EXCL-003",
        "99492 in February, one month after the episode began in January",
    )

    onboard(p, "P046", 46, DR, "COCM")
    cocm_patient(p, "P046", date(2026, 3, 2))
    cocm_month(p, "P046", mar, 90, [("99494", 1)], score=18)
    reviewed[mar].append("P046")
    p.defect("P046", "2026-03", "BHI-EXCL-004", "99494 billed without 99492 or 99493")

    simple_bhi(p, "P047", 47, mar, [("99484", 1)])
    p.claim("P047", DR, 2026, 3, [("99484", 1)], diagnoses="F41.1")
    p.defect(
        "P047",
        "2026-03",
        "BHI-EXCL-005",
        "99484 billed twice for the same month by the same practitioner",
    )

    onboard(p, "P048", 48, DR, "APCM;CCM")
    p.spread("P048", MA, 2026, 2, 25, "CCM", start_hour=14)
    p.claim(
        "P048", DR, 2026, 2, [("G0557", 1), ("99490", 1)], diagnoses="E11.9;I10", pointers="1;2"
    )
    p.defect(
        "P048",
        "2026-02",
        "BHI-EXCL-006",
        "CCM 99490 billed with APCM G0557 by the same practitioner",
    )

    simple_bhi(p, "P049", 49, feb, [("G0570", 1)], minutes=0)
    p.defect("P049", "2026-02", "BHI-EXCL-007", "APCM add-on G0570 without an APCM base code")

    onboard(p, "P050", 50, DR, "APCM;COCM")
    cocm_patient(p, "P050", date(2026, 3, 2))
    cocm_month(p, "P050", mar, 50, [("G0557", 1), ("G0568", 1), ("99492", 1)], score=18)
    reviewed[mar].append("P050")
    p.defect("P050", "2026-03", "BHI-EXCL-008", "APCM add-on G0568 billed with its mirror 99492")
    # NOTE: the 99492 beside its twin G0568 is BHI-EXCL-008's defect only (reported once).

    simple_bhi(p, "P051", 51, mar, [("G0557", 1), ("99484", 1)], programs="APCM;BHI")
    p.defect(
        "P051",
        "2026-03",
        "BHI-EXCL-009",
        "stand-alone 99484 billed with APCM by the same practitioner (warning)",
    )

    simple_bhi(p, "P052", 52, feb, [("99484", 1)])
    p.consent("P052", "BHI", date(2025, 12, 20), CSW, CSW)
    p.visit("P052", date(2025, 12, 20), "90791", CSW)
    p.spread("P052", CSW, 2026, 2, 25, "BHI", days=(7, 14), start_hour=15)
    p.claim("P052", CSW, 2026, 2, [("G0323", 1)], diagnoses="F41.1")
    p.defect(
        "P052",
        "2026-02",
        "BHI-EXCL-010",
        "G0323 by a social worker in the same month as 99484 by the physician (warning)",
    )

    simple_bhi(
        p,
        "P053",
        53,
        mar,
        [("99484", 1), ("99490", 1)],
        programs="BHI;CCM",
        diagnoses="F33.1;E11.9;I10",
        pointers="1;2;3",
    )
    p.defect(
        "P053",
        "2026-03",
        "BHI-EXCL-011",
        "CCM billed beside 99484 with no CCM time log to prove the minutes are separate",
    )

    simple_bhi(p, "P054", 54, jan, [("99484", 1)], billing=CSW)
    p.defect(
        "P054",
        "2026-01",
        "BHI-PRAC-001",
        "99484 billed by a clinical social worker (who must bill G0323)",
    )

    simple_bhi(p, "P055", 55, feb, [("99484", 1)], staff_id=RN_OTHER_GROUP)
    p.defect(
        "P055",
        "2026-02",
        "BHI-PRAC-002",
        "the BHI minutes were logged by a nurse of another group (incident-to risk)",
    )

    simple_bhi(p, "P056", 56, mar, [("99484", 1)], pos="02")
    p.defect("P056", "2026-03", "BHI-POS-001", "99484 billed with telehealth POS 02 (warning)")

    simple_bhi(
        p, "P057", 57, mar, [("G0552", 1), ("G0553", 1)], programs="BHI", plan=False, program="DMHT"
    )
    p.defect(
        "P057",
        "2026-03",
        "BHI-DMHT-001",
        "G0553 billed with no behavioral health care plan in place (G0552, contractor-priced, "
        "also gets BHI-PAY-001's info note: no national rate)",
    )


def process_defects(p: Practice, reviewed: dict[tuple[int, int], list[str]]) -> None:
    """Time, documentation, consent, CoCM-team, care-plan and revenue defects (issue 3)."""
    jan, feb, mar = MONTHS

    onboard(p, "P060", 60, DR, "COCM")
    cocm_patient(p, "P060", date(2026, 1, 2))
    cocm_month(p, "P060", jan, 50, [("99492", 1)], score=18)
    cocm_month(p, "P060", feb, 20, [("G2214", 1)], score=12)
    reviewed[jan].append("P060")
    reviewed[feb].append("P060")
    p.defect(
        "P060",
        "2026-02",
        "BHI-TIME-004",
        "G2214 with 20 countable minutes, under the strict 30-minute reading (warning, D1)",
    )

    onboard(p, "P061", 61, DR, "COCM")
    cocm_patient(p, "P061", date(2026, 3, 2))
    cocm_month(p, "P061", mar, 95, [("99492", 1)], score=19)
    reviewed[mar].append("P061")
    p.defect(
        "P061",
        "2026-03",
        "BHI-TIME-005",
        "95 minutes in an initial month support 99492 + 99494, billed without 99494",
        level="info",
    )

    onboard(p, "P062", 62, DR, "BHI")
    bhi_plan(p, "P062", date(2026, 1, 5))
    p.spread("P062", RN, 2026, 2, 28, "BHI", start_hour=10)
    p.phq9("P062", date(2026, 2, 6), 12, RN)
    p.claim("P062", DR, 2026, 2, [("99484", 1)], diagnoses="F41.1", day=10)
    p.defect(
        "P062",
        "2026-02",
        "BHI-TIME-008",
        "99484 dated 2026-02-10, before its 20 minutes were reached on 2026-02-19",
    )

    onboard(p, "P063", 63, DR, "BHI")
    bhi_plan(p, "P063", date(2026, 1, 5))
    for n, day in enumerate((4, 18), start=1):
        p.add(
            "time_entries",
            entry_id=p.next_id("T"),
            patient_id="P063",
            staff_id=RN,
            date=date(2026, 3, day).isoformat(),
            minutes=13,
            program="BHI",
            start_time=f"1{n}:00",
            end_time=f"1{n}:13",
        )
    p.phq9("P063", date(2026, 3, 6), 9, RN)
    p.claim("P063", DR, 2026, 3, [("99484", 1)], diagnoses="F41.1")
    p.defect(
        "P063",
        None,
        "BHI-DOC-001",
        "time entries with no activity narrative (who and how long, but not what)",
    )

    onboard(p, "P064", 64, DR, "BHI", elements="cost_sharing;consult_specialists")
    bhi_plan(p, "P064", date(2026, 1, 5))
    general_bhi(p, "P064", jan, 26)
    p.defect(
        "P064",
        None,
        "BHI-CONS-003",
        "consent without the right-to-stop and one-practitioner statements",
        level="info",
    )

    onboard(p, "P065", 65, DR, "COCM")
    cocm_patient(p, "P065", date(2026, 1, 2), consultant=CONSULTANT_UNQUALIFIED)
    cocm_month(p, "P065", jan, 50, [("99492", 1)], score=18)
    reviewed[jan].append("P065")
    p.defect(
        "P065",
        "2026-01",
        "BHI-COCM-001",
        "the patient's psychiatric consultant cannot prescribe and is not trained in psychiatry",
    )

    onboard(p, "P066", 66, DR, "COCM")
    cocm_patient(p, "P066", date(2026, 2, 2), registry=False)
    cocm_month(p, "P066", feb, 50, [("99492", 1)], score=18)
    reviewed[feb].append("P066")
    p.defect("P066", "2026-02", "BHI-COCM-002", "CoCM billed for a patient not on the registry")
    p.defect(
        "P066",
        "2026-02",
        "BHI-COCM-004",
        "consequence: with no registry enrollment, no care manager is designated",
    )

    onboard(p, "P067", 67, DR, "COCM")
    cocm_patient(p, "P067", date(2026, 2, 2), bhcm=BHCM_UNTRAINED)
    cocm_month(p, "P067", feb, 50, [("99492", 1)], bhcm=BHCM_UNTRAINED, score=18)
    reviewed[feb].append("P067")
    p.defect(
        "P067",
        "2026-02",
        "BHI-COCM-004",
        "the care manager has no behavioral-health education or training",
    )

    onboard(p, "P068", 68, DR, "COCM")
    cocm_patient(p, "P068", date(2026, 3, 2), plan_reviewed=False)
    cocm_month(p, "P068", mar, 50, [("99492", 1)], score=18)
    reviewed[mar].append("P068")
    p.defect(
        "P068",
        "2026-03",
        "BHI-COCM-005",
        "initial month without the psychiatric consultant's review of the treatment plan",
    )

    onboard(p, "P069", 69, DR, "COCM")
    cocm_patient(p, "P069", date(2026, 1, 2))
    cocm_month(p, "P069", jan, 50, [("99492", 1)], score=18)
    cocm_month(p, "P069", feb, 45, [("99493", 1)], score=None)
    reviewed[jan].append("P069")
    reviewed[feb].append("P069")
    p.defect(
        "P069",
        "2026-02",
        "BHI-COCM-006",
        "subsequent month with no rating scale to monitor outcomes (warning)",
    )
    p.defect(
        "P069",
        "2026-02",
        "BHI-COCM-002",
        "consequence: with no rating scale, nothing tracks the patient on the registry",
    )

    onboard(p, "P070", 70, DR, "BHI")
    bhi_plan(p, "P070", date(2026, 1, 5))
    for m, score in zip(MONTHS, (15, 15, 14), strict=True):
        year, mon = m
        p.spread("P070", RN, year, mon, 25, "BHI", start_hour=10)
        p.phq9("P070", date(year, mon, 6), score, RN)
        p.claim("P070", DR, year, mon, [("99484", 1)], diagnoses="F41.1")
    for month in ("2026-02", "2026-03"):
        p.defect(
            "P070",
            month,
            "BHI-GEN-001",
            "PHQ-9 15 -> 15 -> 14: no improvement, care plan never revised (warning)",
        )

    onboard(p, "P071", 71, DR, "BHI")
    p.add(
        "care_plans",
        care_plan_id=p.next_id("PLAN"),
        patient_id="P071",
        program="BHI",
        created="2026-01-05",
    )
    general_bhi(p, "P071", jan, 27)
    p.defect(
        "P071",
        "2026-01",
        "BHI-GEN-002",
        "no designated care-team member on the care plan (warning)",
    )

    onboard(p, "P072", 72, DR, "BHI")
    bhi_plan(p, "P072", date(2026, 1, 5))
    general_bhi(p, "P072", jan, 25)
    p.spread("P072", RN, 2026, 2, 26, "BHI", start_hour=10)
    p.phq9("P072", date(2026, 2, 6), 9, RN)
    p.defect(
        "P072",
        "2026-02",
        "BHI-PAY-002",
        "26 BHI minutes logged in February and nothing billed",
        level="info",
    )


def unit_defects(p: Practice, reviewed: dict[tuple[int, int], list[str]]) -> None:
    """Units over the fallback MUE limits (BHI-NCCI-002)."""
    onboard(p, "P073", 73, DR, "COCM")
    cocm_patient(p, "P073", date(2026, 1, 2))
    cocm_month(p, "P073", (2026, 1), 150, [("99492", 1), ("99494", 3)], score=20)
    reviewed[(2026, 1)].append("P073")
    p.defect(
        "P073",
        "2026-01",
        "BHI-NCCI-002",
        "99494 x3 (150 minutes support 3) over the unverified 2-unit fallback (warning)",
    )


def revision_2026_12_02_defects(p: Practice) -> None:
    """Verdicts the rulebook revision of 2 Dec 2026 changed (§3.11z, §5.1f, §8 D16)."""
    feb = (2026, 2)

    simple_bhi(p, "P074", 74, feb, [("99484", 1)], billing=MA)
    p.defect(
        "P074",
        "2026-02",
        "BHI-PRAC-001",
        "99484 billed by a medical assistant, whom the roster lists as clinical staff (§3.11z)",
    )

    simple_bhi(p, "P075", 75, feb, [("99484", 1)], diagnoses="E11.9")
    p.defect(
        "P075",
        "2026-02",
        "BHI-DX-001",
        "the claim's only diagnosis is E11.9: no behavioral diagnosis at all (§5.1f)",
    )

    # NOTE: like onboard(), but the only initiating visit is a TCM (99495).
    p.patient("P076", 76)
    p.visit("P076", date(2025, 11, 20), "99495", DR)
    p.consent("P076", "BHI", date(2025, 12, 15), DR, DR, ALL_CONSENT_ELEMENTS)
    bhi_plan(p, "P076", date(2026, 1, 5))
    p.spread("P076", RN, 2026, 2, 25, "BHI", start_hour=10)
    p.phq9("P076", date(2026, 2, 6), 12, RN)
    p.claim("P076", DR, 2026, 2, [("99484", 1)], diagnoses="F41.1")
    p.defect(
        "P076",
        None,
        "BHI-INIT-002",
        "the only initiating visit is a TCM (99495), accepted but graded M (warning, D16)",
    )


def write(p: Practice) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "json").mkdir(exist_ok=True)
    document: dict[str, Any] = {}
    for kind, columns in COLUMNS.items():
        with (OUT / f"{kind}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(p.rows[kind])
        document[kind] = [{k: v for k, v in row.items() if v != ""} for row in p.rows[kind]]
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    (OUT / "json" / "sample_practice.json").write_text(text, encoding="utf-8")
    write_readme(p)


def write_readme(p: Practice) -> None:
    lines = [
        "# sample_claims — a synthetic practice",
        "",
        "Generated by `python scripts/build_sample_claims.py`; do not edit by hand. Every name,",
        "date of birth, Medicare id and NPI here is invented. The same records are here as a CSV",
        "bundle (the `*.csv` files) and as one JSON document (`json/sample_practice.json`).",
        "",
        "Three months of service (January to March 2026); the `period` record states that the",
        "records cover 2025-01-01 to 2026-03-31, so one year of history is visible for January.",
        "",
        "## Clean patients",
        "",
        "| patient | what it shows |",
        "|---|---|",
    ]
    lines += [f"| {pid} | {what} |" for pid, what in p.clean]
    lines += [
        "",
        "## Seeded defects",
        "",
        "`bhi-audit check sample_claims` must report each of these (and exits 1).",
        "",
        "| patient | month | check | defect |",
        "|---|---|---|---|",
    ]
    for pid, month, check, what, level in p.defects:
        suffix = " (info)" if level == "info" else ""
        lines.append(f"| {pid} | {month or '(patient)'} | {check} | {what}{suffix} |")
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "expected_defects.json").write_text(
        json.dumps(
            [
                {"patient_id": a, "month": b, "check_id": c, "defect": d, "level": e}
                for a, b, c, d, e in p.defects
            ],
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    write(build())
