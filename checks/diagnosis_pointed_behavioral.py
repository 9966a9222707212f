"""A BHI/CoCM line points to a real, billable diagnosis on its claim.

Why: BHI and CoCM treat a behavioral, psychiatric or substance-use condition, and the claim
must carry the diagnosis the line is billed for. A line with no diagnosis pointer, a pointer
past the claim's diagnosis list, a claim with no diagnosis, or a pointed code that is not a
billable ICD-10-CM code (unknown, or a category that has subcodes such as F32) is rejected or
denied. Billable means a leaf of the ICD-10-CM tabular in the maintained offline code set
`simple-icd-10-cm` (CDC April 2026 release in version 1.5.0). Whether a valid pointed code is
*behavioral* is BHI-DX-002 (CMS publishes no list, so a warning): this check reports only what
is provably wrong, and is the one that reports unknown and non-billable codes.
Source: rulebook §3.1, §5.1a-e, §7.5.7 and §9 BHI-DX-001; [S-NGS-BHI]; [S-NGS-COCM]; [S-FAQ].
Passes: claim diagnoses F32.1; the 99484 line points to 1; an RHC claim with F32.1 and a 99484
line without pointers.
An institutional (RHC/FQHC, 837I) claim has no line-level pointers: its lines are taken to
point to all the claim's diagnoses.
Fails: claim with no diagnoses; 99484 line with no pointer on a professional claim; pointer 3
with two diagnoses; pointed F32 (a category with subcodes) or F39.9 (not an ICD-10-CM code).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.context import LineUnit
from bhi_audit.diagnoses import billable_status, line_pointers, pointed_diagnoses

ID = "BHI-DX-001"
NAME = "diagnosis-pointed-behavioral"
SCOPE = "line"
DEFAULT_SEVERITY = "error"
# NOTE: G0511 also bills RHC CCM, which needs no behavioral diagnosis.
CODES = (GENERAL_BHI | COCM_ALL) - {"G0511"}


def check(unit: LineUnit, options: None) -> Iterator[Problem]:
    """At most one problem per line, the most basic defect first."""
    line, claim = unit.line, unit.claim
    if claim is None:
        return
    if not claim.diagnoses:
        yield Problem(
            message=f"{line.code} billed on claim {claim.claim_id} with no diagnosis",
            record=line,
            field="diagnoses",
            evidence=(line, claim),
            variant="no-diagnosis",
        )
        return
    if not line_pointers(line, claim):
        yield Problem(
            message=f"{line.code} line points to no diagnosis (claim has "
            f"{', '.join(claim.diagnoses)})",
            record=line,
            field="diagnosis_pointers",
            evidence=(line, claim),
            variant="no-pointer",
        )
        return
    codes, broken = pointed_diagnoses(line, claim)
    if broken:
        yield Problem(
            message=f"{line.code} diagnosis pointer {', '.join(map(str, broken))} past the "
            f"claim's {len(claim.diagnoses)} diagnosis code(s)",
            record=line,
            field="diagnosis_pointers",
            evidence=(line, claim),
            variant="bad-pointer",
        )
        return
    bad = [(code, billable_status(code)) for code in codes]
    bad = [(code, status) for code, status in bad if status != "billable"]
    if bad:
        what = ", ".join(
            f"{code} ({'not an ICD-10-CM code' if s == 'unknown' else 'category with subcodes'})"
            for code, s in bad
        )
        yield Problem(
            message=f"{line.code} points to a diagnosis that is not billable: {what}",
            record=line,
            field="diagnoses",
            evidence=(line, claim),
            variant="not-billable",
            facts={"codes": ", ".join(code for code, _ in bad)},
        )
