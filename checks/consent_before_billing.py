"""Documented consent for the program billed, obtained on or before the month's first service.

Why: CMS requires the billing practitioner to obtain and document the beneficiary's consent
before BHI or CoCM services are furnished and billed; a claim without it is recouped.
Consent may be verbal if documented, is obtained once (not monthly), and must still be in force
(not revoked). A consent on the same day as the first service counts as "before".
Source: rulebook §3.2a-b, §3.2d2 and §9 BHI-CONS-001; [S-FR17] CY2017 PFS final rule
(81 FR 80170); [S-FAQ] CMS BHI FAQ.
Passes: P1 2026-03, COCM consent obtained 2026-03-02, first CoCM time entry 2026-03-02.
Fails: P1 2026-03, 99493 billed, COCM consent obtained 2026-03-10 after time logged on
2026-03-04; or no COCM consent at all; or the consent was revoked before the first service.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI, program_of
from bhi_audit.context import PatientMonth
from bhi_audit.models import Program

ID = "BHI-CONS-001"
NAME = "consent-before-billing"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = GENERAL_BHI | COCM_ALL


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per program billed this month without consent in force at its first service."""
    for program in (Program.BHI, Program.COCM):
        lines = [b for b in month.lines if program_of(b.code) is program]
        if not lines:
            continue
        first_line = lines[0].line
        entries = [e for e in month.entries_for(program) if e.date is not None]
        entry_days = [e.date for e in entries if e.date is not None]
        first_day = min([b.date_of_service for b in lines] + entry_days)
        first_entries = tuple(e for e in entries if e.date == first_day)
        if not month.batch.provided("consents"):
            yield Problem(
                message=f"{program.value} consent not verifiable: no consent records in the input",
                record=first_line,
                field="consent",
                unverifiable=True,
            )
            continue
        consents = month.consents_for(program)
        if any(c.in_force_on(first_day) for c in consents):
            continue
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
