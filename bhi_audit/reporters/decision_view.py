"""The HTML report's first screen: the decision a compliance officer takes from the run.

Why its own module: the first screen answers "can we submit, what will be denied, what is at
risk" from the finished result, and those numbers need a precise, tested definition that does
not hide among the page layout:

- a claim is **to fix** when an open error finding names it (it will be denied as billed), **to
  review** when only open warnings name it (audit risk), **ready** otherwise; claims whose
  ``--jobs`` partition was lost are **not audited**, and a claim with a rejected claim record
  or line is **blocked** (counted once, and in no other state: it cannot be submitted as
  read); a rejected record whose claim id could not be read counts as one blocked claim;
- dollars **to be denied** are the open errors' amounts at risk and dollars **at audit risk**
  the open warnings', each claim line counted once (a line that is both counts as denied, even
  at $0.00), by ``summaries.open_line_money`` as the worklist and the charts count them;
- a line flagged by an open error whose code has no national rate is counted apart as "no
  national rate", never as $0;
- the period is named in words from the patient-months audited, and the run date is the
  ``--as-of`` day or else the last day the records cover: never the clock, so the page stays
  byte-identical for the same input.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from bhi_audit.bundle import CLAIM_KINDS
from bhi_audit.findings import Finding
from bhi_audit.reporters.common import money
from bhi_audit.result import AuditResult, patient_months_by_month
from bhi_audit.summaries import is_open_problem, open_line_money

#: Between the ends of a span of months or days.
EN_DASH = "\N{EN DASH}"


def day_words(day: date) -> str:
    """``15 April 2026``."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def month_words(month: str) -> str:
    """``2026-03`` -> ``March 2026``."""
    year, number = month.split("-")
    return f"{calendar.month_name[int(number)]} {year}"


def period_words(months: list[str]) -> str:
    """``March 2026``, ``January-December 2026`` or ``November 2025-February 2026`` (en dash)."""
    if not months:
        return ""
    first, last = months[0], months[-1]
    if first == last:
        return month_words(first)
    if first[:4] == last[:4]:
        return f"{calendar.month_name[int(first[5:])]}{EN_DASH}{month_words(last)}"
    return f"{month_words(first)}{EN_DASH}{month_words(last)}"


def audited_months(result: AuditResult) -> list[str]:
    """The months of the patient-months audited (and of the findings), sorted."""
    months = set(patient_months_by_month(result))
    months.update(f.month for f in result.findings if f.month)
    return sorted(m for m in months if _is_month(m))


def _is_month(text: str) -> bool:
    year, _, number = text.partition("-")
    return len(year) == 4 and year.isdigit() and number.isdigit() and 1 <= int(number) <= 12


def open_as(finding: Finding, severity: str) -> bool:
    """An open error (``severity="error"``) or open warning, by the settled status."""
    return is_open_problem(finding) and finding.severity.value == severity


def split_money(findings: Iterable[Finding]) -> tuple[Decimal, Decimal]:
    """(to be denied, at audit risk) of these findings; a line denied is not also at risk."""
    return open_line_money(findings).totals


def no_rate_lines(findings: Iterable[Finding]) -> int:
    """Claim lines an open error flags whose code has no national rate (no amount at all)."""
    priced: set[tuple[str, int]] = set()
    unpriced: set[tuple[str, int]] = set()
    for f in findings:
        if not (open_as(f, "error") and f.claim_id and f.line_number):
            continue
        key = (f.claim_id, f.line_number)
        if f.at_risk is not None:
            priced.add(key)
        elif f.code:
            unpriced.add(key)
    return len(unpriced - priced)


def run_date(result: AuditResult) -> tuple[str, str]:
    """(label, day in words): the ``--as-of`` day, else the last day the records cover."""
    stated = result.config.get("as_of")
    if isinstance(stated, str):
        return "as of", day_words(date.fromisoformat(stated))
    return "records through", day_words(date.fromisoformat(str(result.coverage["to"])))


def claim_states(result: AuditResult) -> dict[str, int]:
    """How many claims are ready, to fix, to review, not audited and blocked."""
    fix = {f.claim_id for f in result.findings if open_as(f, "error")}
    review = {f.claim_id for f in result.findings if open_as(f, "warning")} - fix
    fix.discard(None)
    review.discard(None)
    not_audited = {c for c, s in result.per_claim.items() if s.status == "not audited"}
    rejected = [r for r in result.rejected if r.kind in CLAIM_KINDS]
    blocked = {r.claim_id for r in rejected if r.claim_id is not None}
    unnamed = sum(1 for r in rejected if r.claim_id is None)
    audited = set(result.per_claim) - not_audited - blocked
    return {
        "ready": len(audited - fix - review),
        "fix": len(fix & audited),
        "review": len(review & audited),
        "not_audited": len(not_audited - blocked),
        "blocked": len(blocked) + unnamed,
    }


def decision_view(result: AuditResult) -> dict[str, Any]:
    """The first screen's numbers and words (see the module docstring for each definition)."""
    denied, risk = split_money(result.findings)
    states = claim_states(result)
    months = audited_months(result)
    practice = result.config.get("practice")
    label, day = run_date(result)
    rejected_claims = [
        {"kind": r.kind, "claim_id": r.claim_id, "location": r.location, "message": r.message}
        for r in result.rejected
        if r.kind in CLAIM_KINDS
    ]
    totals = result.totals
    return {
        "practice": practice if isinstance(practice, str) else "",
        "period": period_words(months),
        "months": len(months),
        "run_date_label": label,
        "run_date": day,
        "claims": totals.claims,
        "ready": states["ready"],
        "fix": states["fix"],
        "review": states["review"],
        "not_audited": states["not_audited"],
        "blocked": states["blocked"],
        "denied": money(denied),
        "denied_cents": int(denied * 100),
        "risk": money(risk),
        "risk_cents": int(risk * 100),
        "no_rate": no_rate_lines(result.findings),
        "opportunity": money(totals.opportunity),
        "rejected": totals.rejected,
        "rejected_claims": rejected_claims,
        "rejected_other": totals.rejected - len(rejected_claims),
        "rejected_other_kinds": ", ".join(
            sorted({r.kind for r in result.rejected if r.kind not in CLAIM_KINDS})
        ),
        "open_errors": totals.open_errors,
        "open_warnings": totals.open_warnings,
        "open_infos": totals.open_infos,
        "unverifiable": totals.unverifiable,
        "internal_errors": totals.internal_errors,
        "waived": totals.waived,
        "baselined": totals.baselined,
        "waiver_expired": totals.waiver_expired,
    }
