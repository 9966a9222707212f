"""The sample practice (``sample_claims/``): the product's demo and its end-to-end test.

Each patient is one scenario: a clean case, a boundary, or one seeded defect with every
finding a correct audit must report for it (``expect``). ``write_sample(OUT)`` writes it;
``scripts/build_sample_claims.py`` rewrites ``sample_claims/`` with it, and
``tests/test_sample_claims.py`` checks the checked-in folder is exactly what it writes.

Everything is synthetic: names come from the generator's list of invented names, NPIs are
made-up numbers with a valid check digit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from bhi_audit.generator.practice import npi_with_check_digit as npi
from bhi_audit.generator.scenarios import (
    BhiPlan,
    Claim,
    CocmEnroll,
    CocmMonth,
    Consent,
    Expect,
    GeneralBhi,
    Listed,
    Onboard,
    Patient,
    Phq9,
    Scenario,
    ScenarioPractice,
    SimpleBhi,
    Spread,
    StaffMember,
    Step,
    Time,
    Visit,
    write_practice,
)
from bhi_audit.months import Month

JAN, FEB, MAR = Month(2026, 1), Month(2026, 2), Month(2026, 3)

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

STAFF = (
    StaffMember(DR, "Avery Adams", npi("100000001"), "billing_practitioner", "physician", "MD"),
    StaffMember(
        NP, "Blair Brooks", npi("100000002"), "billing_practitioner", "nurse_practitioner", "NP"
    ),
    StaffMember(BHCM, "Casey Chen", "", "bhcm", "other", "LCSW", bh_training="true"),
    StaffMember(BHCM2, "Dana Diaz", "", "bhcm", "other", "RN", bh_training="true"),
    StaffMember(RN, "Emery Evans", "", "clinical_staff", "other", "RN"),
    StaffMember(MA, "Finley Fox", "", "clinical_staff", "other", "MA"),
    StaffMember(
        RN_OTHER_GROUP, "Ira Ives", "", "clinical_staff", "other", "RN", group_id="G-NORTH"
    ),
    StaffMember(
        CONSULTANT_UNQUALIFIED,
        "Jules King",
        "",
        "psychiatric_consultant",
        "other",
        "RN",
        full_psych_prescriber="false",
        psychiatry_trained="false",
    ),
    StaffMember(BHCM_UNTRAINED, "Kai Lane", "", "bhcm", "other", "MA", bh_training="false"),
    StaffMember(
        PSY,
        "Gray Grant",
        npi("100000007"),
        "psychiatric_consultant",
        "physician",
        "MD, psychiatry",
        full_psych_prescriber="true",
        psychiatry_trained="true",
    ),
    StaffMember(
        CSW,
        "Harper Hall",
        npi("100000008"),
        "billing_practitioner",
        "clinical_social_worker",
        "LCSW",
        bh_training="true",
    ),
)
CHARGES = {
    "99484": 75,
    "99492": 190,
    "99493": 170,
    "99494": 80,
    "G2214": 80,
    "G0323": 75,
    "99490": 85,
}
PLAN_DAY = date(2026, 1, 5)
#: The claim of a patient in both general BHI and CCM: a behavioral and two chronic diagnoses.
BHI_CCM_DX, BHI_CCM_POINTERS = "F33.1;E11.9;I10", "1;2;3"


def _general_bhi_clean(pid: str, index: int, minutes: tuple[int, int, int]) -> Scenario:
    qmb = pid == "P003"
    note = " (a QMB: BHI-COST-001's info note)" if qmb else ""
    return Scenario(
        pid,
        (
            Onboard(DR, "BHI", qmb=qmb),
            BhiPlan(RN),
            *(GeneralBhi(m, n, DR, RN) for m, n in zip((JAN, FEB, MAR), minutes, strict=True)),
        ),
        shows=f"general BHI 99484, 22-30 minutes a month, Jan-Mar{note}",
        index=index,
    )


def _cocm_clean(pid: str, initial_minutes: int) -> Scenario:
    return Scenario(
        pid,
        (
            Onboard(DR, "COCM"),
            CocmEnroll(date(2026, 1, 2), BHCM, PSY),
            CocmMonth(JAN, initial_minutes, (("99492", 1),), DR, BHCM, score=18),
            CocmMonth(FEB, 45, (("99493", 1),), DR, BHCM, score=13),
            CocmMonth(MAR, 40, (("99493", 1),), DR, BHCM, score=9),
        ),
        shows="CoCM 99492 in January, 99493 in February and March",
    )


def _cocm(
    pid: str,
    start: date,
    *steps: Step,
    billing: str = DR,
    expect: tuple[Expect, ...] = (),
    kind: str | None = None,
    onboard: Onboard | None = None,
    enroll: CocmEnroll | None = None,
) -> Scenario:
    """The common CoCM patient: onboarded by ``billing``, enrolled at ``start``."""
    return Scenario(
        pid,
        (
            onboard or Onboard(billing, "COCM"),
            enroll or CocmEnroll(start, BHCM, PSY),
            *steps,
        ),
        expect=expect,
        kind=kind,
    )


def _month(
    month: Month, minutes: int, *lines: tuple[str, int], score: int | None = 14
) -> CocmMonth:
    """A CoCM month billed by the physician, the usual care manager's minutes."""
    return CocmMonth(month, minutes, lines, DR, BHCM, score=score)


