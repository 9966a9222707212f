"""ICD-10-CM facts for the diagnosis checks: billable (leaf) codes, chapter 5, dx pointers.

Why a maintained code set: whether ``F32`` or ``F32.A`` is a billable code changes with each
fiscal-year release; a hand-written list goes stale. ``simple-icd-10-cm`` ships the CDC tabular
(April 2026 release in 1.5.0) offline, but importing it takes about two seconds and 170 MB for
what the checks need, two sets of codes. So those sets are derived from it once, by
``scripts/gen_icd10cm_codes.py``, into ``data/icd10cm_codes.txt.gz`` (shipped in the package),
and read from there on first use; tests/test_diagnoses.py fails if file and library disagree.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bhi_audit.models import Claim, ClaimLine, ClaimType

#: The ICD-10-CM release the installed code set carries (reported in messages).
CODE_SET = "simple-icd-10-cm"


@cache
def _code_sets() -> tuple[frozenset[str], frozenset[str]]:
    """The billable and the header codes of the shipped file (read once per process)."""
    data = resources.files("bhi_audit").joinpath("data", "icd10cm_codes.txt.gz").read_bytes()
    billable: set[str] = set()
    header: set[str] = set()
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        kind, _, code = line.partition(" ")
        (billable if kind == "b" else header).add(code)
    return frozenset(billable), frozenset(header)


def billable_status(code: str) -> str:
    """``"billable"``, ``"header"`` (a category/subcategory with children) or ``"unknown"``.

    ``code`` is in the dotted form the models store (``F32.1``).
    """
    billable, header = _code_sets()
    if code in billable:
        return "billable"  # NOTE: F99 is both a one-category block and a billable category
    if code in header:
        return "header"
    return "unknown"  # not a code, or a chapter or block range such as F01-F09


def in_chapter_5(code: str) -> bool:
    """Whether ``code`` lies in ICD-10-CM F01-F99 (mental, behavioral, neurodevelopmental)."""
    return code[0] == "F" and code[1:3].isdigit() and "01" <= code[1:3] <= "99"


#: Codes outside F01-F99 accepted as behavioral by default (rulebook §5.1d: payer-dependent).
DEFAULT_ALLOW_LIST = ("R45.851",)


def normalise_allow_list(codes: list[str]) -> list[str]:
    """Allow-list entries in comparable form: upper case, no dot (``r45.851`` -> ``R45851``)."""
    return [code.strip().upper().replace(".", "") for code in codes]


def allow_listed(code: str, allow_list: list[str]) -> bool:
    """Whether ``code`` is an allow-list entry or lies below one (``G30`` matches ``G30.9``)."""
    bare = code.replace(".", "")
    return any(bare.startswith(entry) for entry in allow_list)


def is_behavioral(code: str, allow_list: list[str]) -> bool:
    """Whether ``code`` counts as a behavioral diagnosis: F01-F99 or allow-listed (§5.1f)."""
    return in_chapter_5(code) or allow_listed(code, allow_list)


def line_pointers(line: ClaimLine, claim: Claim) -> tuple[int, ...]:
    """The diagnosis pointers that apply to ``line``.

    An institutional (837I/UB-04) claim has no line-level diagnosis pointer: its lines are
    billed for the claim's diagnoses, so a pointer-less line there points to all of them.
    """
    if line.diagnosis_pointers or claim.claim_type is not ClaimType.INSTITUTIONAL:
        return tuple(line.diagnosis_pointers)
    return tuple(range(1, len(claim.diagnoses) + 1))


def pointed_diagnoses(line: ClaimLine, claim: Claim) -> tuple[list[str], list[int]]:
    """The claim's diagnoses the line points to, and pointers that point past the list."""
    codes, broken = [], []
    for pointer in line_pointers(line, claim):
        if pointer <= len(claim.diagnoses):
            codes.append(claim.diagnoses[pointer - 1])
        else:
            broken.append(pointer)
    return codes, broken


class AllowListOptions(BaseModel):
    """Diagnosis codes outside F01-F99 that count as behavioral (BHI-DX-001 and BHI-DX-002).

    Why one model: both checks judge the same list, and configuration should keep them equal.
    """

    model_config = ConfigDict(extra="forbid")

    allow_list: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ALLOW_LIST),
        validate_default=True,
        description="ICD-10-CM codes (or code prefixes) accepted as behavioral diagnoses",
    )

    @field_validator("allow_list")
    @classmethod
    def _normalise(cls, value: list[str]) -> list[str]:
        return normalise_allow_list(value)
