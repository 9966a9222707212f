"""View model of the HTML "Fix first" worklist and "Documentation checklist" sections.

The partial ``reports/templates/_worklist.html.j2`` lays it out; it reads only the
``worklist`` key of the page context, which html.py fills with :func:`worklist_view`. The
order and the texts come from bhi_audit/worklist.py (the CSV worklist uses the same), so this
module only formats: money as ``$1,234.56``, findings cited by the first
:data:`REF_DIGITS` hex digits of their fingerprint (the full one in a tooltip, as in SARIF
and the CSV ``finding`` column).

Long lists stay usable: the first :data:`TOP_CLAIMS` claims (and checklist patients) are
shown, the rest sit in a collapsed ``<details>`` below them, so a 1,500-patient year opens
on the claims that matter; the CSV worklist holds every row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bhi_audit.reporters.common import money
from bhi_audit.result import AuditResult
from bhi_audit.worklist import (
    FixLine,
    WorklistRow,
    build_worklist,
    documentation_checklist,
)

TOP_CLAIMS = 25
OPEN_PATIENTS = TOP_CLAIMS
REF_DIGITS = 12
ZERO = Decimal("0")


def _refs(refs: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"short": ref[:REF_DIGITS], "full": ref} for ref in refs]


def _fix(fix: FixLine) -> dict[str, Any]:
    return {
        "severity": fix.severity,
        "text": fix.text,
        "ask": fix.ask,
        "checks": ", ".join(fix.checks),
        "refs": _refs(fix.refs),
    }


def _row(row: WorklistRow) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "claim": row.claim_id,
        "patient": row.patient_id,
        "month": row.month,
        "codes": ", ".join(row.codes),
        "denied": money(row.to_be_denied) if row.to_be_denied else "",
        "denied_cents": int(row.to_be_denied * 100),
        "no_rate": ", ".join(row.no_rate),
        "risk": money(row.audit_risk) if row.audit_risk else "—",
        "deadline": row.deadline.isoformat() if row.deadline is not None else "—",
        "fixes": [_fix(fix) for fix in row.fixes],
    }


def worklist_view(result: AuditResult) -> dict[str, Any]:
    """The ``worklist`` key of the HTML page context."""
    worklist = build_worklist(result)
    rows = [_row(row) for row in worklist]
    checklist = [
        {
            "patient": patient.patient_id,
            "entries": [
                {
                    "kind": item.kind,
                    "kind_css": item.kind.replace(" ", "-"),
                    "text": item.text,
                    "ask": item.ask,
                    "refs": _refs(item.refs),
                }
                for item in patient.items
            ],
        }
        for patient in documentation_checklist(result)
    ]
    return {
        "count": len(rows),
        "top": TOP_CLAIMS,
        "shown": rows[:TOP_CLAIMS],
        "more": rows[TOP_CLAIMS:],
        "to_be_denied": money(sum((r.to_be_denied for r in worklist), ZERO)),
        "audit_risk": money(sum((r.audit_risk for r in worklist), ZERO)),
        "no_rate_claims": sum(1 for r in worklist if r.no_rate),
        "patients": len(checklist),
        "checklist": checklist[:OPEN_PATIENTS],
        "checklist_more": checklist[OPEN_PATIENTS:],
    }
