"""The result's summaries: per check, per claim and in total, from findings and evaluations.

Why apart from the engine: the engine runs checks and stamps what they yield; these are plain
counts and sums over what it produced, after waivers and the baseline settled every finding and
evaluation. They read nothing of the input but the claims and their lines (patient, dates, codes),
so every report's counts follow from the findings and evaluations alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from bhi_audit.checkapi import Severity
from bhi_audit.evaluations import status_counts
from bhi_audit.findings import Finding, Outcome
from bhi_audit.models import Claim, ClaimLine
from bhi_audit.result import CheckSummary, ClaimSummary, Evaluation, Totals

ZERO = Decimal("0.00")
#: Every field of a claim summary: the fields set of each one summarize_claims makes.
_CLAIM_FIELDS = set(ClaimSummary.model_fields)


def summarize_checks(
    check_ids: Iterable[str], findings: tuple[Finding, ...], evaluations: Iterable[Evaluation]
) -> dict[str, CheckSummary]:
    """How each check that ran fared: its evaluations by settled status, its findings, money."""
    counted = status_counts(evaluations)
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_check[finding.check_id].append(finding)
    summary = {}
    for check_id in check_ids:
        counts = counted.get(check_id, Counter())
        mine = by_check[check_id]
        summary[check_id] = CheckSummary(
            applicable=sum(counts.values()),
            passed=counts["passed"],
            failed=counts["failed"],
            unverifiable=counts["unverifiable"],
            internal_errors=counts["internal-error"],
            units_waived=counts["waived"],
            units_baselined=counts["baselined"],
            findings=len(mine),
            waived=sum(1 for f in mine if f.status == "waived"),
            baselined=sum(1 for f in mine if f.status == "baselined"),
            at_risk=sum((f.at_risk for f in mine if f.at_risk), ZERO),
            opportunity=sum((f.opportunity for f in mine if f.opportunity), ZERO),
        )
    return summary


class ClaimFacts(NamedTuple):
    """What a claim's summary needs of the input: its patient, first date of service, codes.

    Why compact: a partitioned audit keeps these for every claim instead of the claims and
    lines themselves, so the merge needs no record of the input.
    """

    #: None when the input has lines under this claim id but no such claim.
    patient_id: str | None
    first_service: date | None
    codes: tuple[str, ...]


def claim_facts(
    claims: Mapping[str, Claim], claim_lines: Iterable[ClaimLine]
) -> dict[str, ClaimFacts]:
    """The facts of every claim and of every claim id that lines name, by claim id."""
    lines: dict[str, list[ClaimLine]] = defaultdict(list)
    for line in claim_lines:
        lines[line.claim_id].append(line)
    facts = {}
    for claim_id in set(claims) | set(lines):
        claim = claims.get(claim_id)
        mine = sorted(lines.get(claim_id, ()), key=lambda line: line.line_number)
        facts[claim_id] = ClaimFacts(
            patient_id=claim.patient_id if claim is not None else None,
            first_service=min((line.date_of_service for line in mine), default=None),
            codes=tuple(dict.fromkeys(line.code for line in mine)),
        )
    return facts


def summarize_claims(
    facts: Mapping[str, ClaimFacts], findings: tuple[Finding, ...]
) -> dict[str, ClaimSummary]:
    """How each claim fared (every claim of the input, and any a finding names), by id.

    Each summary also names the claim's patient, first date of service and codes, which the
    fix-first worklist ranks and words rows by, so that reporters never reach back to the input.
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    risk: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for finding in findings:
        if finding.claim_id is None or finding.outcome is Outcome.UNVERIFIABLE:
            continue
        counts[finding.claim_id][finding.severity.value] += 1
    for (claim_id, _), amount in lines_at_risk(findings).items():
        risk[claim_id] += amount
    claims = {claim_id for claim_id, fact in facts.items() if fact.patient_id is not None}
    none = ClaimFacts(None, None, ())
    result = {}
    for claim_id in sorted(claims | set(counts)):
        c = counts.get(claim_id, {})
        flagged = c.get("error", 0) + c.get("warning", 0) > 0
        fact = facts.get(claim_id, none)
        # NOTE: constructed, not validated, with one shared set of the fields given (all of
        # them): a validated summary cost ~1.2 KB, this one ~0.45 KB, one per claim (378,000
        # at 100,000 patients). The values are the engine's own, of the declared types.
        result[claim_id] = ClaimSummary.model_construct(
            _CLAIM_FIELDS,
            status="flagged" if flagged else "clean",
            errors=c.get("error", 0),
            warnings=c.get("warning", 0),
            infos=c.get("info", 0),
            at_risk=risk.get(claim_id, ZERO),
            patient_id=fact.patient_id,
            first_service=fact.first_service,
            codes=fact.codes,
        )
    return result


