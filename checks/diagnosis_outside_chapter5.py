"""A BHI/CoCM line points to a diagnosis in ICD-10-CM F01-F99 (or an allow-listed code).

Why: CMS publishes no diagnosis list for BHI; in practice payers accept ICD-10-CM chapter 5
(F01-F99, including F10-F19 for substance use). Codes outside it that can describe a treated
behavioral condition (R45.851 suicidal ideation, dementia with behavioral disturbance,
psychosocial Z-codes) are payer-dependent, so a line pointing only outside F01-F99 is audit
risk (warning), not an error. The ``allow_list`` option (default R45.851) names codes accepted
as behavioral; an entry also matches every code below it (``G30`` matches ``G30.9``). Set the
same list for BHI-DX-001, which uses it to decide whether the claim carries a behavioral
diagnosis at all. Since the revision of 2 Dec 2026 (§5.1f) a claim with no behavioral diagnosis
at all (nothing in F01-F99, nothing allow-listed) is BHI-DX-001's error, not this warning:
this check is left with lines that point past the claim's behavioral diagnosis to another
code. Lines whose pointers or codes are broken are BHI-DX-001's findings, not this check's.
Source: rulebook §3.1, §5.1b-f and §9 BHI-DX-002; [S-NGS-BHI].
Passes: 99493 pointing to F41.1; 99484 pointing to R45.851 (allow-listed); 99484 pointing to
E11.9 and F32.1; 99484 on a claim with only E11.9 (BHI-DX-001's error, §5.1f).
Fails: 99484 pointing only to E11.9 while the claim also carries F32.1 (warning; the message
names the behavioral code elsewhere on the claim); a pointer-less line on an RHC/FQHC
institutional claim is taken to point to every claim diagnosis, so it never fails here.
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

ID = "BHI-DX-002"
NAME = "diagnosis-outside-chapter5"
SCOPE = "line"
DEFAULT_SEVERITY = "warning"
CODES = (GENERAL_BHI | COCM_ALL) - {"G0511"}


class Options(AllowListOptions):
    """Diagnosis codes outside F01-F99 that the practice's payers accept as behavioral."""


def check(unit: LineUnit, options: Options) -> Iterator[Problem]:
    """At most one problem per line pointing only outside F01-F99 and the allow-list."""
    line, claim = unit.line, unit.claim
    if claim is None or not line_pointers(line, claim):
        return
    codes, broken = pointed_diagnoses(line, claim)
    if broken or not codes or any(billable_status(c) != "billable" for c in codes):
        return  # BHI-DX-001 reports these
    allow_list = options.allow_list
    if any(is_behavioral(c, allow_list) for c in codes):
        return
    elsewhere = [
        f"{c} at {i}"
        for i, c in enumerate(claim.diagnoses, start=1)
        if is_behavioral(c, allow_list)
    ]
    if not elsewhere:
        return  # no behavioral diagnosis on the claim at all: BHI-DX-001's error (§5.1f)
    hint = f"; the claim has {', '.join(elsewhere)}"
    yield Problem(
        message=f"{line.code} points only to {', '.join(codes)}, outside F01-F99{hint}",
        record=line,
        field="diagnosis_pointers",
        evidence=(line, claim),
        facts={"pointed": ", ".join(codes)},
    )
