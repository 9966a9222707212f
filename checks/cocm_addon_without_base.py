"""99494 is billed only with 99492 or 99493 from the same practitioner in the same month.

Why: 99494 is an add-on for each further 30 minutes of CoCM beyond the base code; without the
practitioner's own 99492/99493 for that month (G2214 is not a base for it) the add-on has no
primary service and is denied — OIG found add-ons paid on unsupported primaries. The rulebook
revision of 2 Dec 2026 (§4.3a) confirms the pairing is by practitioner and date of service,
not by claim: a base on another claim of the same practitioner and date passes.
Source: rulebook §1.4, §2.6, §4.3, §4.3a, §4.12, §7.2 and §9 BHI-EXCL-004; [S-BCBSND];
[S-AAFP]; [S-OIG21]; CMS "Medicare NCCI Add-on Code Edits"; NGS "Add-on Codes" (3 Mar 2025).
Passes: P1 2026-03, 99493 and 99494 billed by D1 on the same date.
Fails: P1 2026-03, 99494 alone; 99494 with G2214; 99494 by D1 with 99493 billed by D2. A
warning ("not-same-date"): 99494 on 2026-03-31 and D1's 99493 on 2026-03-10 — NCCI Type 1
add-on edits pay an add-on only with its primary for the same practitioner and date of
service (CMS "Medicare NCCI Add-on Code Edits" page, Type 1; 99494's Type 1 status is
graded M, §4.12, so a warning).
Not verifiable: 99494 with no base in the records when the records given do not cover the
whole month (the base may be billed on a day outside them).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ADDON, COCM_BASE
from bhi_audit.context import PatientMonth

ID = "BHI-EXCL-004"
NAME = "cocm-addon-without-base"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"not-same-date": "warning"}
CODES = frozenset({COCM_ADDON})


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per 99494 line with no base code from its practitioner this month."""
    bases = month.lines_with(COCM_BASE)
    for billed in month.lines_with(CODES):
        own = [b for b in bases if b.billing_practitioner == billed.billing_practitioner]
        if own and not any(b.date_of_service == billed.date_of_service for b in own):
            dates = ", ".join(sorted({f"{b.code} on {b.date_of_service}" for b in own}))
            yield Problem(
                message=f"99494 on {billed.date_of_service} without 99492/99493 on the same date "
                f"({dates}): NCCI add-on edits pay it only with its primary on the same date",
                record=billed.line,
                field="date_of_service",
                evidence=(billed.line, *(b.line for b in own)),
                variant="not-same-date",
            )
            continue
        if own:
            continue
        if not month.fully_covered:
            # The base may be billed on a day of the month outside the records given.
            yield Problem(
                message=f"{billed.code} by {billed.billing_practitioner} in {month.month}: "
                f"no 99492/99493 from them in the records given, {month.coverage_gap}: "
                "not verifiable",
                record=billed.line,
                field="code",
                evidence=(billed.line, *(b.line for b in bases)),
                unverifiable=True,
            )
            continue
        if bases:
            who = ", ".join(sorted({f"{b.code} by {b.billing_practitioner}" for b in bases}))
            detail = f"base billed by another practitioner only ({who})"
        elif month.lines_with({"G2214"}):
            detail = "G2214 is not a base code for 99494"
        else:
            detail = "no 99492/99493 billed this month"
        yield Problem(
            message=f"99494 without 99492/99493 from {billed.billing_practitioner} in "
            f"{month.month}: {detail}",
            record=billed.line,
            field="code",
            evidence=(billed.line, *(b.line for b in bases)),
        )