def _bhi(
    pid: str, month: Month, *lines: tuple[str, int], expect: Expect, kind: str | None = None
) -> Scenario:
    """A one-month general-BHI patient (``SimpleBhi``) seeding one defect."""
    return _one(pid, _simple(month, *lines), expect, kind)


def _simple(month: Month, *lines: tuple[str, int], **changes: Any) -> SimpleBhi:
    """``SimpleBhi`` billed by the physician, the nurse's minutes, with ``changes``."""
    return replace(SimpleBhi(month, lines, DR, RN), **changes)


def _one(pid: str, step: SimpleBhi, expect: Expect, kind: str | None = None) -> Scenario:
    return Scenario(pid, (step,), expect=(expect,), kind=kind)


CLEAN = (
    _general_bhi_clean("P001", 0, (25, 22, 30)),
    _general_bhi_clean("P002", 1, (25, 23, 30)),
    _general_bhi_clean("P003", 2, (25, 24, 30)),
    _cocm_clean("P010", 60),
    _cocm_clean("P011", 70),
    Scenario(
        "P012",
        (
            Onboard(NP, "COCM"),
            CocmEnroll(date(2026, 1, 2), BHCM2, PSY),
            CocmMonth(JAN, 86, (("99492", 1), ("99494", 1)), NP, BHCM2, score=20),
            CocmMonth(FEB, 76, (("99493", 1), ("99494", 1)), NP, BHCM2, score=15),
            CocmMonth(MAR, 31, (("99493", 1),), NP, BHCM2, score=10),
        ),
        shows="CoCM with 99494 at its boundaries (86 / 76 min) and 99493 at 31",
    ),
    Scenario(
        "P013",
        (
            Onboard(DR, "COCM"),
            CocmEnroll(date(2026, 2, 2), BHCM, PSY),
            _month(FEB, 32, ("G2214", 1), score=16),
            _month(MAR, 50, ("99493", 1), score=12),
        ),
        shows="CoCM starting with G2214 (32 min) in February, 99493 in March",
    ),
    Scenario(
        "P015",
        (
            Onboard(DR, "BHI;CCM"),
            BhiPlan(RN),
            *(
                step
                for month, score in ((JAN, 16), (FEB, 10), (MAR, 6))
                for step in (
                    Spread(RN, month, 24, "BHI", start_hour=10),
                    Spread(MA, month, 25, "CCM", start_hour=14),
                    Phq9(date(2026, month.month, 6), score, RN),
                    Claim(
                        DR,
                        month,
                        (("99484", 1), ("99490", 1)),
                        diagnoses=BHI_CCM_DX,
                        pointers=BHI_CCM_POINTERS,
                    ),
                )
            ),
        ),
        shows="general BHI and CCM in the same months, consents and minutes apart",
    ),
    Scenario(
        "P016",
        (
            Patient(),
            Visit(date(2025, 12, 1), "90791", CSW),
            Consent("BHI", date(2025, 12, 1), CSW, CSW),
            BhiPlan(CSW),
            *(GeneralBhi(m, 25, CSW, CSW, code="G0323") for m in (JAN, FEB, MAR)),
        ),
        shows="G0323 by a clinical social worker, 25 min of own time a month",
    ),
)

