"""G2214 is not billed in a month that also bills 99492 or 99493 for the patient.

Why: G2214 is the shorter CoCM service for months that do not reach the base-code threshold;
reporting it beside 99492/99493 bills the same month of collaborative care twice, and it is
never a base for 99494. Whoever bills the base code, the G2214 line is the one denied.
Source: rulebook §2.6, §4.2 and §9 BHI-EXCL-002; [S-NGS-COCM] ("shorter increments"); Mirah.
Passes: P1 2026-03, G2214 only; or G2214 in 2026-03 and 99493 in 2026-04.
Fails: P1 2026-03, G2214 and 99493 (same or different practitioner); the G2214 line is flagged.
Data: the pair in bhi_audit/policy/exclusivity.toml.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.context import PatientMonth
from bhi_audit.exclusivity import codes_of, find_pair_hits

ID = "BHI-EXCL-002"
NAME = "g2214-with-cocm-base"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = codes_of(ID)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per G2214 line sharing its month with 99492/99493."""
    for hit in find_pair_hits(month, ID):
        yield Problem(
            message=(
                f"G2214 billed with {hit.partner_codes} in {month.month} (G2214 is only for "
                "months that do not reach the base-code threshold)"
            ),
            record=hit.line.line,
            field="code",
            evidence=(hit.line.line, *(b.line for b in hit.partners)),
            facts={"with_codes": hit.partner_codes},
        )
