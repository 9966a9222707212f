"""BHI/CoCM consents also record the right to stop and the one-practitioner notice (info).

Why: the right to stop takes effect at the end of the month; the one-practitioner notice says
only one practitioner can bill the service per month. Best practice, not a BHI requirement:
these two statements are required consent elements for CCM, PCM and APCM, not for BHI or
CoCM (the BHI rule text and the 2023 FAQ list only consultation and cost sharing). Recording
them anyway protects practices that run BHI beside CCM/APCM and makes a later stop or a change
of practitioner easy to document. Never an error (rulebook D9).
Source: rulebook §3.2d, §8 D9 and §9 BHI-CONS-003; [S-FR17]; [S-HANA].
Passes: P1's BHI consent lists right_to_stop and one_practitioner.
Fails: P1's BHI consent used for a billed month lists neither (one info per consent).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI, program_of
from bhi_audit.context import PatientRecords
from bhi_audit.models import Consent, ConsentElement, Program

ID = "BHI-CONS-003"
NAME = "consent-best-practice-elements"
SCOPE = "patient"
DEFAULT_SEVERITY = "info"
CODES = GENERAL_BHI | COCM_ALL
RECOMMENDED = (ConsentElement.RIGHT_TO_STOP, ConsentElement.ONE_PRACTITIONER)


def check(records: PatientRecords, options: None) -> Iterator[Problem]:
    """One problem per consent, used for a billed BHI/CoCM line, lacking either statement."""
    used: dict[str, Consent] = {}
    for billed in records.lines:
        program = program_of(billed.code)
        if program not in (Program.BHI, Program.COCM):
            continue
        in_force = [
            c
            for c in records.consents
            if program in c.programs and c.in_force_on(billed.date_of_service)
        ]
        if in_force:
            used.setdefault(in_force[-1].consent_id, in_force[-1])
    for consent in sorted(used.values(), key=lambda c: c.consent_id):
        missing = [e.value for e in RECOMMENDED if e not in consent.elements]
        if missing:
            yield Problem(
                message=(
                    f"consent {consent.consent_id} ({consent.date_obtained}) does not record "
                    f"{' or '.join(missing)} (best practice; required for CCM/PCM/APCM)"
                ),
                record=consent,
                field="elements",
                evidence=(consent,),
                facts={"missing": ", ".join(missing)},
            )
