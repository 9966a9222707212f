"""The contract between the engine and a check module — everything a check may import.

A check is a module with a docstring (first line: the requirement; then only the sections
``Why:``, ``Source:``, ``Passes:``, ``Fails:`` and optionally ``Options:``, ``Not verifiable:``,
``Data:``, at column 0 — see ``bhi_audit.registry.parse_docstring``), a few constants and one
generator::

    ID = "ACME-001"                 # stable forever; outside checks use their own prefix
    NAME = "kebab-case-name"
    SCOPE = "patient_month"         # "line" | "patient_month" | "patient" | "batch"
    DEFAULT_SEVERITY = "error"      # "error" | "warning" | "info"
    CODES = frozenset({"99492"})    # optional: only units billing one of these codes
    SEVERITIES = {"other-practitioner": "warning"}   # optional: per-variant defaults
    ALIASES = ("OLD-ID",)           # optional: ids this check used to have
    REQUIRES = (TimeEntry,)         # optional: record models it cannot judge without; the
                                    # engine reports a unit not verifiable when one is missing
    class Options(BaseModel): ...   # optional: per-check options, extra="forbid"

    def check(unit, options) -> Iterator[Problem]: ...

Checks are pure: they read the unit and yield :class:`Problem` objects. What several checks
share comes from ``bhi_audit.checkkit``, never from another check. The engine stamps the
check id, severity, source citation and money on each, so a check cannot mislabel itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from bhi_audit.models import Record

Scope = Literal["line", "patient_month", "patient", "batch"]
SCOPES: tuple[Scope, ...] = ("line", "patient_month", "patient", "batch")


class Severity(StrEnum):
    """How bad a finding is (rulebook §9): error = denied or recouped; warning = audit risk
    or a rule graded M/L; info = revenue opportunity or housekeeping."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse."""
        return {"info": 1, "warning": 2, "error": 3}[self.value]


@dataclass(frozen=True)
class Problem:
    """What a check yields: where, which field, what is wrong, and the evidence."""

    message: str
    record: Record | None = None
    field: str | None = None
    evidence: tuple[Record, ...] = ()
    facts: Mapping[str, object] = dataclasses.field(default_factory=dict)
    variant: str | None = None
    unverifiable: bool = False
    opportunity: Decimal | None = None
    #: How many of the pointed line's units would be denied (e.g. 99494 units beyond what the
    #: minutes support); None means the whole line. The engine prices the at-risk dollars on it.
    units_at_risk: int | None = None
