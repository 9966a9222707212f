"""General BHI (99484) and CoCM (99492/99493/99494/G2214) are never billed in one month.

Why: one practitioner must choose CoCM or general BHI for a beneficiary's month; billing both
is recouped. CMS is silent on two different practitioners splitting the month, but every
secondary source reads the rule at patient level, so that case is an audit-risk warning. From
2026 the APCM add-ons are the same two models billed beside APCM (G0570 mirrors 99484; G0568
and G0569 mirror 99492 and 99493), so G0570 is general BHI and G0568/G0569 are CoCM here.
Source: rulebook §3.13a-b2, §4.1, §1.9, D4 and §9 BHI-EXCL-001; [S-FR17] (81 FR 80170);
[S-AAFP]; [S-BCBSM].
Passes: P6 2026-03, 99493 only; or 99484 in 2026-03 and 99493 in 2026-04.
Fails: P6 2026-03, 99484 and 99493 by the same billing practitioner (error); by different
billing practitioners (warning); G0570 and G0569 by the APCM practitioner (error). The
general-BHI line is flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import COCM_MONTH_CODES
from bhi_audit.context import PatientMonth

ID = "BHI-EXCL-001"
NAME = "bhi-with-cocm-same-month"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"same-practitioner": "error", "different-practitioner": "warning"}
CODES = frozenset({"99484", "G0570"})
#: CoCM codes, stand-alone and APCM add-on.
COCM_CODES = COCM_MONTH_CODES


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per 99484/G0570 line that shares its month with a CoCM line."""
    cocm = month.lines_with(COCM_CODES)
    if not cocm:
        return
    for billed in month.lines_with(CODES):
        same = [b for b in cocm if b.billing_practitioner == billed.billing_practitioner]
        others = same or list(cocm)
        codes = "/".join(sorted({b.code for b in others}))
        if same:
            message = (
                f"{billed.code} billed with CoCM ({codes}) in {month.month} by the same "
                "practitioner"
            )
        else:
            who = ", ".join(sorted({str(b.billing_practitioner) for b in cocm}))
            message = (
                f"{billed.code} billed with CoCM ({codes}) in {month.month}; CoCM billed by "
                f"another practitioner ({who})"
            )
        yield Problem(
            message=message,
            record=billed.line,
            field="code",
            evidence=(billed.line, *(b.line for b in others)),
            variant="same-practitioner" if same else "different-practitioner",
            facts={"cocm_codes": codes},
        )
