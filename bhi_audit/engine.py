"""The engine: feed each check its units, stamp what it yields, contain crashes, summarise.

Why here: checks only read and yield problems. Identity (check id, name), severity (config
override, else the variant's or the check's default), the source citation and money are
stamped here, so a check cannot mislabel itself; a check that raises becomes a visible
internal-error finding naming the check and the unit, and the run fails — never a silent pass.
"""

from __future__ import annotations

import logging
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bhi_audit import RULEBOOK_VERSION, __version__
from bhi_audit.baseline import Baseline, apply_baseline
from bhi_audit.bundle import Bundle
from bhi_audit.checkapi import Problem, Severity
from bhi_audit.comparison import ComparisonTally
from bhi_audit.context import (
    ASKING_CHECK,
    Batch,
    BilledLine,
    LineUnit,
    PatientIndex,
    PatientRecords,
    build_batch,
    partition_of,
)
from bhi_audit.evaluations import (
    EvaluationRun,
    StoredEvaluations,
    make_run,
    settled_pairs,
)
from bhi_audit.evidence import summarize
from bhi_audit.findings import Finding, Outcome
from bhi_audit.models import Claim, ClaimLine, Location, Record
from bhi_audit.policy import line_price, policy_for_year
from bhi_audit.readiness import ReadinessTally
from bhi_audit.registry import CheckSpec
from bhi_audit.result import (
    AuditResult,
    CheckInfo,
    CheckSummary,
    InputFileSummary,
    MissingRecords,
    ModelComparison,
    RecordCount,
    RejectedRecord,
    RunSetup,
    StaleBaselineEntry,
    UnusedWaiver,
)
from bhi_audit.summaries import (
    ZERO,
    ClaimFacts,
    claim_facts,
    summarize_checks,
    summarize_claims,
    summarize_totals,
)
from bhi_audit.waivers import Waiver, apply_waivers, as_of_warning

log = logging.getLogger(__name__)
#: A claim whose patient's partition was lost (its worker died): never "clean".
NOT_AUDITED = "not audited"
#: What a lost partition is reported under: not a check, but listed like one in every report
#: that had one, so that it shows wherever checks and their internal errors are shown.
ENGINE_CHECK = CheckInfo(
    id="BHI-ENGINE",
    name="partitioned-audit",
    scope="batch",
    severity="error",
    origin="built-in",
    summary="every patient partition of a --jobs or cluster audit was audited",
    source="bhi-audit engine, not a billing rule (docs/security.md, section 2)",
)
#: Called with (patients done, patients in all) as the audit goes.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AuditSettings:
    """What the engine needs to know beyond the checks themselves."""

    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, BaseModel] = field(default_factory=dict)
    config: Mapping[str, object] = field(default_factory=dict)
    #: Accepted exceptions (bhi_audit/waivers.py, bhi_audit/baseline.py; docs/gating.md).
    waivers: tuple[Waiver, ...] = ()
    baseline: Baseline | None = None
    not_waivable: frozenset[str] = frozenset()
    #: The day waiver expiry is judged on (None: today).
    as_of: date | None = None
    #: How the run was set up (bhi_audit/config.py); None: built-in defaults, nothing off.
    setup: RunSetup | None = None
    #: Whether ``as_of`` was given (``--as-of``) rather than today: only then is a day before
    #: the audited period's end a mistake worth a note (it revives expired waivers).
    as_of_stated: bool = False


@dataclass(frozen=True)
class Unit:
    """One thing a check was applied to, with what a finding on it needs."""

    key: str
    patient_id: str | None
    month: str | None
    default_record: Record | None


