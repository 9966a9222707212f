"""The finished, immutable result of an audit, which every reporter renders.

Why one object: reporters decide nothing. Everything they show — findings, rejected records,
per-check and per-claim summaries, money, the configuration used — is computed once here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.findings import Finding


class FrozenModel(BaseModel):
    """Base for result parts: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class InputFileSummary(FrozenModel):
    """A file that was read."""

    path: str
    sha256: str
    format: str


class RejectedRecord(FrozenModel):
    """A record that was read but could not be audited."""

    kind: str
    location: str
    file: str
    line: int | None
    message: str
    reasons: tuple[tuple[str, str], ...]


class RecordCount(FrozenModel):
    """Records of one kind: read = audited + rejected + not_used."""

    read: int
    audited: int
    rejected: int
    #: Read but deliberately not used, e.g. FHIR resources no check needs (docs/fhir.md).
    not_used: int = 0


class CheckInfo(FrozenModel):
    """A check that ran."""

    id: str
    name: str
    scope: str
    severity: str
    origin: str
    summary: str
    source: str


#: The settled verdict of one check on one unit, decided by the engine after waivers and the
#: baseline: ``failed`` has an open violation; ``waived`` / ``baselined`` had violations (or
#: not-verifiable findings) that are all accepted, at least one by a waiver in force for
#: ``waived``. Reporters only map these to their format; they never re-derive them.
EvaluationStatus = Literal[
    "passed", "failed", "waived", "baselined", "unverifiable", "internal-error"
]
EVALUATION_STATUSES: tuple[EvaluationStatus, ...] = (
    "passed",
    "failed",
    "waived",
    "baselined",
    "unverifiable",
    "internal-error",
)


class CheckSummary(FrozenModel):
    """How one check fared over the units it applied to.

    ``applicable`` = ``passed + failed + units_waived + units_baselined + unverifiable +
    internal_errors`` (evaluations, by settled status); ``waived`` and ``baselined`` count
    findings.
    """

    applicable: int
    passed: int
    failed: int
    unverifiable: int
    internal_errors: int
    findings: int
    at_risk: Decimal
    opportunity: Decimal
    waived: int = 0
    baselined: int = 0
    units_waived: int = 0
    units_baselined: int = 0


class ClaimSummary(FrozenModel):
    """How one claim fared."""

    status: str  # "clean" | "flagged" | "not audited" (its --jobs partition was lost)
    errors: int
    warnings: int
    infos: int
    at_risk: Decimal


class Evaluation(FrozenModel):
    """One check applied to one unit (claim line, patient-month, patient or the batch)."""

    check_id: str
    unit: str
    status: EvaluationStatus


class Totals(FrozenModel):
    """Counts by severity and outcome, and money.

    ``errors``, ``warnings`` and ``infos`` count every violation, accepted or not; the
    ``open_*`` counts leave out the waived and baselined ones. By construction
    ``findings = open_errors + open_warnings + open_infos + waived + baselined +
    unverifiable + internal_errors`` (each finding counted once, by its settled status).
    """

    findings: int
    errors: int
    warnings: int
    infos: int
    unverifiable: int
    internal_errors: int
    claims: int
    claims_clean: int
    claims_flagged: int
    #: Claims whose patients' --jobs partition was lost (worker died): neither clean nor flagged.
    claims_not_audited: int = 0
    patient_months: int
    at_risk: Decimal
    opportunity: Decimal
    #: Findings covered by a waiver in force / accepted by the baseline (still in findings).
    waived: int = 0
    baselined: int = 0
    #: Findings whose waiver has expired: they count and gate again.
    waiver_expired: int = 0
    #: Violations that are neither waived nor baselined, by severity.
    open_errors: int = 0
    open_warnings: int = 0
    open_infos: int = 0
    #: Records read but not audited (``AuditResult.rejected``).
    rejected: int = 0


class MissingRecords(FrozenModel):
    """A kind of record the input lacks entirely although checks of billed codes needed it.

    Derived from the checks themselves: the engine notes every kind a check asked for (via
    ``Batch.provided``) that the input did not supply, so no list in a reporter can drift.
    """

    kind: str
    checks: tuple[str, ...]
    codes: tuple[str, ...]
    message: str


class UnusedWaiver(FrozenModel):
    """A waiver that matched no finding of a check that ran (clean the waivers file up)."""

    waiver_id: str
    check_id: str
    scope: str
    expires: date
    expired: bool
    message: str


class StaleBaselineEntry(FrozenModel):
    """A baseline entry (or part of its count) that no longer occurs (shrink the baseline)."""

    check_id: str
    patient_id: str | None
    month: str | None
    code: str | None
    variant: str | None
    field: str | None
    missing: int
    message: str


