"""A BHI/CoCM line points to a diagnosis in ICD-10-CM F01-F99 (or an allow-listed code).

Why: CMS publishes no diagnosis list for BHI; in practice payers accept ICD-10-CM chapter 5
(F01-F99, including F10-F19 for substance use). Codes outside it that can describe a treated
behavioral condition (R45.851 suicidal ideation, dementia with behavioral disturbance,
psychosocial Z-codes) are payer-dependent, so a line pointing only outside F01-F99 is audit
risk (warning), not an error. The ``allow_list`` option (default R45.851) names codes accepted
as behavioral; an entry also matches every code below it (``G30`` matches ``G30.9``). Lines
whose pointers or codes are broken are BHI-DX-001's findings, not this check's.
Source: rulebook §3.1, §5.1b-e and §9 BHI-DX-002; [S-NGS-BHI].
Passes: 99493 pointing to F41.1; 99484 pointing to R45.851 (allow-listed); 99484 pointing to
E11.9 and F32.1.
Fails: 99484 pointing only to E11.9 (warning; the message names a chapter-5 code elsewhere on
the claim when there is one); a pointer-less line on an RHC/FQHC institutional claim (no
line-level pointers on an 837I) whose claim diagnoses are all outside F01-F99.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.context import LineUnit
from bhi_audit.diagnoses import billable_status, in_chapter_5, line_pointers, pointed_diagnoses

ID = "BHI-DX-002"
NAME = "diagnosis-outside-chapter5"
SCOPE = "line"
DEFAULT_SEVERITY = "warning"
CODES = (GENERAL_BHI | COCM_ALL) - {"G0511"}


class Options(BaseModel):
    """Diagnosis codes outside F01-F99 that the practice's payers accept as behavioral."""

    model_config = ConfigDict(extra="forbid")

    allow_list: list[str] = Field(
        default_factory=lambda: ["R45.851"],
        validate_default=True,
        description="ICD-10-CM codes (or code prefixes) accepted as behavioral diagnoses",
    )

    @field_validator("allow_list")
    @classmethod
    def _normalise(cls, value: list[str]) -> list[str]:
        return [code.strip().upper().replace(".", "") for code in value]


def check(unit: LineUnit, options: Options) -> Iterator[Problem]:
    """At most one problem per line pointing only outside F01-F99 and the allow-list."""
    line, claim = unit.line, unit.claim
    if claim is None or not line_pointers(line, claim):
        return
    codes, broken = pointed_diagnoses(line, claim)
    if broken or not codes or any(billable_status(c) != "billable" for c in codes):
        return  # BHI-DX-001 reports these
    if any(in_chapter_5(c) or _allowed(c, options.allow_list) for c in codes):
        return
    elsewhere = [f"{c} at {i}" for i, c in enumerate(claim.diagnoses, start=1) if in_chapter_5(c)]
    hint = f"; the claim has {', '.join(elsewhere)}" if elsewhere else ""
    yield Problem(
        message=f"{line.code} points only to {', '.join(codes)}, outside F01-F99{hint}",
        record=line,
        field="diagnosis_pointers",
        evidence=(line, claim),
        facts={"pointed": ", ".join(codes)},
    )


def _allowed(code: str, allow_list: list[str]) -> bool:
    bare = code.replace(".", "")
    return any(bare.startswith(entry) for entry in allow_list)