FIRST_DEFECTS = (
    Scenario(
        "P020",
        (Onboard(DR, "BHI", consent_day=None), BhiPlan(RN), GeneralBhi(JAN, 30, DR, RN)),
        expect=(Expect("2026-01", "BHI-CONS-001", "99484 billed with no BHI consent on file"),),
    ),
    _cocm(
        "P021",
        date(2026, 1, 2),
        _month(JAN, 50, ("99492", 1), score=17),
        onboard=Onboard(DR, "COCM", consent_day=date(2026, 1, 20)),
        expect=(
            Expect(
                "2026-01",
                "BHI-CONS-001",
                "CoCM consent obtained 2026-01-20, after the first service on 2026-01-03",
            ),
        ),
        kind="consent-after-first-service",
    ),
    _cocm(
        "P022",
        date(2026, 2, 2),
        CocmMonth(FEB, 55, (("99492", 1),), DR, BHCM, score=19, reviewed=False),
        expect=(
            Expect(
                "2026-02",
                "BHI-COCM-003",
                "99492 billed but no caseload review lists the patient; the consultant's review "
                "of the treatment plan is recorded, so a documentation gap (warning, rulebook "
                "§3.8a)",
            ),
        ),
    ),
    _cocm(
        "P023",
        date(2026, 1, 2),
        _month(JAN, 35, ("99492", 1), score=18),
        expect=(Expect("2026-01", "BHI-TIME-002", "99492 with 35 countable minutes (< 36)"),),
        kind="cocm-minutes-short",
    ),
    _cocm(
        "P024",
        date(2026, 1, 2),
        CocmMonth(JAN, 45, (("99492", 1),), NP, BHCM2, score=17),
        CocmMonth(FEB, 30, (("99493", 1),), NP, BHCM2, score=14),
        billing=NP,
        enroll=CocmEnroll(date(2026, 1, 2), BHCM2, PSY),
        expect=(Expect("2026-02", "BHI-TIME-002", "99493 with 30 countable minutes (< 31)"),),
        kind="cocm-minutes-short",
    ),
    Scenario(
        "P025",
        (Onboard(DR, "BHI"), BhiPlan(RN), GeneralBhi(FEB, 19, DR, RN)),
        expect=(Expect("2026-02", "BHI-TIME-001", "99484 with 19 countable minutes (< 20)"),),
        kind="bhi-minutes-short",
    ),
    _cocm(
        "P026",
        date(2026, 3, 2),
        _month(MAR, 100, ("99492", 1), ("99494", 2), score=21),
        expect=(
            Expect(
                "2026-03",
                "BHI-TIME-003",
                "99494 x2 with 100 countable minutes in an initial month (supports 1)",
            ),
        ),
        kind="addon-units-over",
    ),
    Scenario(
        "P027",
        (
            Onboard(DR, "BHI;COCM"),
            CocmEnroll(date(2026, 1, 2), BHCM, PSY),
            BhiPlan(RN),
            _month(JAN, 50, ("99492", 1), score=18),
            _month(FEB, 40, ("99493", 1), score=14),
            Spread(RN, FEB, 25, "BHI", start_hour=13),
            Claim(DR, FEB, (("99484", 1),), diagnoses="F41.1"),
        ),
        expect=(
            Expect(
                "2026-02",
                "BHI-EXCL-001",
                "99484 and 99493 in the same month by the same practitioner (error)",
            ),
        ),
        kind="bhi-with-cocm",
    ),
    Scenario(
        "P028",
        (
            Onboard(DR, "BHI;COCM"),
            Consent("BHI", date(2025, 12, 15), NP, NP),
            CocmEnroll(date(2026, 1, 2), BHCM, PSY),
            BhiPlan(MA),
            _month(JAN, 50, ("99492", 1), score=18),
            _month(FEB, 40, ("99493", 1), score=14),
            Spread(MA, FEB, 25, "BHI", start_hour=13),
            Claim(NP, FEB, (("99484", 1),), diagnoses="F41.1"),
        ),
        expect=(
            Expect(
                "2026-02",
                "BHI-EXCL-001",
                "99484 by one practitioner, 99493 by another in the same month (warning)",
            ),
            Expect(
                None,
                "BHI-INIT-002",
                "the initiating visit was by a colleague (S-ADAMS), not the NP who bills 99484",
            ),
        ),
    ),
    Scenario(
        "P029",
        (
            Onboard(DR, "BHI;CCM"),
            BhiPlan(RN),
            Spread(RN, MAR, 12, "BHI", start_hour=10),
            Time(
                RN,
                date(2026, 3, 27),
                20,
                "BHI;CCM",
                "care coordination",
                "coordinated cardiology and counseling referrals",
                start_hour=15,
            ),
            Spread(MA, MAR, 22, "CCM", start_hour=14),
            Phq9(date(2026, 3, 6), 12, RN),
            Claim(
                DR,
                MAR,
                (("99484", 1), ("99490", 1)),
                diagnoses=BHI_CCM_DX,
                pointers=BHI_CCM_POINTERS,
            ),
        ),
        expect=(
            Expect(
                "2026-03",
                "BHI-TIME-007",
                "one 20-minute entry logged to both BHI and CCM, which are both billed",
            ),
            Expect(
                None,
                "BHI-TIME-006",
                "the explanation: 32 min logged, 20 of them not countable (warning)",
            ),
            Expect(
                "2026-03",
                "BHI-TIME-001",
                "without the double-counted entry only 12 minutes count toward 99484",
            ),
        ),
        kind="minutes-counted-twice",
    ),
    Scenario(
        "P030",
        (
            Onboard(DR, "BHI"),
            BhiPlan(RN),
            Spread(RN, JAN, 25, "BHI", start_hour=10),
            Spread(MA, JAN, 24, "CCM", start_hour=14),
            Phq9(date(2026, 1, 6), 11, RN),
            Claim(
                DR,
                JAN,
                (("99484", 1), ("99490", 1)),
                diagnoses=BHI_CCM_DX,
                pointers=BHI_CCM_POINTERS,
            ),
        ),
        expect=(
            Expect("2026-01", "BHI-CONS-004", "99490 billed beside 99484 with no CCM consent"),
        ),
        kind="no-ccm-consent",
    ),
    _cocm(
        "P031",
        date(2026, 1, 2),
        _month(JAN, 45, ("99492", 1), score=18),
        Spread(BHCM, FEB, 20, "COCM", days=(3, 17)),
        Spread(PSY, FEB, 20, "COCM", days=(10, 24), start_hour=16),
        Phq9(date(2026, 2, 4), 14, BHCM),
        Claim(DR, FEB, (("99493", 1),), diagnoses="F32.1;F41.1", pointers="1;2"),
        Listed(FEB),
        expect=(
            Expect(
                "2026-02",
                "BHI-TIME-002",
                "40 minutes logged for 99493 but 20 are the psychiatric consultant's "
                "(20 countable)",
            ),
            Expect(
                None,
                "BHI-TIME-006",
                "the explanation: 20 of the 40 minutes are consultant time (warning)",
            ),
        ),
        kind="consultant-minutes-counted",
    ),
    Scenario(
        "P032",
        (
            Onboard(DR, "BHI"),
            BhiPlan(RN),
            Spread(RN, MAR, 25, "BHI", start_hour=10),
            Phq9(date(2026, 3, 6), 10, RN),
            Claim("S-ZZ-UNKNOWN", MAR, (("99484", 1),), diagnoses="F41.1"),
        ),
        expect=(
            Expect(
                None,
                "BHI-DATA-001",
                "claim billed by a practitioner who is not on the staff roster",
            ),
            Expect(
                "2026-03",
                "BHI-CONS-002",
                "consequence: the consent on file names another billing practitioner (warning)",
            ),
            Expect(
                None,
                "BHI-INIT-001",
                "consequence: no initiating visit by the unknown practitioner or their group",
            ),
        ),
        kind="unknown-billing-practitioner",
    ),
)

