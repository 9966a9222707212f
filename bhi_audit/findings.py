"""Findings: the engine's stamped, frozen, totally ordered form of a check's Problem."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit import RULEBOOK_VERSION
from bhi_audit.checkapi import Severity


class Outcome(StrEnum):
    """What kind of finding this is."""

    VIOLATION = "violation"  # the rule is broken
    UNVERIFIABLE = "unverifiable"  # the records given cannot prove or disprove the rule
    INTERNAL_ERROR = "internal-error"  # the check itself crashed: never a silent pass


#: Where a finding stands once waivers and the baseline are applied (first match wins:
#: internal error, waived, baselined, not verifiable, else open). One closed set, so that every
#: report counts the same things (docs/gating.md, "Settled status").
FindingStatus = Literal["open", "waived", "baselined", "unverifiable", "internal-error"]


class WaiverNote(BaseModel):
    """An accepted exception that matched a finding (see docs/gating.md)."""

    model_config = ConfigDict(frozen=True)

    waiver_id: str
    reason: str
    approved_by: str
    expires: date
    evidence: str | None = None
    #: An expired waiver no longer waives: the finding counts again, flagged as expired.
    expired: bool = False


class Evidence(BaseModel):
    """A record that supports a finding, summarised for people and machines."""

    model_config = ConfigDict(frozen=True)

    kind: str
    id: str
    location: str
    summary: str


class Finding(BaseModel):
    """One finding, as every reporter receives it."""

    model_config = ConfigDict(frozen=True)

    check_id: str
    check_name: str
    severity: Severity
    outcome: Outcome
    message: str
    source: str
    location: str
    file: str
    line: int | None = None
    #: The 1-based column to go with ``line`` (1 for a CSV row, X12 segment or NDJSON line;
    #: where the record's object starts in a JSON/YAML document); None when ``line`` is.
    column: int | None = None
    field: str | None = None
    patient_id: str | None = None
    month: str | None = None
    claim_id: str | None = None
    line_number: int | None = None
    code: str | None = None
    unit: str
    variant: str | None = None
    evidence: tuple[Evidence, ...] = ()
    facts: dict[str, str | int | bool | None] = {}
    at_risk: Decimal | None = None
    opportunity: Decimal | None = None
    #: The rulebook revision the finding was judged by (every finding names it).
    rulebook: str = RULEBOOK_VERSION
    waiver: WaiverNote | None = None
    baselined: bool = False
    #: Whether this finding fails the run's gate (``--fail-on`` and the configuration), as
    #: settled by ``gate.settle_gate`` before reporting; None: not settled (a result built
    #: outside ``bhi-audit check``). Not part of the JSON report, whose consumers apply their
    #: own gate; JUnit uses it so that a green gate is a green test report.
    fails_gate: bool | None = Field(default=None, exclude=True)

    @property
    def suppressed(self) -> bool:
        """Waived by a waiver in force, or accepted by the baseline: shown, never gating."""
        return (self.waiver is not None and not self.waiver.expired) or self.baselined

    @property
    def status(self) -> FindingStatus:
        """The settled status: what the finding counts as in every summary and report."""
        if self.outcome is Outcome.INTERNAL_ERROR:
            return "internal-error"
        if self.waiver is not None and not self.waiver.expired:
            return "waived"
        if self.baselined:
            return "baselined"
        if self.outcome is Outcome.UNVERIFIABLE:
            return "unverifiable"
        return "open"

    @property
    def position_key(self) -> tuple[object, ...]:
        """A total order by place in the input: file, line, column, check, then the rest.

        The order of the text report, which editors and problem matchers read like compiler
        output (docs/reports.md); every other report keeps :attr:`sort_key`.
        """
        return (self.file, self.line or 0, self.column or 0, self.check_id, *self.sort_key)

    @property
    def fingerprint(self) -> str:
        """The finding's stable reference: 32 hex digits of SHA-256 over check, unit, claim,
        line, field and variant.

        Why one scheme: SARIF publishes it as ``partialFingerprints["bhiAuditFinding/v1"]``,
        and the fix-first worklist and CSV cite findings by it, so a row of one can be found
        in the other. It hashes what the finding shows: under ``--redact`` the pseudonyms.
        """
        key = "\0".join(
            [
                self.check_id,
                self.unit,
                self.claim_id or "",
                str(self.line_number or ""),
                self.field or "",
                self.variant or "",
            ]
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    @property
    def sort_key(self) -> tuple[object, ...]:
        """A total order: patient, month, claim, line, check, then the rest."""
        return (
            self.patient_id or "",
            self.month or "",
            self.claim_id or "",
            self.line_number or 0,
            self.check_id,
            self.outcome.value,
            self.location,
            self.field or "",
            self.message,
        )