def lines_at_risk(findings: Iterable[Finding]) -> dict[tuple[str, int], Decimal]:
    """Money at risk per claim line, counted once however many findings flag the line (the
    largest amount, when one finding puts only some of the line's units at risk).

    A line priced at $0.00 is still a line at risk (with nothing to lose): it is kept, so that
    :func:`open_line_money` never also counts a line an open error denies as at audit risk.
    """
    lines: dict[tuple[str, int], Decimal] = {}
    for finding in findings:
        if finding.at_risk is not None and finding.claim_id and finding.line_number:
            key = (finding.claim_id, finding.line_number)
            lines[key] = max(lines.get(key, finding.at_risk), finding.at_risk)
    return lines


def is_open_problem(finding: Finding) -> bool:
    """An open error or warning: work that decides whether the claim is paid or audited.

    "Open" is the settled status (``Finding.status``), so waived, baselined, not-verifiable
    and internal-error findings never count; an open info is advice, not a problem.
    """
    return finding.status == "open" and finding.severity is not Severity.INFO


class LineMoney(NamedTuple):
    """Open problems' money per claim line: to be denied (open errors) and at audit risk."""

    #: (claim id, line number) -> the largest amount an open error puts at risk.
    denied: dict[tuple[str, int], Decimal]
    #: The same for open warnings, on lines no open error already denies.
    risk: dict[tuple[str, int], Decimal]

    @property
    def totals(self) -> tuple[Decimal, Decimal]:
        """(dollars to be denied, dollars at audit risk)."""
        return sum(self.denied.values(), ZERO), sum(self.risk.values(), ZERO)


def open_line_money(findings: Iterable[Finding]) -> LineMoney:
    """Dollars to be denied and at audit risk, each claim line counted once.

    Why one function: the HTML first screen, its money charts and the fix-first worklist all
    split money this way and used to do it three times, disagreeing on a line an open error
    prices at $0.00 (the error denies it; its warning's amount is not also at audit risk).
    """
    problems = [f for f in findings if is_open_problem(f)]
    denied = lines_at_risk(f for f in problems if f.severity is Severity.ERROR)
    warned = lines_at_risk(f for f in problems if f.severity is Severity.WARNING)
    return LineMoney(denied, {line: v for line, v in warned.items() if line not in denied})


def summarize_totals(
    findings: tuple[Finding, ...],
    per_claim: dict[str, ClaimSummary],
    patient_months: int,
    rejected: int = 0,
) -> Totals:
    """Counts by severity and settled status, claims clean and flagged, and money, in total."""
    violations = [f for f in findings if f.outcome is not Outcome.UNVERIFIABLE]
    open_ = [f for f in findings if f.status == "open"]
    return Totals(
        findings=len(findings),
        errors=sum(1 for f in violations if f.severity is Severity.ERROR),
        warnings=sum(1 for f in violations if f.severity is Severity.WARNING),
        infos=sum(1 for f in violations if f.severity is Severity.INFO),
        unverifiable=sum(1 for f in findings if f.status == "unverifiable"),
        internal_errors=sum(1 for f in findings if f.status == "internal-error"),
        claims=len(per_claim),
        claims_clean=sum(1 for c in per_claim.values() if c.status == "clean"),
        claims_flagged=sum(1 for c in per_claim.values() if c.status == "flagged"),
        patient_months=patient_months,
        at_risk=sum(lines_at_risk(findings).values(), ZERO),
        opportunity=sum((f.opportunity for f in findings if f.opportunity), ZERO),
        waived=sum(1 for f in findings if f.status == "waived"),
        baselined=sum(1 for f in findings if f.status == "baselined"),
        waiver_expired=sum(1 for f in findings if f.waiver is not None and f.waiver.expired),
        open_errors=sum(1 for f in open_ if f.severity is Severity.ERROR),
        open_warnings=sum(1 for f in open_ if f.severity is Severity.WARNING),
        open_infos=sum(1 for f in open_ if f.severity is Severity.INFO),
        rejected=rejected,
    )
