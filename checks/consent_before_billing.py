"""Documented consent for the program billed, obtained on or before the month's first service.

Why: CMS requires the billing practitioner to obtain and document the beneficiary's consent
before BHI or CoCM services are furnished and billed; a claim without it is recouped.
Consent may be verbal if documented, is obtained once (not monthly), and must still be in force
(not revoked). A consent on the same day as the first service counts as "before".
Each billing practitioner is judged on the consents obtained for them (or naming no
practitioner); a consent held only for another practitioner is BHI-CONS-002's warning.
Source: rulebook §3.2a-b, §3.2d2 and §9 BHI-CONS-001; [S-FR17] CY2017 PFS final rule
(81 FR 80170); [S-FAQ] CMS BHI FAQ.
Passes: P1 2026-03, COCM consent obtained 2026-03-02, first CoCM time entry 2026-03-02.
Fails: P1 2026-03, 99493 billed, COCM consent obtained 2026-03-10 after time logged on
2026-03-04; or no COCM consent at all; or the consent was revoked before the first service;
or D1's own consent dated after the first service, even if D2's older consent is on file.
Time belonging to a separately billed service (e.g. psychotherapy 90834) is not a first service.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI, program_of
from bhi_audit.context import BilledLine, PatientMonth
from bhi_audit.models import Consent, Program

ID = "BHI-CONS-001"
NAME = "consent-before-billing"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = GENERAL_BHI | COCM_ALL
REQUIRES = (Consent,)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per program and billing practitioner without consent in force at the month's
    first service."""
    for program in (Program.BHI, Program.COCM):
        lines = [b for b in month.lines if program_of(b.code) is program]
        if not lines:
            continue
        # NOTE: one verdict per billing practitioner: the consent is obtained by the
        # practitioner who bills (§3.2a), and a new one is needed when that changes (§3.2d2).
        by_practitioner: dict[str | None, list[BilledLine]] = {}
        for billed in lines:
            by_practitioner.setdefault(billed.billing_practitioner, []).append(billed)
        for practitioner, own_lines in by_practitioner.items():
            yield from _check_practitioner(month, program, own_lines, practitioner)


def _check_practitioner(
    month: PatientMonth, program: Program, lines: list[BilledLine], practitioner: str | None
) -> Iterator[Problem]:
    first_line = lines[0].line
    # NOTE: time that belongs to a separately billed service (psychotherapy, an E/M visit) is
    # not a BHI/CoCM service and does not need this consent.
    entries = [
        e
        for e in month.entries_for(program)
        if e.date is not None
        and (e.billed_service is None or program_of(e.billed_service) is program)
    ]
    entry_days = [e.date for e in entries if e.date is not None]
    first_day = min([b.date_of_service for b in lines] + entry_days)
    first_entries = tuple(e for e in entries if e.date == first_day)
    every = month.consents_for(program)
    own = [c for c in every if c.billing_practitioner in (None, practitioner)]
    # Judged on the practitioner's own consents when there are any. A consent held only for
    # another practitioner still documents the patient's agreement: BHI-CONS-002 warns about it
    # (§3.2d2 is graded M), so it is not reported twice here.
    consents = own or every
    if any(c.in_force_on(first_day) for c in consents):
        return
    facts = {"program": program.value, "first_service": first_day.isoformat()}
    evidence = (first_line, *first_entries, *consents)
    if not consents:
        message = f"no documented {program.value} consent on file (first service {first_day})"
    else:
        later = [c for c in consents if c.date_obtained > first_day]
        revoked = [c for c in consents if c.revoked_on and c.revoked_on <= first_day]
        if later:
            message = (
                f"{program.value} consent obtained {later[0].date_obtained}, after the first "
                f"service of the month ({first_day})"
            )
            facts["consent_date"] = later[0].date_obtained.isoformat()
        else:
            when = "on the day of" if revoked[-1].revoked_on == first_day else "before"
            message = (
                f"{program.value} consent revoked on {revoked[-1].revoked_on}, {when} the "
                f"first service of the month ({first_day})"
            )
    yield Problem(
        message=message, record=first_line, field="consent", evidence=evidence, facts=facts
    )