RULEBOOK_DEFECTS = (
    _bhi(
        "P040",
        FEB,
        ("G0507", 1),
        expect=Expect("2026-02", "BHI-CODE-001", "G0507 (retired after 2017) billed in 2026"),
        kind="retired-code",
    ),
    _one(
        "P041",
        _simple(JAN, ("G0511", 1), institutional=True),
        Expect(
            "2026-01",
            "BHI-CODE-002",
            "RHC claim (TOB 711) billing G0511 in 2026, after its end date",
        ),
        kind="rhc-retired-code",
    ),
    _one(
        "P042",
        _simple(FEB, ("99484", 1), diagnoses="F32"),
        Expect(
            "2026-02",
            "BHI-DX-001",
            "the only diagnosis is F32, a category header, not a billable code",
        ),
    ),
    # NOTE: the claim carries F32.1 too; with Z63.0 alone it would have no behavioral
    # diagnosis at all, BHI-DX-001's error since the rulebook revision of 2 Dec 2026 (§5.1f).
    _one(
        "P043",
        _simple(FEB, ("99484", 1), diagnoses="Z63.0;F32.1"),
        Expect(
            "2026-02",
            "BHI-DX-002",
            "99484 points only to Z63.0 (outside F01-F99, not allow-listed), not to the "
            "claim's F32.1",
        ),
        kind="pointer-to-non-behavioral-diagnosis",
    ),
    _cocm(
        "P044",
        date(2026, 1, 2),
        _month(JAN, 50, ("99492", 1), score=18),
        _month(FEB, 50, ("99493", 1), ("G2214", 1), score=14),
        expect=(Expect("2026-02", "BHI-EXCL-002", "G2214 billed with 99493 in the same month"),),
        kind="g2214-with-cocm-base",
    ),
    _cocm(
        "P045",
        date(2026, 1, 2),
        _month(JAN, 50, ("99492", 1), score=18),
        _month(FEB, 50, ("99492", 1), score=14),
        expect=(
            Expect(
                "2026-02",
                "BHI-EXCL-003",
                "99492 in February, one month after the episode began in January",
            ),
        ),
    ),
    _cocm(
        "P046",
        date(2026, 3, 2),
        _month(MAR, 90, ("99494", 1), score=18),
        expect=(Expect("2026-03", "BHI-EXCL-004", "99494 billed without 99492 or 99493"),),
        kind="addon-without-base",
    ),
    Scenario(
        "P047",
        (_simple(MAR, ("99484", 1)), Claim(DR, MAR, (("99484", 1),), diagnoses="F41.1")),
        expect=(
            Expect(
                "2026-03",
                "BHI-EXCL-005",
                "99484 billed twice for the same month by the same practitioner",
            ),
        ),
        kind="monthly-code-twice",
    ),
    Scenario(
        "P048",
        (
            Onboard(DR, "APCM;CCM"),
            Spread(MA, FEB, 25, "CCM", start_hour=14),
            Claim(DR, FEB, (("G0557", 1), ("99490", 1)), diagnoses="E11.9;I10", pointers="1;2"),
        ),
        expect=(
            Expect(
                "2026-02",
                "BHI-EXCL-006",
                "CCM 99490 billed with APCM G0557 by the same practitioner",
            ),
        ),
        kind="apcm-bundled-ccm",
    ),
    _one(
        "P049",
        _simple(FEB, ("G0570", 1), minutes=0),
        Expect("2026-02", "BHI-EXCL-007", "APCM add-on G0570 without an APCM base code"),
        kind="apcm-addon-without-base",
    ),
    # NOTE: the 99492 beside its twin G0568 is BHI-EXCL-008's defect only (reported once).
    _cocm(
        "P050",
        date(2026, 3, 2),
        _month(MAR, 50, ("G0557", 1), ("G0568", 1), ("99492", 1), score=18),
        onboard=Onboard(DR, "APCM;COCM"),
        expect=(
            Expect("2026-03", "BHI-EXCL-008", "APCM add-on G0568 billed with its mirror 99492"),
        ),
        kind="apcm-addon-with-mirror",
    ),
    _one(
        "P051",
        _simple(MAR, ("G0557", 1), ("99484", 1), programs="APCM;BHI"),
        Expect(
            "2026-03",
            "BHI-EXCL-009",
            "stand-alone 99484 billed with APCM by the same practitioner (warning)",
        ),
        kind="standalone-bhi-with-apcm",
    ),
    Scenario(
        "P052",
        (
            _simple(FEB, ("99484", 1)),
            Consent("BHI", date(2025, 12, 20), CSW, CSW),
            Visit(date(2025, 12, 20), "90791", CSW),
            Spread(CSW, FEB, 25, "BHI", days=(7, 14), start_hour=15),
            Claim(CSW, FEB, (("G0323", 1),), diagnoses="F41.1"),
        ),
        expect=(
            Expect(
                "2026-02",
                "BHI-EXCL-010",
                "G0323 by a social worker in the same month as 99484 by the physician (warning)",
            ),
        ),
        kind="g0323-with-99484",
    ),
    _one(
        "P053",
        _simple(
            MAR,
            ("99484", 1),
            ("99490", 1),
            programs="BHI;CCM",
            diagnoses=BHI_CCM_DX,
            pointers=BHI_CCM_POINTERS,
        ),
        Expect(
            "2026-03",
            "BHI-EXCL-011",
            "CCM billed beside 99484 with no CCM time log to prove the minutes are separate",
        ),
        kind="ccm-time-missing",
    ),
    _one(
        "P054",
        _simple(JAN, ("99484", 1), billing=CSW),
        Expect(
            "2026-01",
            "BHI-PRAC-001",
            "99484 billed by a clinical social worker (who must bill G0323)",
        ),
    ),
    _one(
        "P055",
        _simple(FEB, ("99484", 1), staff=RN_OTHER_GROUP),
        Expect(
            "2026-02",
            "BHI-PRAC-002",
            "the BHI minutes were logged by a nurse of another group (incident-to risk)",
        ),
        kind="time-by-other-group",
    ),
    _one(
        "P056",
        _simple(MAR, ("99484", 1), pos="02"),
        Expect("2026-03", "BHI-POS-001", "99484 billed with telehealth POS 02 (warning)"),
        kind="telehealth-place-of-service",
    ),
    _one(
        "P057",
        _simple(MAR, ("G0552", 1), ("G0553", 1), plan=False, program="DMHT"),
        Expect(
            "2026-03",
            "BHI-DMHT-001",
            "G0553 billed with no behavioral health care plan in place (G0552, contractor-priced, "
            "also gets BHI-PAY-001's info note: no national rate)",
        ),
    ),
)