@dataclass
class _Collector:
    findings: list[Finding] = field(default_factory=list)
    #: (check id, unit key, status): plain tuples, made into Evaluations once, when sorted.
    evaluations: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class PartialResult:
    """What auditing one patient partition produced; :meth:`Engine.merge` combines them."""

    partition: int
    findings: list[Finding]
    #: (check id, unit key, status) per check applied to a unit.
    evaluations: list[tuple[str, str, str]]
    patient_months: int
    comparison: ComparisonTally
    #: kind -> checks that asked for it while the input had none (``Batch.asked_missing``).
    missing: dict[str, set[str]] = field(default_factory=dict)
    #: The partition's worker died: its patients were not audited (see failed_partition).
    lost: bool = False
    #: CoCM readiness counts of the partition's patients (bhi_audit.readiness).
    readiness: ReadinessTally = field(default_factory=ReadinessTally)
    #: What the per-claim summaries need of the partition's claims (and, in partition 0, of
    #: lines whose claim is not in the input), so that the merge needs none of the records.
    claims: dict[str, ClaimFacts] = field(default_factory=dict)
    #: The years of service of the partition's claim lines (for the payment-policy notes).
    years: frozenset[int] = frozenset()
    #: The evaluations other than the batch-scope checks', sorted (:meth:`Engine.file_evaluations`);
    #: None: all still in ``evaluations``.
    run: EvaluationRun | None = None


def _lacking(spec: CheckSpec, payload: Any) -> Problem | None:
    """The uniform not-verifiable problem when the input lacks a kind ``spec`` requires.

    Why here: a check declares ``REQUIRES`` and only judges; the engine says, the same way for
    every check, which kind was missing, on the unit's first line the check applies to, and
    notes the kind as missing documentation (``Batch.asked_missing``) for the report's top.
    """
    if isinstance(payload, Batch):
        batch = payload
    elif isinstance(payload, LineUnit):
        batch = payload.month.batch
    else:  # PatientMonth or PatientRecords
        batch = payload.batch
    provided = batch.bundle.provided
    if provided.issuperset(spec.requires):  # NOTE: the usual case, asked once per application
        return None
    missing = [kind for kind in spec.requires if kind not in provided]
    lines: tuple[BilledLine, ...] = (
        (payload.billed,) if isinstance(payload, LineUnit) else getattr(payload, "lines", ())
    )
    for kind in missing:
        batch.asked_missing.setdefault(kind, set()).add(spec.id)
    record = next((b.line for b in lines if spec.codes is None or b.code in spec.codes), None)
    names = " or ".join(kind.replace("_", " ") for kind in missing)
    return Problem(
        message=f"no {names} in the input",
        record=record,
        field=missing[0],
        unverifiable=True,
    )


def _fact(value: object) -> str | int | bool | None:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


