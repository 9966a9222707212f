"""From 2026, stand-alone 99484/99492/99493 beside the same practitioner's APCM is audit risk.

Why: CMS made G0568-G0570 "optional" add-ons to APCM; whether they replace the stand-alone
codes for APCM patients is unresolved (D6), so the stand-alone code from the APCM practitioner
is a warning, not an error. 99494 and G2214 have no add-on twin and stay plausible for APCM
patients (4.8f), so they are not flagged; neither is another practitioner's code, nor a
stand-alone code whose add-on twin is billed the same month (BHI-EXCL-008 reports that pair as
an error; one defect is reported once).
Source: rulebook §4.8b, §4.8e-f, D6 and §9 BHI-EXCL-009; [S-GILL]; [S-HANA].
Passes: P1 2025-06, G0557 and 99484 by D1; P1 2026-03, G0557 by D1 and 99484 by D2;
P1 2026-03, G0557, G0570 and 99484 by D1 (left to BHI-EXCL-008).
Fails: P1 2026-03, G0557 and 99484 by D1 (the 99484 line is flagged).
Data: the pair in bhi_audit/policy/exclusivity.toml (in force from 2026-01-01).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.context import PatientMonth
from bhi_audit.exclusivity import codes_of, find_pair_hits

ID = "BHI-EXCL-009"
NAME = "standalone-bhi-with-apcm"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = codes_of(ID)

_ADDON_FOR = {"99484": "G0570", "99492": "G0568", "99493": "G0569"}


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per stand-alone line beside its practitioner's APCM code."""
    billed = {b.code for b in month.lines}
    for hit in find_pair_hits(month, ID):
        code = hit.line.code
        if _ADDON_FOR[code] in billed:
            continue  # the add-on and its mirror together: BHI-EXCL-008's error, not twice
        yield Problem(
            message=(
                f"{code} billed beside APCM {hit.partner_codes} by "
                f"{hit.line.billing_practitioner} in {month.month} (APCM patients may be "
                f"billed through add-on {_ADDON_FOR[code]} instead; CMS has not settled it)"
            ),
            record=hit.line.line,
            field="code",
            evidence=(hit.line.line, *(b.line for b in hit.partners)),
            facts={"apcm_codes": hit.partner_codes, "add_on": _ADDON_FOR[code]},
        )