PROCESS_DEFECTS = (
    _cocm(
        "P060",
        date(2026, 1, 2),
        _month(JAN, 50, ("99492", 1), score=18),
        _month(FEB, 20, ("G2214", 1), score=12),
        expect=(
            Expect(
                "2026-02",
                "BHI-TIME-004",
                "G2214 with 20 countable minutes, under the strict 30-minute reading (warning, D1)",
            ),
        ),
        kind="g2214-minutes-short",
    ),
    _cocm(
        "P061",
        date(2026, 3, 2),
        _month(MAR, 95, ("99492", 1), score=19),
        expect=(
            Expect(
                "2026-03",
                "BHI-TIME-005",
                "95 minutes in an initial month support 99492 + 99494, billed without 99494",
                level="info",
            ),
        ),
        kind="addon-under-billed",
    ),
    Scenario(
        "P062",
        (
            Onboard(DR, "BHI"),
            BhiPlan(RN),
            Spread(RN, FEB, 28, "BHI", start_hour=10),
            Phq9(date(2026, 2, 6), 12, RN),
            Claim(DR, FEB, (("99484", 1),), diagnoses="F41.1", day=10),
        ),
        expect=(
            Expect(
                "2026-02",
                "BHI-TIME-008",
                "99484 dated 2026-02-10, before its 20 minutes were reached on 2026-02-19",
            ),
        ),
        kind="dos-before-threshold",
    ),
    Scenario(
        "P063",
        (
            Onboard(DR, "BHI"),
            BhiPlan(RN),
            Time(RN, date(2026, 3, 4), 13, "BHI", start="11:00"),
            Time(RN, date(2026, 3, 18), 13, "BHI", start="12:00"),
            Phq9(date(2026, 3, 6), 9, RN),
            Claim(DR, MAR, (("99484", 1),), diagnoses="F41.1"),
        ),
        expect=(
            Expect(
                None,
                "BHI-DOC-001",
                "time entries with no activity narrative (who and how long, but not what)",
            ),
        ),
        kind="time-entry-undocumented",
    ),
    Scenario(
        "P064",
        (
            Onboard(DR, "BHI", elements="cost_sharing;consult_specialists"),
            BhiPlan(RN),
            GeneralBhi(JAN, 26, DR, RN),
        ),
        expect=(
            Expect(
                None,
                "BHI-CONS-003",
                "consent without the right-to-stop and one-practitioner statements",
                level="info",
            ),
        ),
        kind="consent-best-practice-missing",
    ),
    _cocm(
        "P065",
        date(2026, 1, 2),
        _month(JAN, 50, ("99492", 1), score=18),
        enroll=CocmEnroll(date(2026, 1, 2), BHCM, CONSULTANT_UNQUALIFIED),
        expect=(
            Expect(
                "2026-01",
                "BHI-COCM-001",
                "the patient's psychiatric consultant cannot prescribe and is not trained in "
                "psychiatry",
            ),
        ),
        kind="consultant-not-qualified",
    ),
    _cocm(
        "P066",
        date(2026, 2, 2),
        _month(FEB, 50, ("99492", 1), score=18),
        enroll=CocmEnroll(date(2026, 2, 2), BHCM, PSY, registry=False),
        expect=(
            Expect("2026-02", "BHI-COCM-002", "CoCM billed for a patient not on the registry"),
            Expect(
                "2026-02",
                "BHI-COCM-004",
                "consequence: with no registry enrollment, no care manager is designated",
            ),
        ),
    ),
    _cocm(
        "P067",
        date(2026, 2, 2),
        CocmMonth(FEB, 50, (("99492", 1),), DR, BHCM_UNTRAINED, score=18),
        enroll=CocmEnroll(date(2026, 2, 2), BHCM_UNTRAINED, PSY),
        expect=(
            Expect(
                "2026-02",
                "BHI-COCM-004",
                "the care manager has no behavioral-health education or training",
            ),
        ),
        kind="care-manager-untrained",
    ),
    _cocm(
        "P068",
        date(2026, 3, 2),
        _month(MAR, 50, ("99492", 1), score=18),
        enroll=CocmEnroll(date(2026, 3, 2), BHCM, PSY, plan_reviewed=False),
        expect=(
            Expect(
                "2026-03",
                "BHI-COCM-005",
                "initial month without the psychiatric consultant's review of the treatment plan",
            ),
        ),
    ),
    _cocm(
        "P069",
        date(2026, 1, 2),
        _month(JAN, 50, ("99492", 1), score=18),
        _month(FEB, 45, ("99493", 1), score=None),
        expect=(
            Expect(
                "2026-02",
                "BHI-COCM-006",
                "subsequent month with no rating scale to monitor outcomes (warning)",
            ),
            Expect(
                "2026-02",
                "BHI-COCM-002",
                "consequence: with no rating scale, nothing tracks the patient on the registry",
            ),
        ),
        kind="subsequent-month-no-rating-scale",
    ),
    Scenario(
        "P070",
        (
            Onboard(DR, "BHI"),
            BhiPlan(RN),
            *(
                step
                for month, score in ((JAN, 15), (FEB, 15), (MAR, 14))
                for step in (
                    Spread(RN, month, 25, "BHI", start_hour=10),
                    Phq9(date(2026, month.month, 6), score, RN),
                    Claim(DR, month, (("99484", 1),), diagnoses="F41.1"),
                )
            ),
        ),
        expect=tuple(
            Expect(
                month,
                "BHI-GEN-001",
                "PHQ-9 15 -> 15 -> 14: no improvement, care plan never revised (warning)",
            )
            for month in ("2026-02", "2026-03")
        ),
        kind="bhi-plan-not-revised",
    ),
    Scenario(
        "P071",
        (Onboard(DR, "BHI"), BhiPlan(None), GeneralBhi(JAN, 27, DR, RN)),
        expect=(
            Expect(
                "2026-01",
                "BHI-GEN-002",
                "no designated care-team member on the care plan (warning)",
            ),
        ),
        kind="bhi-no-designated-member",
    ),
    Scenario(
        "P072",
        (
            Onboard(DR, "BHI"),
            BhiPlan(RN),
            GeneralBhi(JAN, 25, DR, RN),
            Spread(RN, FEB, 26, "BHI", start_hour=10),
            Phq9(date(2026, 2, 6), 9, RN),
        ),
        expect=(
            Expect(
                "2026-02",
                "BHI-PAY-002",
                "26 BHI minutes logged in February and nothing billed",
                level="info",
            ),
        ),
        kind="unbilled-month",
    ),
)

