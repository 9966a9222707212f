"""Each care-management program billed beside BHI/CoCM in a month has its own consent.

Why: BHI or CoCM may be billed in the same month as CCM, PCM or APCM only when consent was
obtained for each service independently; the companion service's line is recouped otherwise.
(BHI/CoCM consent itself is BHI-CONS-001's concern.)
The companion's consent is judged at its first service of the month (its first line or time
entry), and must not be revoked by then.
Source: rulebook §3.2c, §4.5 and §9 BHI-CONS-004; [S-FAQ] CMS BHI FAQ; [S-AAFP].
Passes: P2 2026-03, 99484 and 99490 billed; BHI consent and CCM consent both on file, the CCM
one dated on or before the first CCM service.
Fails: P2 2026-03, 99484 and 99490 billed; only a BHI consent on file (the 99490 line is
flagged); or the CCM consent dated 2026-03-20, after a 99490 line of 2026-03-10.
Not verifiable: no consents in the input, said per companion program billed. Not by REQUIRES, as
the check applies to every BHI/CoCM month but needs consents only when a companion program is
billed beside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI, program_of
from bhi_audit.context import PatientMonth
from bhi_audit.models import Program

ID = "BHI-CONS-004"
NAME = "consent-per-concurrent-program"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = GENERAL_BHI | COCM_ALL

#: Companion programs whose own consent CMS requires (TCM has no consent requirement).
CONSENTED = (Program.CCM, Program.PCM, Program.APCM, Program.RPM, Program.RTM)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per companion program billed this month without a consent of its own."""
    behavioral = sorted({program_of(b.code).value for b in month.lines_with(CODES)})  # type: ignore[union-attr]
    for program in CONSENTED:
        lines = [b for b in month.lines if program_of(b.code) is program]
        if not lines:
            continue
        if not month.batch.provided("consents"):
            # NOTE: never a silent pass: the companion's consent cannot be checked either.
            yield Problem(
                message=f"{program.value} consent not verifiable: no consent records in the input",
                record=lines[0].line,
                field="consent",
                unverifiable=True,
            )
            continue
        # NOTE: judged at the companion's first service of the month (its first line or its
        # first time entry), as BHI-CONS-001 judges the BHI/CoCM consent.
        entry_days = [
            e.date
            for e in month.entries_for(program)
            if e.date is not None
            and (e.billed_service is None or program_of(e.billed_service) is program)
        ]
        first_day = min([b.date_of_service for b in lines] + entry_days)
        consents = month.consents_for(program)
        if any(c.in_force_on(first_day) for c in consents):
            continue
        later = [c for c in consents if c.date_obtained > first_day]
        revoked = [c for c in consents if c.revoked_on and c.revoked_on <= first_day]
        detail = ""
        if later:
            detail = f"; its consent was obtained {later[0].date_obtained}"
        elif revoked:
            detail = f"; its consent was revoked on {revoked[-1].revoked_on}"
        yield Problem(
            message=(
                f"{program.value} {lines[0].code} billed beside {'+'.join(behavioral)} in "
                f"{month.month} with no {program.value} consent in force at its first service "
                f"({first_day}){detail} (each concurrent service needs its own consent)"
            ),
            record=lines[0].line,
            field="consent",
            evidence=(lines[0].line, *month.records.consents),
            facts={
                "program": program.value,
                "concurrent_with": "+".join(behavioral),
                "first_service": first_day.isoformat(),
            },
        )