class Engine:
    """Runs a fixed list of checks over a bundle."""

    def __init__(self, specs: Iterable[CheckSpec], settings: AuditSettings | None = None) -> None:
        self.specs = list(specs)
        self.settings = settings or AuditSettings()
        self._options = {
            s.id: self.settings.options.get(s.id)
            or (s.options_model() if s.options_model else None)
            for s in self.specs
        }
        self._by_scope: dict[str, list[CheckSpec]] = defaultdict(list)
        for spec in self.specs:
            self._by_scope[spec.scope].append(spec)
        #: (scope, codes billed in a unit) -> the checks of that scope that apply, in order.
        self._applicable: dict[tuple[str, frozenset[str]], tuple[CheckSpec, ...]] = {}
        #: line code -> the line checks that apply to it, in order.
        self._applicable_to_line: dict[str, tuple[CheckSpec, ...]] = {}

    # ------------------------------------------------------------------ running

    def audit(self, bundle: Bundle, progress: Progress | None = None) -> AuditResult:
        """Audit a bundle and return the finished result."""
        batch = build_batch(bundle)
        return self.merge(bundle, batch, [self.audit_partition(batch, 0, 1, progress)])

    def audit_partition(
        self,
        batch: Batch,
        partition: int = 0,
        partitions: int = 1,
        progress: Progress | None = None,
        index: PatientIndex | None = None,
    ) -> PartialResult:
        """Audit the patients of one partition (see ``partition_of``); the partial result.

        Partition 0 also runs the batch-scope checks, so that they run once per audit. Every
        other check is per patient, so the partitions together audit each unit exactly once
        and :meth:`merge` of all of them equals a single-pass audit, byte for byte.

        ``index`` is an index of every patient built once and shared (forked workers): each
        partition then reads only its own patients' records, instead of grouping them all.
        """
        out = _Collector()
        # NOTE: a part of a streamed input (Batch.part) holds only its own patients' records:
        # batch-scope checks then run on every part, and merge() keeps one verdict of them.
        if partition == 0 or batch.part is not None:
            for spec in self._by_scope["batch"]:
                self._apply(spec, batch, Unit("batch", None, None, None), out)
        patient_months = 0
        comparison = ComparisonTally()
        readiness = ReadinessTally()
        if index is None:
            index = PatientIndex(batch, partition, partitions)
            ids = index.ids
        else:
            ids = [i for i in index.ids if partition_of(i, partitions) == partition]
        for done, patient_id in enumerate(ids, start=1):
            records = index.records(patient_id)
            patient_months += self._audit_patient(records, out)
            readiness.add(records, comparison.add(records))
            records.release()
            if progress is not None:
                progress(done, len(ids))
        facts, years = _partition_claims(batch, partition, partitions)
        return PartialResult(
            partition=partition,
            findings=out.findings,
            evaluations=out.evaluations,
            patient_months=patient_months,
            comparison=comparison,
            readiness=readiness,
            missing={kind: set(checks) for kind, checks in batch.asked_missing.items()},
            claims=facts,
            years=years,
        )

    def merge(self, bundle: Bundle, batch: Batch, partials: Iterable[PartialResult]) -> AuditResult:
        """Combine the partial results of every partition into the finished result.

        ``bundle`` and ``batch`` need only hold the run's header: files, counts, rejections,
        provided kinds, coverage and the common records (roster, caseload reviews, period);
        everything drawn from the patients' records comes from the partials.
        """
        out = _Collector()
        patient_months = 0
        comparison = ComparisonTally()
        readiness = ReadinessTally()
        missing: dict[str, set[str]] = defaultdict(set)
        facts: dict[str, ClaimFacts] = {}
        years: set[int] = set()
        ordered = sorted(partials, key=lambda p: p.partition)
        lost = frozenset(p.partition for p in ordered if p.lost)
        runs = []
        for partial in ordered:
            self.file_evaluations(partial)
            assert partial.run is not None
            runs.append(partial.run)
            out.findings.extend(partial.findings)
            out.evaluations.extend(partial.evaluations)
            patient_months += partial.patient_months
            comparison.merge(partial.comparison)
            readiness.merge(partial.readiness)
            for kind, checks in partial.missing.items():
                missing[kind] |= checks
            facts.update(partial.claims)
            years |= partial.years
        _once_per_batch(out, ordered, {s.id for s in self._by_scope["batch"]})
        # NOTE: the batch-scope verdicts (one per check now) are one more, small, run.
        runs.append(make_run(out.evaluations))
        out.evaluations = []
        compared = comparison.result()
        result = self._finish(
            bundle, batch, out, tuple(runs), patient_months, compared, missing, facts, years
        )
        # NOTE: summary phase, like the comparison: computed from the records, not the findings.
        result = result.model_copy(update={"readiness": readiness.result(batch, compared)})
        return _with_engine_check(result, lost, len(ordered))

    def file_evaluations(self, partial: PartialResult, path: Path | None = None) -> None:
        """Move a partial result's evaluations into a sorted run (in ``path``, or in memory).

        Why: the run is what the finished result reads its evaluations from
        (bhi_audit/evaluations.py), so a partition written to a file costs the parent nothing.
        The batch-scope checks' verdicts stay in ``evaluations``: :meth:`merge` keeps one per
        check of a streamed input's partitions.
        """
        if partial.run is not None:
            return
        batch_checks = {s.id for s in self._by_scope["batch"]}
        kept = []
        rows = []
        for evaluation in partial.evaluations:
            if evaluation[1] == "batch" and evaluation[0] in batch_checks:
                kept.append(evaluation)
            else:
                rows.append(evaluation)
        partial.evaluations = kept
        partial.run = make_run(rows, path)

    def failed_partition(
        self,
        batch: Batch,
        partition: int,
        partitions: int,
        reason: str,
        index: PatientIndex | None = None,
    ) -> PartialResult:
        """The partial result of a partition whose audit never completed (its worker died).

        Why a finding: a lost partition must never read as a clean one. It becomes one
        internal-error finding, which every report shows and on which the gate always fails.
        It names the partition and how many patients it held, never which ones; ``reason``
        (from the runner: how the worker ended) must not quote the data either.
        """
        if index is None:
            patients = len(PatientIndex(batch, partition, partitions))
        else:
            patients = sum(1 for i in index.ids if partition_of(i, partitions) == partition)
        facts, years = _partition_claims(batch, partition, partitions)
        unit = f"partition {partition + 1} of {partitions}"
        batch_checks = " and the batch-scope checks" if partition == 0 else ""
        finding = Finding(
            check_id=ENGINE_CHECK.id,
            check_name=ENGINE_CHECK.name,
            severity=Severity.ERROR,
            outcome=Outcome.INTERNAL_ERROR,
            message=(
                f"internal error: {unit} ({patients} patients{batch_checks}) was not audited: "
                f"{reason} (its findings are missing; please report this)"
            ),
            source=ENGINE_CHECK.source,
            location="<input>",
            file="<input>",
            unit=unit,
        )
        return PartialResult(
            partition=partition,
            findings=[finding],
            evaluations=[(ENGINE_CHECK.id, unit, "internal-error")],
            patient_months=0,
            comparison=ComparisonTally(),
            lost=True,
            # NOTE: its claims are still listed (as "not audited"), never silently dropped.
            claims=facts,
            years=years,
        )

    def _audit_patient(self, records: PatientRecords, out: _Collector) -> int:
        pid = records.patient_id
        first = records.lines[0].line if records.lines else None
        patient_codes = frozenset(b.code for b in records.lines)
        for spec in self._applicable_to("patient", patient_codes):
            self._apply(spec, records, Unit(pid, pid, None, first or records.patient), out)
        for month in records.months:
            unit = records.month(month)
            month_default: Record | None = (
                unit.lines[0].line if unit.lines else (unit.time_entries or (None,))[0]
            )
            label = str(month)
            month_unit = Unit(f"{pid} {label}", pid, label, month_default)
            for spec in self._applicable_to("patient_month", unit.codes):
                self._apply(spec, unit, month_unit, out)
            for billed in unit.lines:
                specs = self._applicable_to_line.get(billed.code)
                if specs is None:
                    specs = self._applicable_to("line", frozenset((billed.code,)))
                    self._applicable_to_line[billed.code] = specs
                if specs:  # NOTE: made once per line, shared by its checks
                    line = LineUnit(billed=billed, month=unit)
                    line_unit = Unit(billed.line.line_key, pid, label, billed.line)
                    for spec in specs:
                        self._apply(spec, line, line_unit, out)
        return len(records.months)

    def _applicable_to(self, scope: str, codes: frozenset[str]) -> tuple[CheckSpec, ...]:
        """The checks of ``scope`` that apply to a unit billing ``codes``, in registry order.

        Why cached: a practice bills a handful of distinct code sets, while every unit (about
        a million at 10,000 patients) asked each check again whether it applied.
        """
        found = self._applicable.get((scope, codes))
        if found is None:
            found = tuple(
                spec
                for spec in self._by_scope[scope]
                if spec.codes is None or not spec.codes.isdisjoint(codes)
            )
            self._applicable[(scope, codes)] = found
        return found

    def _apply(self, spec: CheckSpec, payload: Any, unit: Unit, out: _Collector) -> None:
        try:
            lacking = _lacking(spec, payload) if spec.requires else None
            if lacking:
                problems = [lacking]
            else:
                # NOTE: the check is named while it runs, so that a kind of record it asks
                # for and the input lacks is reported against it (Batch.asked_missing). Set
                # here, not by a wrapper: this runs ~1,000,000 times at 10,000 patients.
                token = ASKING_CHECK.set(spec.id)
                try:
                    problems = list(spec.run(payload, self._options[spec.id]))
                finally:
                    ASKING_CHECK.reset(token)
            if not problems:  # NOTE: 99.5 % of applications pass: nothing to stamp
                out.evaluations.append((spec.id, unit.key, "passed"))
                return
            # NOTE: stamped inside the containment: a plugin that yields something other than
            # a Problem (or a Problem pointing at a non-record) is a crash of that check too.
            stamped = [self._stamp(spec, unit, problem) for problem in problems]
        except KeyboardInterrupt:  # the user stopping the run is not a crash of this check
            raise
        except BaseException as exc:  # NOTE: containment (STYLE §10): a crash must not look clean
            # NOTE: BaseException, not Exception: a check calling sys.exit(0) (SystemExit) or
            # raising GeneratorExit must not end the audit with the exit code it chose.
            if isinstance(exc, BaseExceptionGroup) and exc.subgroup(KeyboardInterrupt):
                raise KeyboardInterrupt from exc
            log.debug("check %s crashed on %s\n%s", spec.id, unit.key, traceback.format_exc())
            out.findings.append(self._internal_error(spec, unit, exc))
            out.evaluations.append((spec.id, unit.key, "internal-error"))
            return
        out.findings.extend(stamped)
        status = "passed"
        if any(not p.unverifiable for p in problems):
            status = "failed"
        elif problems:
            status = "unverifiable"
        out.evaluations.append((spec.id, unit.key, status))

    # ------------------------------------------------------------------ stamping

    def _severity(self, spec: CheckSpec, variant: str | None) -> Severity:
        overrides = self.settings.severity_overrides
        if variant is not None and f"{spec.id}:{variant}" in overrides:
            return overrides[f"{spec.id}:{variant}"]
        if spec.id in overrides:
            return overrides[spec.id]
        return spec.severity_for(variant)

    def _stamp(self, spec: CheckSpec, unit: Unit, problem: Problem) -> Finding:
        record = problem.record or unit.default_record
        location = record.location if record is not None else Location(file="<input>")
        outcome = Outcome.UNVERIFIABLE if problem.unverifiable else Outcome.VIOLATION
        severity = Severity.INFO if problem.unverifiable else self._severity(spec, problem.variant)
        claim_id, line_number, code = _claim_fields(record)
        patient_id = unit.patient_id or getattr(record, "patient_id", None)
        at_risk = None
        if (
            outcome is Outcome.VIOLATION
            and severity is not Severity.INFO
            and isinstance(problem.record, ClaimLine)
        ):
            line = problem.record
            units = line.units if problem.units_at_risk is None else problem.units_at_risk
            if units > 0:
                at_risk = line_price(line.code, line.date_of_service, min(units, line.units))
        return Finding(
            check_id=spec.id,
            check_name=spec.name,
            severity=severity,
            outcome=outcome,
            message=problem.message,
            source=spec.source,
            location=str(location),
            file=location.file,
            line=location.line,
            column=location.column,
            field=problem.field,
            patient_id=patient_id,
            month=unit.month,
            claim_id=claim_id,
            line_number=line_number,
            code=code,
            unit=unit.key,
            variant=problem.variant,
            evidence=tuple(summarize(r) for r in problem.evidence),
            facts={str(k): _fact(v) for k, v in sorted(problem.facts.items())},
            at_risk=at_risk,
            opportunity=problem.opportunity,
        )

    def _internal_error(self, spec: CheckSpec, unit: Unit, exc: BaseException) -> Finding:
        record = unit.default_record
        location = record.location if record is not None else Location(file="<input>")
        claim_id, line_number, code = _claim_fields(record)
        where = f"claim {claim_id}" if claim_id else unit.key
        return Finding(
            check_id=spec.id,
            check_name=spec.name,
            severity=Severity.ERROR,
            outcome=Outcome.INTERNAL_ERROR,
            message=(
                f"internal error in check {spec.id} on {where}: {_describe(exc)} "
                "(the check did not run; please report this)"
            ),
            source=spec.source,
            location=str(location),
            file=location.file,
            line=location.line,
            column=location.column,
            patient_id=unit.patient_id,
            month=unit.month,
            claim_id=claim_id,
            line_number=line_number,
            code=code,
            unit=unit.key,
        )

    # ------------------------------------------------------------------ summarising

    def _finish(
        self,
        bundle: Bundle,
        batch: Batch,
        out: _Collector,
        runs: tuple[EvaluationRun, ...],
        patient_months: int,
        comparison: ModelComparison | None,
        missing: Mapping[str, set[str]],
        facts: Mapping[str, ClaimFacts],
        years: Iterable[int],
    ) -> AuditResult:
        findings, unused_waivers, stale_baseline = self._apply_exceptions(out.findings)
        # NOTE: each evaluation's status is settled after waivers and the baseline, as it is
        # read: only the pairs with findings are kept here (bhi_audit/evaluations.py).
        evaluations = StoredEvaluations(
            runs, settled_pairs((f.check_id, f.unit, f.status) for f in findings)
        )
        rejected = tuple(
            RejectedRecord(
                kind=r.kind,
                location=str(r.location),
                file=r.location.file,
                line=r.location.line,
                column=r.location.column,
                message=r.message,
                reasons=r.reasons,
                claim_id=r.claim_id,
            )
            for r in sorted(
                bundle.rejected,
                # NOTE: by CSV row or X12 segment, then pointer, as before documents had
                # lines: the rejected list's order is part of every report but the text one.
                key=lambda r: (
                    r.location.file,
                    r.location.row or r.location.segment or 0,
                    r.location.pointer or "",
                ),
            )
        )
        records = {}
        for kind in sorted(set(bundle.read) | set(bundle.provided)):
            read = bundle.read.get(kind, 0)
            bad = sum(1 for r in bundle.rejected if r.kind == kind)
            unused = bundle.not_used.get(kind, 0)
            records[kind] = RecordCount(
                read=read, audited=read - bad - unused, rejected=bad, not_used=unused
            )
        per_claim = summarize_claims(facts, findings)
        return AuditResult(
            tool="bhi-audit",
            tool_version=__version__,
            rulebook_version=RULEBOOK_VERSION,
            inputs=tuple(
                InputFileSummary(path=f.path, sha256=f.sha256, format=f.format)
                for f in bundle.files
            ),
            coverage={
                "from": batch.coverage.start.isoformat(),
                "to": batch.coverage.end.isoformat(),
                "stated": batch.coverage.stated,
            },
            config=dict(self.settings.config),
            checks=tuple(
                CheckInfo(
                    id=s.id,
                    name=s.name,
                    scope=s.scope,
                    severity=s.default_severity.value,
                    origin=s.origin,
                    summary=s.summary,
                    source=s.source,
                )
                for s in self.specs
            ),
            records=records,
            rejected=rejected,
            findings=findings,
            per_check=summarize_checks([s.id for s in self.specs], findings, evaluations),
            per_claim=per_claim,
            evaluations=evaluations,
            notes=(*self._as_of_notes(batch), *_policy_notes(years)),
            totals=summarize_totals(findings, per_claim, patient_months, len(rejected)),
            missing_records=self._missing_records(facts, missing),
            unused_waivers=unused_waivers,
            stale_baseline=stale_baseline,
            comparison=comparison,
            setup=self._setup(),
        )

    def _setup(self) -> RunSetup:
        """The plan's setup, with the number of checks that actually ran stamped here."""
        setup = self.settings.setup or RunSetup(configuration="defaults", checks_run=0)
        return setup.model_copy(update={"checks_run": len(self.specs)})

    def _as_of_notes(self, batch: Batch) -> tuple[str, ...]:
        """A note when ``--as-of`` precedes the audited period's end (see waivers.py)."""
        if not self.settings.as_of_stated or self.settings.as_of is None:
            return ()
        warning = as_of_warning(self.settings.as_of, batch.coverage.end)
        return (warning,) if warning else ()

    def _missing_records(
        self, facts: Mapping[str, ClaimFacts], missing: Mapping[str, set[str]]
    ) -> tuple[MissingRecords, ...]:
        """Kinds of record the input lacks that checks of the billed codes asked for."""
        specs = {s.id: s for s in self.specs}
        billed = {code for fact in facts.values() for code in fact.codes}
        entries = []
        for kind in sorted(missing):
            checks = sorted(c for c in missing[kind] if c in specs)
            if not checks:
                continue
            codes: set[str] = set()
            for check_id in checks:
                codes |= billed & (specs[check_id].codes or billed)
            listed = ", ".join(sorted(codes)) or "no billed code"
            entries.append(
                MissingRecords(
                    kind=kind,
                    checks=tuple(checks),
                    codes=tuple(sorted(codes)),
                    message=(
                        f"no {kind} records in the input: {len(checks)} check(s) "
                        f"({', '.join(checks)}) could not verify the billed {listed}"
                    ),
                )
            )
        return tuple(entries)

    # ------------------------------------------------------------------ exceptions

    def _apply_exceptions(
        self, findings: Iterable[Finding]
    ) -> tuple[tuple[Finding, ...], tuple[UnusedWaiver, ...], tuple[StaleBaselineEntry, ...]]:
        """Apply waivers, then the baseline, and sort (see docs/gating.md).

        Both only mark findings (``waiver``, ``baselined``); nothing is dropped, so waived
        and baselined findings stay visible and counted. Waivers go first so that a finding
        covered by a waiver in force never uses up a baseline entry.
        """
        ran = {s.id for s in self.specs}
        as_of = self.settings.as_of or date.today()
        marked, unused = apply_waivers(findings, self.settings.waivers, as_of, ran)
        stale: tuple[StaleBaselineEntry, ...] = ()
        if self.settings.baseline is not None:
            marked, stale = apply_baseline(
                marked, self.settings.baseline, ran, self.settings.not_waivable
            )
        return tuple(sorted(marked, key=lambda f: f.sort_key)), unused, stale


