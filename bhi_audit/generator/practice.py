"""A clean synthetic practice, patient by patient: the ground the defect injector works on.

Why clean by construction: the generator's promise is "every injected defect is found, and no
error where none was injected". So every clean patient-month here satisfies the whole rulebook:
consent (all elements) before the first service, an initiating visit in the year before, time
logged by the right staff on distinct clock times, codes on the §2.4 ladder, weekly caseload
reviews, registry enrollment, rating scales that improve, care plans reviewed, POS 11, a
behavioral diagnosis pointed to by every BHI/CoCM line.

Each patient is drawn from its own seeded random stream (seed + patient id), so a patient's
records do not depend on how many other patients there are, and the same seed gives the
same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bhi_audit.models import npi_check_digit
from bhi_audit.months import Month

Row = dict[str, Any]
Emit = Callable[[str, Row], None]

FIRST = [
    "Alder",
    "Briar",
    "Cedar",
    "Dune",
    "Ember",
    "Fennel",
    "Garnet",
    "Heath",
    "Iris",
    "Juniper",
    "Kestrel",
    "Larch",
    "Moss",
    "Nettle",
    "Onyx",
    "Pike",
    "Quill",
    "Rowan",
    "Sorrel",
    "Thistle",
    "Umber",
    "Vale",
    "Willow",
    "Yarrow",
    "Zinnia",
    "Aster",
    "Bramble",
    "Clover",
    "Dell",
    "Fern",
]
LAST = [
    "Testwood",
    "Samplefield",
    "Mockridge",
    "Fakeley",
    "Placeholm",
    "Dummerton",
    "Notreal",
    "Synthby",
    "Madeupson",
    "Fictor",
]
ELEMENTS = "cost_sharing;consult_specialists;right_to_stop;one_practitioner"
CHARGE = {
    "99484": 75,
    "99492": 190,
    "99493": 170,
    "99494": 80,
    "G2214": 80,
    "G0323": 75,
    "99490": 85,
    "G0557": 110,
    "G0570": 55,
    "G0553": 60,
}
#: The programs a patient can be in, with the share of patients, in draw order. "APCM" bills
#: G0557 with its behavioral add-on G0570; "RHC" bills 99484 on a rural health clinic's
#: institutional claim (TOB 711, revenue 0521); "CCM" is chronic care management alone.
PROGRAMS = (
    ("COCM", 0.40),
    ("BHI", 0.25),
    ("BHI+CCM", 0.12),
    ("G0323", 0.05),
    ("APCM", 0.06),
    ("RHC", 0.05),
    ("BHI+DMHT", 0.03),
    ("CCM", 0.04),
)


def npi_with_check_digit(base9: str) -> str:
    """A made-up NPI: nine digits plus their check digit."""
    return base9 + str(npi_check_digit(base9))


def wednesdays(month: Month) -> list[date]:
    """The Wednesdays of ``month``: the days the consultant reviews the caseload."""
    day = month.first_day
    while day.weekday() != 2:
        day += timedelta(days=1)
    weeks = []
    while day.month == month.month:
        weeks.append(day)
        day += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Roster:
    """Staff sized to the practice."""

    practitioners: tuple[str, ...]
    bhcms: tuple[str, ...]
    clinical: tuple[str, ...]
    consultants: tuple[str, ...]
    social_workers: tuple[str, ...]
    #: A care manager still in training (bh_training false): clean data never names them.
    trainee_bhcm: str = "CM900"
    #: A psychologist on the consult rota who cannot prescribe: not a qualified CoCM consultant.
    unqualified_consultant: str = "PSY900"
    #: A nurse contracted through another group (G-CONTRACT), not the billing group.
    contract_nurse: str = "RN900"

    @classmethod
    def for_patients(cls, patients: int) -> Roster:
        """About one practitioner per 400 patients, one care manager per 150, and so on."""

        def ids(prefix: str, count: int) -> tuple[str, ...]:
            return tuple(f"{prefix}{i:03d}" for i in range(1, max(1, count) + 1))

        return cls(
            practitioners=ids("DR", patients // 400 + 1),
            bhcms=ids("CM", patients // 150 + 1),
            clinical=ids("RN", patients // 300 + 1),
            consultants=ids("PSY", patients // 2000 + 1),
            social_workers=ids("SW", patients // 1000 + 1),
        )

    def rows(self) -> list[Row]:
        """The staff records."""
        rows: list[Row] = []
        groups: tuple[tuple[tuple[str, ...], str, str, str, dict[str, str]], ...] = (
            (self.practitioners, "billing_practitioner", "physician", "MD", {}),
            (self.bhcms, "bhcm", "clinical_social_worker", "LCSW", {"bh_training": "true"}),
            (self.clinical, "clinical_staff", "other", "RN", {}),
            (
                self.consultants,
                "psychiatric_consultant",
                "physician",
                "MD, psychiatry",
                {"full_psych_prescriber": "true", "psychiatry_trained": "true"},
            ),
            (
                self.social_workers,
                "billing_practitioner",
                "clinical_social_worker",
                "LCSW",
                {"bh_training": "true"},
            ),
        )
        groups += (
            ((self.trainee_bhcm,), "bhcm", "other", "MSW", {"bh_training": "false"}),
            (
                (self.unqualified_consultant,),
                "psychiatric_consultant",
                "clinical_psychologist",
                "PhD",
                {"full_psych_prescriber": "false", "psychiatry_trained": "false"},
            ),
            ((self.contract_nurse,), "clinical_staff", "other", "RN", {}),
        )
        serial = 100000000
        for staff_ids, role, ptype, credential, extra in groups:
            for staff_id in staff_ids:
                serial += 1
                rows.append(
                    {
                        "staff_id": staff_id,
                        "name": f"{FIRST[serial % len(FIRST)]} {LAST[serial % len(LAST)]}",
                        "npi": npi_with_check_digit(str(serial)),
                        "roles": role,
                        "practitioner_type": ptype,
                        "credential": credential,
                        "group_id": "G-CONTRACT" if staff_id == self.contract_nurse else "G-MAIN",
                        "active_from": "2015-01-01",
                        **extra,
                    }
                )
        return rows


@dataclass
class MonthPlan:
    """What happens for one patient in one month (before any defect)."""

    month: Month
    program: str  # one of PROGRAMS
    minutes: int
    initial: bool = False
    ccm_minutes: int = 0
    dmht_minutes: int = 0
    score: int = 10
    short: bool = False  # a subsequent CoCM month billed as G2214 (exactly 30 minutes)


@dataclass
class PatientPlan:
    """One patient's whole timeline, drawn from its own random stream."""

    patient_id: str
    index: int
    program: str
    practitioner: str
    staff: str  # the care manager, nurse or social worker who logs the time
    consultant: str
    months: list[MonthPlan] = field(default_factory=list)


