"""Fix first: one ranked worklist of claims with open problems, and a per-patient checklist.

Why a view of the result and not of the input: data flows loaders -> records -> engine ->
result -> reporters, and everything needed here is in the finished ``AuditResult``: the
findings (with their settled status, money and facts) and the per-claim summaries (patient,
first date of service, codes). The CSV worklist and the HTML "Fix first" section both take
their order from :func:`build_worklist`, so they cannot disagree.

The ranking (issue 13, item 2), a total order:

1. dollars **to be denied**, descending: per claim line, the largest ``at_risk`` of its open
   errors, each line counted once (``summaries.open_line_money``, as the HTML first screen);
2. the claim's **timely-filing deadline**, earliest first (:func:`filing_deadline`);
3. the claim id.

"Open" is the settled status (``Finding.status``): waived, baselined, not-verifiable and
internal-error findings are not work on the claim. Open warnings put the line's money
**at audit risk** instead (only for lines no open error already puts to be denied), and
rank a claim only through its deadline. An open error on a code with no national rate adds
nothing to the dollars and marks the row "no national rate" instead of showing $0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from bhi_audit.findings import Finding, Outcome
from bhi_audit.fixes import fix_text, who_to_ask
from bhi_audit.result import AuditResult
from bhi_audit.summaries import is_open_problem, open_line_money

#: How a checklist item's kind reads, in the order items are listed.
KINDS = ("error", "warning", "not verifiable")


def filing_deadline(first_service: date) -> date:
    """The last day to file a claim whose earliest line "From" date is ``first_service``.

    42 CFR 424.44(a)(1): a Medicare Part B claim must be filed no later than 12 months (one
    calendar year) after the date of service. For a professional claim (CMS-1500 / 837P)
    whose lines carry dates of service, the line item "From" date starts the period (CMS IOM
    100-04, Medicare Claims Processing Manual, ch. 1 §70.1; First Coast and Palmetto GBA
    timely-filing pages), so a monthly code such as 99484 or 99493 runs from the date of
    service on its line, not from the first or last day of its month. A claim's deadline is
    that of its earliest line. A 29 February date of service must be filed by 28 February
    of the following year (CMS transmittal 734, CR 7080).
    """
    try:
        return first_service.replace(year=first_service.year + 1)
    except ValueError:  # NOTE: 29 February -> 28 February of the next year (CR 7080)
        return date(first_service.year + 1, 2, 28)


@dataclass(frozen=True)
class FixLine:
    """One underlying problem of a claim: what fixes it, and the findings behind it."""

    severity: str  # "error" (to be denied) | "warning" (audit risk)
    text: str
    #: Who to ask: the role that does the fix (fixes.who_to_ask of the line's first finding).
    ask: str
    checks: tuple[str, ...]
    #: ``Finding.fingerprint`` of each finding behind the line (the SARIF partial fingerprint).
    refs: tuple[str, ...]


@dataclass(frozen=True)
class WorklistRow:
    """A claim with open problems, as the worklist shows it."""

    rank: int
    claim_id: str
    patient_id: str
    month: str
    codes: tuple[str, ...]
    to_be_denied: Decimal
    audit_risk: Decimal
    #: Codes of open errors with no national rate: denied, but not counted in the dollars.
    no_rate: tuple[str, ...]
    deadline: date | None
    fixes: tuple[FixLine, ...]


@dataclass(frozen=True)
class ChecklistItem:
    """One thing missing for a patient, deduplicated across claims and months."""

    kind: str  # one of KINDS
    text: str
    #: Who to ask (fixes.who_to_ask of the item's first finding).
    ask: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class PatientChecklist:
    """What is missing for one patient, errors first, then warnings, then not verifiable."""

    patient_id: str
    items: tuple[ChecklistItem, ...]


def _summaries(result: AuditResult) -> dict[str, str]:
    return {check.id: check.summary for check in result.checks}


def _fix_lines(findings: list[Finding], summaries: dict[str, str]) -> tuple[FixLine, ...]:
    """Findings grouped by (severity, fix text), errors first, then in the result's order."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: f.severity.value != "error"):
        text = fix_text(finding, summaries.get(finding.check_id, ""))
        grouped.setdefault((finding.severity.value, text), []).append(finding)
    return tuple(
        FixLine(
            severity=severity,
            text=text,
            ask=who_to_ask(group[0]),
            checks=tuple(dict.fromkeys(f.check_id for f in group)),
            refs=tuple(dict.fromkeys(f.fingerprint for f in group)),
        )
        for (severity, text), group in grouped.items()
    )


