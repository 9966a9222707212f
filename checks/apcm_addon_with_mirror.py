"""An APCM add-on and the CPT code it mirrors are not billed for the same patient-month.

Why: G0568 mirrors 99492, G0569 mirrors 99493 and G0570 mirrors 99484 (CMS crosswalked their
valuation); a patient-month is billed through either the add-on or the stand-alone code,
never both, whoever bills each. The add-on line is flagged.
Source: rulebook §1.9, §4.8d, D6 and §9 BHI-EXCL-008; [S-GILL]; FairPath.
Passes: P1 2026-03, G0557 and G0569 by D1; P1 G0570 in 2026-03 and 99484 in 2026-04.
Fails: P1 2026-03, G0569 and 99493 (the G0569 line is flagged); G0570 by D1 and 99484 by D2.
Data: the pair in bhi_audit/policy/exclusivity.toml (in force from 2026-01-01).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.context import PatientMonth
from bhi_audit.exclusivity import codes_of, find_pair_hits

ID = "BHI-EXCL-008"
NAME = "apcm-addon-with-mirror"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = codes_of(ID)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per add-on line whose mirror code is billed the same month."""
    for hit in find_pair_hits(month, ID):
        yield Problem(
            message=(
                f"{hit.line.code} billed with its mirror code {hit.partner_codes} in "
                f"{month.month} (bill the add-on or the stand-alone code, not both)"
            ),
            record=hit.line.line,
            field="code",
            evidence=(hit.line.line, *(b.line for b in hit.partners)),
            facts={"mirror_code": hit.partner_codes},
        )