#: Units over the fallback MUE limits (BHI-NCCI-002).
UNIT_DEFECTS = (
    _cocm(
        "P073",
        date(2026, 1, 2),
        _month(JAN, 150, ("99492", 1), ("99494", 3), score=20),
        expect=(
            Expect(
                "2026-01",
                "BHI-NCCI-002",
                "99494 x3 (150 minutes support 3) over the unverified 2-unit fallback (warning)",
            ),
        ),
    ),
)

#: Verdicts the rulebook revision of 2 Dec 2026 changed (§3.11z, §5.1f, §8 D16).
REVISION_2026_12_02_DEFECTS = (
    _one(
        "P074",
        _simple(FEB, ("99484", 1), billing=MA),
        Expect(
            "2026-02",
            "BHI-PRAC-001",
            "99484 billed by a medical assistant, whom the roster lists as clinical staff (§3.11z)",
        ),
    ),
    _one(
        "P075",
        _simple(FEB, ("99484", 1), diagnoses="E11.9"),
        Expect(
            "2026-02",
            "BHI-DX-001",
            "the claim's only diagnosis is E11.9: no behavioral diagnosis at all (§5.1f)",
        ),
        kind="non-behavioral-diagnosis",
    ),
    # NOTE: like Onboard, but the only initiating visit is a TCM (99495).
    Scenario(
        "P076",
        (
            Patient(),
            Visit(date(2025, 11, 20), "99495", DR),
            Consent("BHI", date(2025, 12, 15), DR, DR),
            BhiPlan(RN),
            Spread(RN, FEB, 25, "BHI", start_hour=10),
            Phq9(date(2026, 2, 6), 12, RN),
            Claim(DR, FEB, (("99484", 1),), diagnoses="F41.1"),
        ),
        expect=(
            Expect(
                None,
                "BHI-INIT-002",
                "the only initiating visit is a TCM (99495), accepted but graded M (warning, D16)",
            ),
        ),
    ),
)