def _row(
    result: AuditResult, claim_id: str, findings: list[Finding], summaries: dict[str, str]
) -> WorklistRow:
    errors = [f for f in findings if f.severity.value == "error"]
    to_be_denied, audit_risk = open_line_money(findings).totals
    no_rate = tuple(
        dict.fromkeys(
            f.code
            for f in errors
            if f.code is not None and f.line_number is not None and f.at_risk is None
        )
    )
    summary = result.per_claim.get(claim_id)
    first = summary.first_service if summary is not None else None
    months = sorted({f.month for f in findings if f.month})
    month = first.strftime("%Y-%m") if first is not None else (months[0] if months else "")
    patient = (summary.patient_id if summary is not None else None) or next(
        (f.patient_id for f in findings if f.patient_id), ""
    )
    codes = summary.codes if summary is not None and summary.codes else ()
    if not codes:
        codes = tuple(dict.fromkeys(f.code for f in findings if f.code))
    return WorklistRow(
        rank=0,
        claim_id=claim_id,
        patient_id=patient or "",
        month=month,
        codes=codes,
        to_be_denied=to_be_denied,
        audit_risk=audit_risk,
        no_rate=no_rate,
        deadline=filing_deadline(first) if first is not None else None,
        fixes=_fix_lines(findings, summaries),
    )


def rank_key(row: WorklistRow) -> tuple[Decimal, date, str]:
    """Dollars to be denied (descending), then deadline (earliest; none last), then claim id."""
    return (-row.to_be_denied, row.deadline or date.max, row.claim_id)


def build_worklist(result: AuditResult) -> tuple[WorklistRow, ...]:
    """Every claim with an open error or warning, ranked (see the module docstring)."""
    by_claim: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.claim_id is not None and is_open_problem(finding):
            by_claim[finding.claim_id].append(finding)
    summaries = _summaries(result)
    rows = sorted(
        (_row(result, claim_id, found, summaries) for claim_id, found in by_claim.items()),
        key=rank_key,
    )
    return tuple(replace(row, rank=rank) for rank, row in enumerate(rows, start=1))


def _kind(finding: Finding) -> str | None:
    if finding.status == "unverifiable" and finding.outcome is Outcome.UNVERIFIABLE:
        return "not verifiable"
    if is_open_problem(finding):
        return finding.severity.value
    return None


def documentation_checklist(result: AuditResult) -> tuple[PatientChecklist, ...]:
    """Per patient (in id order), what is missing: one item per distinct fix text.

    Items come from the patient's open errors and warnings (on a claim or not: a time entry
    with no staff name is a patient's problem too) and from its not-verifiable findings,
    whose fix is to supply the records that decide them. Errors come first, then warnings,
    then not verifiable; within a kind, in the result's finding order.
    """
    summaries = _summaries(result)
    items: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(dict)
    asks: dict[tuple[str, str, str], str] = {}
    for finding in result.findings:
        kind = _kind(finding)
        if kind is None or not finding.patient_id:
            continue
        text = fix_text(finding, summaries.get(finding.check_id, ""))
        refs = items[finding.patient_id].setdefault((kind, text), [])
        asks.setdefault((finding.patient_id, kind, text), who_to_ask(finding))
        if finding.fingerprint not in refs:
            refs.append(finding.fingerprint)
    return tuple(
        PatientChecklist(
            patient_id=patient,
            items=tuple(
                ChecklistItem(
                    kind=kind, text=text, ask=asks[(patient, kind, text)], refs=tuple(refs)
                )
                for (kind, text), refs in sorted(
                    items[patient].items(), key=lambda item: KINDS.index(item[0][0])
                )
            ),
        )
        for patient in sorted(items)
    )
