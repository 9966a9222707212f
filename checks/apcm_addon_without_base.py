"""G0568, G0569 and G0570 are billed only with APCM from the same practitioner that month.

Why: the CY2026 APCM behavioral-health add-ons are payable only when the same practitioner
reports an APCM base code (G0556/G0557/G0558) for the same month; without it the add-on has no
primary service and is denied.
Source: rulebook §1.9, §4.8c, §4.12 and §9 BHI-EXCL-007; [S-FR26] CMS-1832-F; [S-RVU26]
(global ZZZ); [S-GILL].
Passes: P1 2026-03, G0557 and G0570 by D1; G0570 in 2025 (not yet a code: BHI-CODE-001's).
Fails: P1 2026-03, G0570 alone; G0568 by D1 with G0557 billed by D2 only.
Not verifiable: an add-on with no APCM base in the records when the records given do not
cover the whole month (the base may be billed on a day outside them).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import APCM_BASE, APCM_BH_ADDONS
from bhi_audit.context import PatientMonth
from bhi_audit.policy import code_window

ID = "BHI-EXCL-007"
NAME = "apcm-addon-without-base"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = APCM_BH_ADDONS


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per add-on line with no APCM base code from its practitioner."""
    bases = month.lines_with(APCM_BASE)
    for billed in month.lines_with(CODES):
        window = code_window(billed.code)
        if window is not None and not window.in_force(billed.date_of_service):
            continue  # an add-on before its effective date is BHI-CODE-001's error, not twice
        if any(b.billing_practitioner == billed.billing_practitioner for b in bases):
            continue
        if not month.fully_covered:
            # The base may be billed on a day of the month outside the records given.
            yield Problem(
                message=f"{billed.code} by {billed.billing_practitioner} in {month.month}: "
                f"no APCM base code from them in the records given, {month.coverage_gap}: "
                "not verifiable",
                record=billed.line,
                field="code",
                evidence=(billed.line, *(b.line for b in bases)),
                unverifiable=True,
            )
            continue
        if bases:
            who = ", ".join(sorted({f"{b.code} by {b.billing_practitioner}" for b in bases}))
            detail = f"APCM billed by another practitioner only ({who})"
        else:
            detail = "no G0556/G0557/G0558 billed this month"
        yield Problem(
            message=f"{billed.code} without an APCM base code from "
            f"{billed.billing_practitioner} in {month.month}: {detail}",
            record=billed.line,
            field="code",
            evidence=(billed.line, *(b.line for b in bases)),
        )
