"""A BHI/CoCM line's claim carries a behavioral diagnosis, and the line points to a billable one.

Why: BHI and CoCM treat a behavioral, psychiatric or substance-use condition, and the claim
must carry the diagnosis the line is billed for. A claim with no behavioral diagnosis at all
(nothing in ICD-10-CM F01-F99 and nothing on the ``allow_list`` option, default R45.851; keep
it equal to BHI-DX-002's) cannot support the service: since the revision of 2 Dec 2026 (§5.1f)
that is an error here, not BHI-DX-002's warning. A line with no diagnosis pointer, a pointer
past the claim's diagnosis list, a claim with no diagnosis, or a pointed code that is not a
billable ICD-10-CM code (unknown, or a category that has subcodes such as F32) is rejected or
denied. Billable means a leaf of the ICD-10-CM tabular in the maintained offline code set
`simple-icd-10-cm` (CDC April 2026 release in version 1.5.0). Whether the pointed code is
*behavioral* when the claim does carry a behavioral code is BHI-DX-002 (a warning); this check
is the one that reports unknown and non-billable codes.
Source: rulebook §3.1, §5.1a-f, §7.5.7 and §9 BHI-DX-001; [S-NGS-BHI]; [S-NGS-COCM]; [S-FAQ].
Passes: claim diagnoses F32.1; the 99484 line points to 1; an RHC claim with F32.1 and a 99484
line without pointers; a claim with only R45.851 (allow-listed).
An institutional (RHC/FQHC, 837I) claim has no line-level pointers: its lines are taken to
point to all the claim's diagnoses.
Fails: claim with no diagnoses; 99484 line with no pointer on a professional claim; pointer 3
with two diagnoses; pointed F32 (a category with subcodes) or F39.9 (not an ICD-10-CM code);
a claim with only E11.9, or only Z63.0 or G30.9 (not allow-listed): "no-behavioral-diagnosis".
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.context import LineUnit
from bhi_audit.diagnoses import (
    AllowListOptions,
    billable_status,
    is_behavioral,
    line_pointers,
    pointed_diagnoses,
)

ID = "BHI-DX-001"
NAME = "diagnosis-pointed-behavioral"
SCOPE = "line"
DEFAULT_SEVERITY = "error"
# NOTE: G0511 also bills RHC CCM, which needs no behavioral diagnosis.
CODES = (GENERAL_BHI | COCM_ALL) - {"G0511"}


class Options(AllowListOptions):
    """Diagnosis codes outside F01-F99 that count as behavioral (same list as BHI-DX-002)."""


def check(unit: LineUnit, options: Options) -> Iterator[Problem]:
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
        return
    if not any(is_behavioral(code, options.allow_list) for code in claim.diagnoses):
        yield Problem(
            message=f"{line.code} billed on claim {claim.claim_id} with no behavioral diagnosis "
            f"(claim has {', '.join(claim.diagnoses)}; none in F01-F99 or allow-listed)",
            record=line,
            field="diagnoses",
            evidence=(line, claim),
            variant="no-behavioral-diagnosis",
            facts={"diagnoses": ", ".join(claim.diagnoses)},
        )