class ComparisonRow(FrozenModel):
    """One month of the general-BHI-versus-CoCM comparison."""

    month: str
    patient_months: int
    general_bhi: Decimal
    cocm: Decimal


class ModelComparison(FrozenModel):
    """What the logged minutes would pay billed as general BHI versus as CoCM (§6.2)."""

    rows: tuple[ComparisonRow, ...]
    general_bhi: Decimal
    cocm: Decimal
    note: str


class SwitchedOffCheck(FrozenModel):
    """A check that did not run, and who switched it off (docs/gating.md)."""

    check_id: str
    #: ``ignore in bhi-audit.toml``, ``--ignore``, ``not in select of bhi-audit.toml`` or
    #: ``not in --select``.
    reason: str
    #: ``configuration`` (a file) or ``command line`` (the user, on purpose).
    by: Literal["configuration", "command line"]


class RunSetup(FrozenModel):
    """How the run was set up, so that a report says what gated it (docs/security.md, 1).

    Why typed and in the result: every report must name the configuration used, how many
    checks ran and which were switched off, and whether configuration weakened the gate.
    Computed in config and engine; reporters only render it.
    """

    #: The configuration file used, or ``defaults`` / ``isolated``.
    configuration: str
    checks_run: int
    switched_off: tuple[SwitchedOffCheck, ...] = ()
    #: What in the configuration file made the gate more lenient (empty: nothing did).
    gate_weakened: tuple[str, ...] = ()
    #: Configuration files found in the audited folders and NOT used (the data is untrusted).
    config_not_used: tuple[str, ...] = ()

    @property
    def weakened_line(self) -> str | None:
        """``gate weakened by configuration (FILE): fail-on never; ...``, or None."""
        if not self.gate_weakened:
            return None
        return f"gate weakened by configuration ({self.configuration}): " + "; ".join(
            self.gate_weakened
        )


#: What a reviewer decided about the audited batch (``--signoff FILE``; docs/reports.md).
Decision = Literal["approved", "approved-with-conditions", "not-approved"]
DECISIONS: tuple[Decision, ...] = ("approved", "approved-with-conditions", "not-approved")


class SignOff(FrozenModel):
    """A reviewer's sign-off of the report, from ``--signoff FILE`` (bhi_audit/signoff.py).

    The file is named by the user on the command line, so it is trusted like ``--config``;
    its values are still plain text in every report (escaped in HTML, one line in text).
    """

    reviewer: str
    role: str
    date: date
    decision: Decision
    notes: str = ""


class ReportDigest(FrozenModel):
    """The report's digest: what a sign-off vouches for (bhi_audit/signoff.py, exactly).

    ``sha256`` is the SHA-256 of the canonical serialisation (``scheme``) of the inputs'
    hashes, the rulebook revision, ``config_sha256`` and the findings, as this report shows
    them (pseudonymised when ``redacted``). It never covers itself, the sign-off or the clock.
    """

    scheme: Literal["bhi-audit-digest/1"] = "bhi-audit-digest/1"
    sha256: str
    #: SHA-256 of the canonical serialisation of the effective configuration (``config``).
    config_sha256: str
    #: Whether the report was redacted (verify must redact its re-audit the same way).
    redacted: bool = False


class AuditResult(FrozenModel):
    """Everything an audit produced."""

    tool: str
    tool_version: str
    rulebook_version: str
    inputs: tuple[InputFileSummary, ...]
    coverage: dict[str, str | bool]
    config: dict[str, object]
    checks: tuple[CheckInfo, ...]
    records: dict[str, RecordCount]
    rejected: tuple[RejectedRecord, ...]
    findings: tuple[Finding, ...]
    per_check: dict[str, CheckSummary]
    per_claim: dict[str, ClaimSummary]
    evaluations: tuple[Evaluation, ...]
    notes: tuple[str, ...]
    totals: Totals
    comparison: ModelComparison | None = None
    unused_waivers: tuple[UnusedWaiver, ...] = ()
    stale_baseline: tuple[StaleBaselineEntry, ...] = ()
    #: How the run was set up: configuration, checks run and off, gate weakened.
    setup: RunSetup
    #: Whole kinds of documentation missing (stated first in every report; docs/gating.md).
    missing_records: tuple[MissingRecords, ...] = ()
    #: Whether the rejected records fail the gate (they do unless ``--fail-on never``), as
    #: settled by ``gate.settle_gate``; None: not settled. Not in the JSON report.
    rejected_fail_gate: bool | None = Field(default=None, exclude=True)
    #: The reviewer's sign-off (``--signoff FILE``), or None: the report is not signed.
    signoff: SignOff | None = None
    #: What a sign-off vouches for, stamped by bhi_audit/signoff.py after the gate is settled.
    digest: ReportDigest | None = None