def month_minutes(rng: random.Random, program: str, initial: bool) -> int:
    """Minutes on the §2.4 ladder, away from every boundary so clean months stay clean."""
    if program == "COCM":
        return rng.choice(
            [rng.randint(40, 80), rng.randint(90, 110)]
            if initial
            else [rng.randint(35, 70), rng.randint(80, 100)]
        )
    return rng.randint(22, 45)


def plan_patient(seed: int, index: int, months: list[Month], roster: Roster) -> PatientPlan:
    """Draw a patient's program, team and active months."""
    rng = random.Random(f"{seed}:{index}")
    pid = f"P{index:06d}"
    roll = rng.random()
    program = PROGRAMS[-1][0]
    for name, share in PROGRAMS:
        if roll < share:
            program = name
            break
        roll -= share
    if program == "G0323":
        practitioner = rng.choice(roster.social_workers)
        staff = practitioner
    else:
        practitioner = rng.choice(roster.practitioners)
        staff = rng.choice(roster.bhcms if program == "COCM" else roster.clinical)
    plan = PatientPlan(pid, index, program, practitioner, staff, rng.choice(roster.consultants))
    start = rng.randrange(len(months))
    length = rng.randint(1, len(months) - start)
    active = list(range(start, start + length))
    if program == "COCM" and start + length + 6 < len(months) and rng.random() < 0.5:
        restart = start + length + 6 + rng.randrange(len(months) - start - length - 6)
        active += list(range(restart, len(months)))  # lapse of >= 6 months, new episode
    score = rng.randint(15, 22)
    previous = None
    for i in active:
        initial = program == "COCM" and (previous is None or i - previous - 1 >= 6)
        minutes = month_minutes(rng, program, initial)
        # NOTE: G2214 at exactly 30 minutes: at or above the warning line of D1 (rulebook §2.5)
        # and below 99493's 31, so neither BHI-TIME-004 nor BHI-TIME-005 has anything to say.
        short = program == "COCM" and not initial and rng.random() < 0.15
        plan.months.append(
            MonthPlan(
                month=months[i],
                program=program,
                minutes=30 if short else minutes,
                initial=initial,
                ccm_minutes=rng.randint(22, 40) if program == "BHI+CCM" else 0,
                dmht_minutes=rng.randint(22, 38) if program == "BHI+DMHT" else 0,
                score=score,
                short=short,
            )
        )
        score = max(3, score - rng.randint(5, 7))  # improving: no care-plan revision due
        previous = i
    return plan


def cocm_codes(minutes: int, initial: bool) -> list[tuple[str, int]]:
    """The codes the §2.4 ladder gives for a CoCM month."""
    base, first = (70, "99492") if initial else (60, "99493")
    extra = minutes - base - 16
    units = 0 if extra < 0 else extra // 30 + 1
    return [(first, 1)] + ([("99494", units)] if units else [])
