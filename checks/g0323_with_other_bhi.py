"""G0323 and another practitioner's 99484, CoCM or G0570 in one month are audit risk.

Why: G0323 is general BHI by a clinical psychologist, social worker, counselor or therapist.
CMS has not said whether it may be paid beside general BHI or CoCM billed by another
practitioner for the same beneficiary and month; it risks paying twice for the same care
management and double-counted time, so it is a warning. (The same practitioner billing both is
BHI-PRAC-001's concern: 99484 and CoCM are not theirs to bill.)
Source: rulebook §4.9, §3.13c and §9 BHI-EXCL-010 (not verified: warning).
Passes: P1 2026-03, G0323 by the psychologist D3 only; G0323 in 2026-03, 99484 in 2026-04.
Fails: P1 2026-03, G0323 by D3 and 99484 (or 99493, or G0570) by D1: the G0323 line is flagged.
Data: the pair in bhi_audit/policy/exclusivity.toml.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.context import PatientMonth
from bhi_audit.exclusivity import codes_of, find_pair_hits

ID = "BHI-EXCL-010"
NAME = "g0323-with-other-bhi"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = codes_of(ID)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per G0323 line beside another practitioner's BHI/CoCM code."""
    for hit in find_pair_hits(month, ID):
        yield Problem(
            message=(
                f"G0323 billed in {month.month} beside {hit.partner_codes} by another "
                f"practitioner ({hit.partner_practitioners})"
            ),
            record=hit.line.line,
            field="code",
            evidence=(hit.line.line, *(b.line for b in hit.partners)),
            facts={"with_codes": hit.partner_codes},
        )