SAMPLE = ScenarioPractice(
    name="sample",
    folder="sample_claims",
    records_from=date(2025, 1, 1),
    records_to=date(2026, 3, 31),
    staff=STAFF,
    scenarios=(
        *CLEAN,
        *FIRST_DEFECTS,
        *RULEBOOK_DEFECTS,
        *PROCESS_DEFECTS,
        *UNIT_DEFECTS,
        *REVISION_2026_12_02_DEFECTS,
    ),
    consultant=PSY,
    bhcm=BHCM,
    charges=CHARGES,
    readme_title="# sample_claims — a synthetic practice",
    readme_intro=(
        "Generated from the scenarios in `bhi_audit/generator/sample.py` by",
        "`python scripts/build_sample_claims.py` (`bhi-audit generate --scenario sample --out",
        "DIR` writes the same files elsewhere); do not edit by hand. Every name, date of birth,",
        "Medicare id and NPI here is invented. The same records are here as a CSV bundle (the",
        "`*.csv` files) and as one JSON document (`json/sample_practice.json`).",
        "",
        "Three months of service (January to March 2026); the `period` record states that the",
        "records cover 2025-01-01 to 2026-03-31, so one year of history is visible for January.",
    ),
)


#: The scenario practices ``bhi-audit generate --scenario NAME`` writes, by name.
PRACTICES = {SAMPLE.name: SAMPLE}


def write_sample(out: Path) -> dict[str, int]:
    """Write the sample practice into ``out`` (``sample_claims/``); return records per kind."""
    return write_practice(SAMPLE, out)