def _with_engine_check(
    result: AuditResult, partitions_lost: frozenset[int], partitions: int
) -> AuditResult:
    """The result with :data:`ENGINE_CHECK` listed and summarised when a partition was lost.

    Why afterwards, and only then: a healthy run's result (and every report) stays exactly
    what it was, while a lost partition's finding gets the check entry and summary that
    reports look its check up by (JUnit suites, SARIF rules, the HTML check table), and the
    claims of its patients read "not audited" instead of a clean bill of health.
    """
    lost = sum(1 for f in result.findings if f.check_id == ENGINE_CHECK.id)
    if not lost:
        return result
    per_claim = dict(result.per_claim)
    for claim_id, claimed in result.per_claim.items():
        patient_id = claimed.patient_id
        if patient_id is not None and partition_of(patient_id, partitions) in partitions_lost:
            per_claim[claim_id] = claimed.model_copy(update={"status": NOT_AUDITED})
    statuses = [c.status for c in per_claim.values()]
    totals = result.totals.model_copy(
        update={
            "claims_clean": statuses.count("clean"),
            "claims_flagged": statuses.count("flagged"),
            "claims_not_audited": statuses.count(NOT_AUDITED),
        }
    )
    summary = CheckSummary(
        applicable=lost,
        passed=0,
        failed=0,
        unverifiable=0,
        internal_errors=lost,
        findings=lost,
        at_risk=ZERO,
        opportunity=ZERO,
    )
    return result.model_copy(
        update={
            "checks": (*result.checks, ENGINE_CHECK),
            "per_check": {**result.per_check, ENGINE_CHECK.id: summary},
            "per_claim": per_claim,
            "totals": totals,
        }
    )


