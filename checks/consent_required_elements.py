"""The BHI/CoCM consent records consultation with specialists and that cost sharing applies.

Why: consultation includes the psychiatric consultant; and the consent must be obtained by the
practitioner who bills. The CY2017 rule makes these two statements part of the advance consent
the billing practitioner must obtain and document before billing; a consent without them does
not support the claim. Consent is obtained once, not monthly, but a new consent is needed when
the billing practitioner changes (§3.2d2, graded M: a warning, not an error). Months with no
consent in force at all are BHI-CONS-001's finding, not this check's.
Source: rulebook §3.2a, §3.2d2, §8 D9 and §9 BHI-CONS-002; [S-FR17] (81 FR 80170); [S-FAQ];
[S-HANA] citing the BHI FAQ of 12/5/2023 Q16-17.
Passes: P1 2026-03, 99484 by D1; BHI consent of 2026-01-05 by D1 lists consult_specialists and
cost_sharing.
Fails: the consent lists only cost_sharing (error "missing-elements"); the consent names D2 as
billing practitioner while D1 bills (warning "other-practitioner").
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI, program_of
from bhi_audit.context import BilledLine, PatientMonth
from bhi_audit.models import Consent, ConsentElement, Program

ID = "BHI-CONS-002"
NAME = "consent-required-elements"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"missing-elements": "error", "other-practitioner": "warning"}
CODES = GENERAL_BHI | COCM_ALL
REQUIRES = (Consent,)
REQUIRED = (ConsentElement.CONSULT_SPECIALISTS, ConsentElement.COST_SHARING)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """Per billed program: one problem for missing elements, one for another practitioner."""
    for program in (Program.BHI, Program.COCM):
        lines = [b for b in month.lines if program_of(b.code) is program]
        if not lines:
            continue
        # NOTE: one verdict per billing practitioner: two practitioners may each hold a consent.
        firsts = {b.billing_practitioner: b for b in reversed(lines)}
        for practitioner, first in sorted(firsts.items(), key=lambda kv: kv[1].line.line_key):
            yield from _check_practitioner(month, program, first, practitioner)


def _check_practitioner(
    month: PatientMonth, program: Program, first: BilledLine, practitioner: str | None
) -> Iterator[Problem]:
    """Elements and practitioner of the consent that covers ``first``'s billing practitioner."""
    in_force = [c for c in month.consents_for(program) if c.in_force_on(first.date_of_service)]
    if not in_force:
        return  # no consent in force: BHI-CONS-001
    own = [c for c in in_force if c.billing_practitioner in (None, practitioner)]
    consent = (own or in_force)[-1]
    missing = [e.value for e in REQUIRED if e not in consent.elements]
    if missing:
        yield Problem(
            message=(
                f"{program.value} consent {consent.consent_id} ({consent.date_obtained}) does "
                f"not record {' or '.join(missing)}"
            ),
            record=first.line,
            field="consent.elements",
            evidence=(first.line, consent),
            facts={"consent_id": consent.consent_id, "missing": ", ".join(missing)},
            variant="missing-elements",
        )
    if not own and practitioner:
        yield Problem(
            message=(
                f"{program.value} consent {consent.consent_id} was obtained for "
                f"{consent.billing_practitioner}, but {practitioner} bills: a new consent is "
                "needed when the billing practitioner changes"
            ),
            record=first.line,
            field="consent.billing_practitioner",
            evidence=(first.line, consent),
            variant="other-practitioner",
        )
