"""Services bundled into APCM are not billed by the APCM practitioner in the same month.

Why: APCM (G0556-G0558) pays for a month of primary care management that includes CCM, PCM,
TCM, interprofessional consultation (99446-99449, 99451, 99452), G2250-G2252 and online
digital E/M (98970-98972, 99421-99423). The same practitioner billing one of them in an APCM
month is paid twice for the same work — the overlapping-care-management overpayment OIG found
for CCM. Another practitioner's CCM is not bundled.
Source: rulebook §1.8, §4.8a, §7.1 and §9 BHI-EXCL-006; [S-AAFP] APCM; [S-FR25]; [S-OIG19].
Passes: P1 2026-03, G0557 by D1 and 99490 by D2.
Fails: P1 2026-03, G0557 and 99490 by D1 (the 99490 line is flagged); G0558 and 99495 by D1.
Data: the pair in bhi_audit/policy/exclusivity.toml (in force from 2025-01-01).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.context import PatientMonth
from bhi_audit.exclusivity import codes_of, find_pair_hits

ID = "BHI-EXCL-006"
NAME = "apcm-bundled-services"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = codes_of(ID)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per bundled-service line beside its practitioner's APCM code."""
    for hit in find_pair_hits(month, ID):
        yield Problem(
            message=(
                f"{hit.line.code} billed in {month.month} by {hit.line.billing_practitioner}, "
                f"who also bills APCM {hit.partner_codes} (bundled into APCM)"
            ),
            record=hit.line.line,
            field="code",
            evidence=(hit.line.line, *(b.line for b in hit.partners)),
            facts={"apcm_codes": hit.partner_codes},
        )
