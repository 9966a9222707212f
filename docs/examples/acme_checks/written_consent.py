"""CoCM patients have a written (not only verbal) consent on file — a practice's own rule.

Why: Medicare accepts documented verbal consent, but this (fictional) practice's compliance
policy requires a signed form before CoCM is billed, because its payer contracts ask for one.
Source: ACME Health compliance policy CP-12 (fictional example for docs/writing-checks.md).
Passes: P1 2026-03, 99493 billed, a written COCM consent on file.
Fails: P1 2026-03, 99493 billed, only a verbal COCM consent on file.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.context import PatientMonth
from bhi_audit.models import ConsentMethod, Program

ID = "ACME-001"
NAME = "acme-written-cocm-consent"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = frozenset({"99492", "99493", "99494", "G2214"})


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per CoCM month whose patient has no written CoCM consent."""
    consents = month.consents_for(Program.COCM)
    if any(c.method is ConsentMethod.WRITTEN for c in consents):
        return
    line = month.lines_with(CODES)[0].line
    yield Problem(
        message=f"no written COCM consent on file ({len(consents)} verbal)",
        record=line,
        field="consent",
        evidence=(line, *consents),
    )
