"""The finished, immutable result of an audit, which every reporter renders.

Why one object: reporters decide nothing. Everything they show — findings, rejected records,
per-check and per-claim summaries, money, the configuration used — is computed once here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator

from bhi_audit.evaluations import Evaluation as Evaluation
from bhi_audit.evaluations import EvaluationStatus, StoredEvaluations, of_checks
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
    #: The 1-based column to go with ``line`` (see ``Finding.column``).
    column: int | None = None
    #: The claim a rejected ``claims`` / ``claim_lines`` record names (as given, possibly
    #: invalid), so reports say which claim it leaves unaudited; None when unreadable.
    claim_id: str | None = None


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
    """How one claim fared.

    ``flagged`` records what the audit found: an error or warning names the claim, accepted
    (waived, baselined) or not, just as ``errors`` and ``warnings`` count every violation.
    Whether the claim can go out is decided from the settled ``Finding.status`` (the HTML first
    screen's "ready" and the fix-first worklist), never from this field.
    """

    status: str  # "clean" | "flagged" | "not audited" (its --jobs partition was lost)
    errors: int
    warnings: int
    infos: int
    at_risk: Decimal
    #: Who and what the claim is, so that the fix-first worklist (bhi_audit/worklist.py) ranks
    #: claims from the result alone: the claim's patient, the earliest "From" date of service
    #: of its lines (the date its Medicare timely-filing limit runs from) and its line codes in
    #: line order. None / empty for a claim id that only a finding names.
    patient_id: str | None = None
    first_service: date | None = None
    codes: tuple[str, ...] = ()


def findings_by_evaluation(
    findings: tuple[Finding, ...],
) -> dict[tuple[str, str], tuple[Finding, ...]]:
    """Each evaluation's findings, keyed by its ``(check_id, unit)``, in the findings' order.

    Why here: the engine settles an evaluation's status from exactly these findings
    (``engine._settle``); a reporter that shows them beside the verdict (JUnit's testcase
    ``system-out``) looks them up here instead of keeping its own join.
    """
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        grouped.setdefault((finding.check_id, finding.unit), []).append(finding)
    return {key: tuple(group) for key, group in grouped.items()}


class _Json:
    """Models that exist only at the JSON boundary (the report's schema, validation)."""

    class Evaluation(FrozenModel):
        """One check applied to one unit (claim line, patient-month, patient or the batch)."""

        check_id: str
        unit: str
        status: EvaluationStatus


def _evaluations_in(value: object) -> Collection[Evaluation]:
    """Evaluations as given (the engine's, as they are) or from their JSON objects (validated)."""
    if isinstance(value, StoredEvaluations):
        return value
    if not isinstance(value, tuple | list):
        raise ValueError("evaluations must be a list")
    if all(type(e) is Evaluation for e in value):
        return tuple(value)
    return tuple(e if type(e) is Evaluation else _evaluation_from_json(e) for e in value)


def _evaluation_from_json(value: object) -> Evaluation:
    valid = _Json.Evaluation.model_validate(value)
    return Evaluation(valid.check_id, valid.unit, valid.status)


def _evaluations_out(value: Collection[Evaluation]) -> tuple[_Json.Evaluation, ...]:
    """Evaluations as the JSON report's objects (only when a whole result is dumped)."""
    fields = set(_Json.Evaluation.model_fields)
    return tuple(_Json.Evaluation.model_construct(fields, **e._asdict()) for e in value)


#: What ``AuditResult.evaluations`` holds: named tuples inside (a tuple, or the engine's
#: :class:`~bhi_audit.evaluations.StoredEvaluations`), objects in JSON and its schema.
Evaluations = Annotated[
    Collection[Evaluation],
    PlainValidator(_evaluations_in, json_schema_input_type=tuple[_Json.Evaluation, ...]),
    PlainSerializer(_evaluations_out, return_type=tuple[_Json.Evaluation, ...]),
]


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


#: A readiness item's verdict (docs/readiness.md): the records show it, show it in part (or
#: leave a qualification blank), or show it absent.
ReadinessStatus = Literal["green", "amber", "red"]


class ReadinessItem(FrozenModel):
    """One CoCM readiness requirement in one month, with the evidence behind its status."""

    #: ``psychiatric_consultant``, ``care_manager``, ``registry``, ``caseload_reviews``,
    #: ``rating_scales``, ``consents`` or ``minutes``.
    item: str
    title: str
    status: ReadinessStatus
    summary: str
    #: Counts, roster roles and names of staff (never patient identifiers).
    evidence: tuple[str, ...] = ()
    #: Record references behind the status (record ids, ``<patient> <month>`` for a gap),
    #: sorted, at most :data:`bhi_audit.readiness.MAX_REFS`; ``refs_more`` counts the rest.
    refs: tuple[str, ...] = ()
    refs_more: int = 0
    #: Where the rule comes from in the rulebook.
    rule: str


class CocmMinutes(FrozenModel):
    """How the month's patient-months' countable CoCM minutes fall on the §2.4 table."""

    patient_months: int
    reach_99492: int
    reach_99493: int
    #: Patient-months whose minutes also support 99494 units, and how many units in all.
    with_99494: int
    units_99494: int
    g2214_only: int
    below_g2214: int
    #: Patient-months whose month type (initial or subsequent) the records cannot tell.
    unknown_month_type: int


class ReadinessMonth(FrozenModel):
    """CoCM readiness of one calendar month, with what its minutes would pay."""

    month: str
    #: Whose patient-months were assessed: the month's CoCM patient-months, or, in a month
    #: with no CoCM at all, its general BHI patient-months as if they were billed as CoCM.
    assessed: Literal["cocm", "general_bhi"]
    patient_months: int
    #: The worst item status.
    status: ReadinessStatus
    items: tuple[ReadinessItem, ...]
    minutes: CocmMinutes
    #: The month's row of the comparison, which prices every patient-month with BHI or CoCM
    #: time (None: no such time, or rates not loaded for the year).
    priced_patient_months: int = 0
    general_bhi: Decimal | None = None
    cocm: Decimal | None = None


class RateYear(FrozenModel):
    """The payment rates a year of the comparison was priced with, and their source."""

    year: int
    loaded: bool
    source: str
    conversion_factors: tuple[str, ...] = ()


class Readiness(FrozenModel):
    """CoCM readiness per month, computed from the records (docs/readiness.md)."""

    months: tuple[ReadinessMonth, ...]
    general_bhi: Decimal
    cocm: Decimal
    rates: tuple[RateYear, ...]
    note: str
    #: The comparison's own note (how the minutes were priced; months left out).
    money_note: str = ""


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
    evaluations: Evaluations
    notes: tuple[str, ...]
    totals: Totals
    comparison: ModelComparison | None = None
    #: CoCM readiness per month (None: no BHI or CoCM patient-month in the input).
    readiness: Readiness | None = None
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


def patient_months_by_month(result: AuditResult) -> dict[str, set[str]]:
    """The patient-months (units) the patient-month checks applied to, by month ``YYYY-MM``.

    Why here: a patient-month unit reads ``<patient> <YYYY-MM>``; the HTML first screen (the
    period audited) and its month-over-month chart (patient-months per month) both need it,
    and reading the month out of the unit string is done once, in one place.
    """
    of_check = of_checks(result.evaluations)
    by_month: dict[str, set[str]] = {}
    for check_id in sorted({c.id for c in result.checks if c.scope == "patient_month"}):
        for evaluation in of_check(check_id):
            month = evaluation.unit.rsplit(" ", 1)[-1]
            by_month.setdefault(month, set()).add(evaluation.unit)
    return by_month
