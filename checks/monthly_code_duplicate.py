"""A monthly code is billed at most once per patient-month.

Why: 99484, 99492, 99493, G2214, G0323 and the APCM add-ons G0568-G0570 pay for a calendar
month of service; a second line for the same month is an overpayment. Billing the same monthly
code more than once for a beneficiary and month — by one provider or by several — was the
largest CCM overpayment OIG found. The same practitioner twice is recouped (error); two
practitioners is the one-practitioner-per-month rule, graded M (warning).
Source: rulebook §3.13c, §7.1, §7.2, §7.5.1 and §9 BHI-EXCL-005; [S-OIG19]; [S-OIG21].
Passes: P1 2026-03, one 99493 line; P1 99493 in 2026-03 and 2026-04.
Fails: P1 2026-03, two 99493 lines by D1 (the later is flagged, error); 99484 by D1 and by D2
(the later is flagged, warning). Earliest line (date, claim, line) is kept.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import MONTHLY_ONCE
from bhi_audit.context import PatientMonth

ID = "BHI-EXCL-005"
NAME = "monthly-code-duplicate"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"same-practitioner": "error", "different-practitioner": "warning"}
CODES = MONTHLY_ONCE


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per repeated monthly-code line after the first."""
    for code in sorted(month.codes & CODES):
        lines = month.lines_with({code})  # sorted by date, claim, line
        for index, billed in enumerate(lines[1:], start=1):
            earlier = lines[:index]
            same = [b for b in earlier if b.billing_practitioner == billed.billing_practitioner]
            first = (same or list(earlier))[0]
            where = f"claim {first.line.claim_id} line {first.line.line_number}"
            if same:
                message = f"{code} billed again in {month.month} by the same practitioner ({where})"
            else:
                message = (
                    f"{code} billed again in {month.month}; already billed by "
                    f"{first.billing_practitioner} ({where})"
                )
            yield Problem(
                message=message,
                record=billed.line,
                field="code",
                evidence=(billed.line, first.line),
                variant="same-practitioner" if same else "different-practitioner",
                facts={"lines_billed": len(lines)},
            )
