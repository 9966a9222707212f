"""The billing practitioner's type may bill the code, and CoCM is not billed by the care team.

Why: 99484, CoCM (99492-99494, G2214) and the APCM add-ons are billed by the treating
physician or a nurse practitioner, physician assistant, clinical nurse specialist or certified
nurse-midwife; clinical psychologists, clinical social workers, mental health counselors and
marriage and family therapists cannot bill them and use G0323, which only they may bill. CoCM
is billed by the treating practitioner, never by the behavioral health care manager or the
psychiatric consultant: a staff member who is the patient's registered care manager or
consultant, or whom the roster gives one of those roles but not the billing-practitioner role,
may not bill it. Since the revision of 2 Dec 2026 (§3.11z) a roster that shows the billing
provider is not a billing practitioner at all (practitioner type ``non_billing``, or no
billing-practitioner role: clinical staff such as an MA or RN, the care manager, the
consultant) is an error for 99484, CoCM and the APCM add-ons too: the records say who the
person is. The G0323 start date for counselors and therapists (2024) is BHI-CODE-001's.
Not verifiable only when there is no roster, the billing NPI is not on it, or its entry has
the billing-practitioner role and practitioner type "other" (the default when none is given).
Source: rulebook §1.6, §3.11, §3.11z, §7.5.12 and §9 BHI-PRAC-001; [S-NGS-BHI]; [S-NGS-COCM];
[S-HCPCS]; NCTracks quoting CPT (BHCM/consultant, graded M).
Passes: 99484 by a physician; 99493 by a nurse practitioner; G0323 by a clinical social worker;
99484 by a psychiatrist who is a consultant and also has the billing-practitioner role.
Fails: 99484 by a clinical psychologist; G0323 by a physician; 99492 by the patient's
registered BHCM; 99493 by a psychiatric consultant; 99484 by an RN on the roster as clinical
staff, or by a staff member of type non_billing ("not-billing-practitioner").
Not verifiable: said by the check itself, not by REQUIRES, as no roster, a billing practitioner
not on it, or type "other" all leave the same question open and get one message.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import COCM_MONTH_CODES
from bhi_audit.codes import APCM_BH_ADDONS
from bhi_audit.context import LineUnit
from bhi_audit.models import PractitionerType, Role, Staff

ID = "BHI-PRAC-001"
NAME = "billing-practitioner-type"
SCOPE = "line"
DEFAULT_SEVERITY = "error"
SEVERITIES = {
    "type-not-allowed": "error",
    "care-team-role": "error",
    "not-billing-practitioner": "error",
}

_TREATING = frozenset(
    {
        PractitionerType.PHYSICIAN,
        PractitionerType.NURSE_PRACTITIONER,
        PractitionerType.PHYSICIAN_ASSISTANT,
        PractitionerType.CLINICAL_NURSE_SPECIALIST,
        PractitionerType.CERTIFIED_NURSE_MIDWIFE,
    }
)
_BEHAVIORAL = frozenset(
    {
        PractitionerType.CLINICAL_PSYCHOLOGIST,
        PractitionerType.CLINICAL_SOCIAL_WORKER,
        PractitionerType.MENTAL_HEALTH_COUNSELOR,
        PractitionerType.MARRIAGE_FAMILY_THERAPIST,
    }
)
_COCM_CODES = COCM_MONTH_CODES
ALLOWED: dict[str, frozenset[PractitionerType]] = {
    **dict.fromkeys({"99484", *_COCM_CODES, *APCM_BH_ADDONS}, _TREATING),
    "G0323": _BEHAVIORAL,
}
CODES = frozenset(ALLOWED)
#: Codes billed only by a treating practitioner: a roster entry that is not one fails (§3.11z).
_TREATING_CODES = frozenset(code for code, types in ALLOWED.items() if types == _TREATING)


def check(unit: LineUnit, options: None) -> Iterator[Problem]:
    """At most one problem per line: care-team role first, then practitioner type."""
    line = unit.line
    batch = unit.month.batch
    who = unit.billed.billing_practitioner
    member = batch.staff_member(who)
    if line.code in _COCM_CODES:
        # NOTE: the care-team role is known from the registry even when the practitioner
        # type is not, so it is judged first (a care manager billing CoCM is an error).
        role = _care_team_role(unit, who)
        if role:
            yield Problem(
                message=f"{line.code} billed by {who}, {role}; CoCM is billed by the treating "
                "practitioner",
                record=line,
                field="billing_practitioner",
                evidence=(line, member) if member is not None else (line,),
                variant="care-team-role",
            )
            return
    if member is not None and line.code in _TREATING_CODES:
        what = _not_a_billing_practitioner(member)
        if what:
            yield Problem(
                message=f"{line.code} billed by {who}, {what}: not a billing practitioner",
                record=line,
                field="billing_practitioner",
                evidence=(line, member),
                variant="not-billing-practitioner",
                facts={"practitioner_type": member.practitioner_type.value},
            )
            return
    if member is None or member.practitioner_type is PractitionerType.OTHER:
        if member is None:
            missing = "no staff roster" if not batch.provided("staff") else f"{who} not on it"
        else:
            missing = f"{who} has practitioner type 'other'"
        yield Problem(
            message=f"who may bill {line.code} not verifiable ({missing})",
            record=line,
            field="billing_practitioner",
            unverifiable=True,
        )
        return
    allowed = ALLOWED[line.code]
    if member.practitioner_type not in allowed:
        names = ", ".join(sorted(t.value.replace("_", " ") for t in allowed))
        yield Problem(
            message=f"{line.code} billed by {who} "
            f"({member.practitioner_type.value.replace('_', ' ')}); allowed: {names}",
            record=line,
            field="billing_practitioner",
            evidence=(line, member),
            variant="type-not-allowed",
            facts={"practitioner_type": member.practitioner_type.value},
        )


def _care_team_role(unit: LineUnit, who: str | None) -> str | None:
    for enrollment in unit.month.records.enrollments:
        if enrollment.bhcm_id == who:
            return "the patient's registered behavioral health care manager"
        if enrollment.consultant_id == who:
            return "the patient's registered psychiatric consultant"
    member = unit.month.batch.staff_member(who)
    if member is None or member.has_role(Role.BILLING_PRACTITIONER):
        return None
    if member.has_role(Role.PSYCHIATRIC_CONSULTANT):
        return "a psychiatric consultant on the roster"
    if member.has_role(Role.BHCM):
        return "a behavioral health care manager on the roster"
    return None


def _not_a_billing_practitioner(member: Staff) -> str | None:
    """What the roster says the member is, when that rules out billing (rulebook §3.11z)."""
    if member.practitioner_type is PractitionerType.NON_BILLING:
        return "practitioner type non_billing on the roster"
    if member.has_role(Role.BILLING_PRACTITIONER):
        return None
    if member.has_role(Role.PSYCHIATRIC_CONSULTANT):
        return "a psychiatric consultant on the roster"
    if member.has_role(Role.BHCM):
        return "a behavioral health care manager on the roster"
    return "clinical staff on the roster"