def _partition_claims(
    batch: Batch, partition: int, partitions: int
) -> tuple[dict[str, ClaimFacts], frozenset[int]]:
    """The claim facts and years of service of one partition's claims and lines.

    A claim belongs to its patient's partition, and lines whose claim is not in the input to
    partition 0; a batch that holds one part of a streamed input holds only its own.
    """
    claims = batch.claims
    if batch.part is None and partitions > 1:
        claims = {
            claim_id: claim
            for claim_id, claim in claims.items()
            if partition_of(claim.patient_id, partitions) == partition
        }
    lines = [
        line
        for line in batch.bundle.of(ClaimLine)
        if line.claim_id in claims or (partition == 0 and line.claim_id not in batch.claims)
    ]
    return claim_facts(claims, lines), frozenset(line.date_of_service.year for line in lines)


_VERDICT_RANK = {"passed": 0, "unverifiable": 1, "failed": 2, "internal-error": 3}


def _once_per_batch(out: _Collector, partials: list[PartialResult], batch_checks: set[str]) -> None:
    """One verdict and one set of findings per batch-scope check, in place.

    Why: on a streamed input each partition runs the batch-scope checks over its own records
    (Batch.part), so a check's ``batch`` unit comes back once per partition. Its verdict is
    the worst of them (as one run over everything would have found); a problem found in
    several partitions (one about the input as a whole, such as a missing kind) is kept once;
    a check that crashed anywhere keeps only its first internal error, as a single run would.
    """
    worst: dict[str, str] = {}
    others = []
    for evaluation in out.evaluations:
        check_id, unit, status = evaluation
        if unit == "batch" and check_id in batch_checks:
            previous = worst.get(check_id, "passed")
            worst[check_id] = max(previous, status, key=_VERDICT_RANK.__getitem__)
        else:
            others.append(evaluation)
    if sum(1 for e in out.evaluations if e[1] == "batch" and e[0] in batch_checks) <= len(worst):
        return  # one partition ran them: nothing to combine
    out.evaluations[:] = others + [(c, "batch", s) for c, s in worst.items()]
    crashed = {c for c, s in worst.items() if s == "internal-error"}
    reported: set[str] = set()
    first: dict[str, int] = {}
    findings = []
    for partial in partials:
        for finding in partial.findings:
            if finding.unit != "batch" or finding.check_id not in batch_checks:
                findings.append(finding)
                continue
            if finding.check_id in crashed:
                if finding.outcome is Outcome.INTERNAL_ERROR and finding.check_id not in reported:
                    reported.add(finding.check_id)
                    findings.append(finding)
                continue
            key = finding.model_dump_json()
            if first.setdefault(key, partial.partition) == partial.partition:
                findings.append(finding)
    out.findings[:] = findings


def _describe(exc: BaseException) -> str:
    """``Type: message`` of a check's exception, even when its ``__str__`` itself raises."""
    try:
        text = str(exc)
    except Exception:  # NOTE: containment: describing the crash must not crash the engine
        text = "<the exception's message could not be shown>"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _claim_fields(record: Record | None) -> tuple[str | None, int | None, str | None]:
    if isinstance(record, ClaimLine):
        return record.claim_id, record.line_number, record.code
    if isinstance(record, Claim):
        return record.claim_id, None, None
    return None, None, None


def _policy_notes(years: Iterable[int]) -> tuple[str, ...]:
    notes = []
    for year in sorted(set(years)):
        note = policy_for_year(year).note
        if note:
            notes.append(note)
    return tuple(notes)
