"""Self-contained HTML report: summary, charts, findings by patient-month and by check.

The page has inline CSS and JavaScript and loads nothing, so it opens offline and prints to
PDF. This module only prepares a sorted, display-ready view model (strings and numbers,
chart geometry included); the jinja2 templates in the ``reports`` package lay it out with
autoescaping on and ``StrictUndefined``, and never mark an input value ``|safe``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bhi_audit.findings import Finding, Outcome
from bhi_audit.reporters.appendix_view import appendix_view
from bhi_audit.reporters.chart_view import (
    money_chart,
    problems_chart,
    trend_view,
    unverifiable_chart,
)
from bhi_audit.reporters.common import SEVERITY_RANK, clean, money, status_label
from bhi_audit.reporters.decision_view import audited_months, decision_view
from bhi_audit.reporters.readiness_view import readiness_view
from bhi_audit.reporters.signoff_view import signoff_view
from bhi_audit.reporters.worklist_view import worklist_view
from bhi_audit.result import AuditResult

ZERO = Decimal("0")
SEVERITIES = ("error", "warning", "info")

# Chart geometry (SVG user units).
CHART_WIDTH = 720
LABEL_WIDTH = 170
BAR_MAX = 440
ROW_HEIGHT = 24
BAR_HEIGHT = 16
#: Rows per table of the one-list view (report.js keeps this cut when it sorts).
CHUNK_ROWS = 200


def _printable(value: object) -> object:
    """Drop control characters from text before it is escaped (browsers show them as boxes)."""
    if isinstance(value, Markup):  # our own macros' output, already escaped
        return value
    if not isinstance(value, str) or value.isprintable():  # fast path: nothing to drop
        return value
    return clean(value)


@cache
def environment() -> Environment:
    """The jinja2 environment, loading templates from the installed ``reports`` package."""
    env = Environment(
        finalize=_printable,
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["thousands"] = thousands
    return env


def thousands(number: int) -> str:
    """``5,807``: counts on the first screen read at a glance."""
    return f"{number:,}"


def amount_text(finding: Finding) -> str:
    """A finding's amount at risk; "no national rate" for a flagged line whose code has none
    (never $0, which would read as "nothing to lose")."""
    if finding.at_risk is not None:
        return money(finding.at_risk)
    if (
        finding.outcome is Outcome.VIOLATION
        and finding.severity.value != "info"
        and finding.code
        and finding.line_number
    ):
        return "no national rate"
    return ""


def _cents(amount: Decimal | None) -> int:
    return int((amount or ZERO) * 100)


def bar_chart(rows: list[tuple[str, str, Decimal | int, str]]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart: (label, value text, value, css class) per bar."""
    largest = max((Decimal(v) for _, _, v, _ in rows), default=ZERO)
    bars = []
    for index, (label, text, value, css) in enumerate(rows):
        width = 0 if largest == 0 else round(float(Decimal(value) / largest) * BAR_MAX, 1)
        y = index * ROW_HEIGHT
        bars.append(
            {
                "label": label,
                "text": text,
                "css": css,
                "y": y,
                "text_y": y + BAR_HEIGHT - 3,
                "width": width,
                "value_x": round(LABEL_WIDTH + width + 6, 1),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }


def _finding_view(index: int, finding: Finding) -> dict[str, Any]:
    status = status_label(finding)
    claim = finding.claim_id or ""
    if finding.claim_id and finding.line_number:
        claim = f"{finding.claim_id}#{finding.line_number}"
    waiver = ""
    if finding.waiver is not None:
        state = "waived" if finding.status == "waived" else "waiver expired"
        waiver = (
            f"{state} ({finding.waiver.waiver_id}): {finding.waiver.reason} — approved by "
            f"{finding.waiver.approved_by}, expires {finding.waiver.expires}"
        )
        if finding.waiver.evidence:
            waiver += f"; evidence: {finding.waiver.evidence}"
    label = {
        "not verifiable": "not verifiable",
        "internal error": "internal error",
    }.get(status, finding.severity.value)
    return {
        "anchor": f"f-{index}",
        "patient": finding.patient_id or "",
        "month": finding.month or "",
        "claim": claim,
        "code": finding.code or "",
        "check_id": finding.check_id,
        "check_name": finding.check_name,
        "severity": finding.severity.value,
        # 1-based: the table's sort key (data-key) reads 1 info, 2 warning, 3 error
        "severity_rank": SEVERITY_RANK[finding.severity.value] + 1,
        "label": label,
        "status": status,
        "status_css": status.replace(" ", "-"),
        "suppressed": finding.status in ("waived", "baselined"),
        "message": finding.message,
        "location": finding.location,
        "field": finding.field or "",
        "evidence": [
            {"kind": e.kind, "id": e.id, "summary": e.summary, "location": e.location}
            for e in finding.evidence
        ],
        "facts": [(k, "—" if v is None else str(v)) for k, v in finding.facts.items()],
        "source": finding.source,
        "at_risk": amount_text(finding),
        "at_risk_cents": _cents(finding.at_risk),
        "open": status in ("open", "waiver expired", "internal error"),
        "opportunity": money(finding.opportunity) if finding.opportunity is not None else "",
        "waiver": waiver,
        "baselined": finding.baselined,
    }


def _groups_by_patient_month(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for view in views:
        groups[(view["patient"], view["month"])].append(view)
    return [
        {
            "title": " · ".join(p for p in (patient or "batch", month) if p),
            "patient": patient,
            "month": month,
            "count": len(members),
            "findings": members,
        }
        for (patient, month), members in sorted(groups.items())
    ]


def _chunks(views: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The one list cut into tables of CHUNK_ROWS rows, each skipped by the browser's layout
    while off screen (``content-visibility``), so 10,000 findings open like 200."""
    return [views[i : i + CHUNK_ROWS] for i in range(0, len(views), CHUNK_ROWS)]


def _global_order(view: dict[str, Any]) -> tuple[int, int, int, int]:
    """The one-list view's first order: open before accepted, errors first, dollars first."""
    return (0 if view["open"] else 1, -view["severity_rank"], -view["at_risk_cents"], view["n"])


def _check_rows(result: AuditResult) -> list[dict[str, Any]]:
    """One row per check that ran, flagged ``quiet`` when it passed everywhere it applied; a
    check whose only flagged lines have no national rate reads "no national rate", not $0."""
    unpriced = {
        f.check_id
        for f in result.findings
        if f.status == "open" and amount_text(f) == "no national rate"
    }
    rows = []
    for check in result.checks:
        summary = result.per_check.get(check.id)
        findings = summary.findings if summary else 0
        at_risk = summary.at_risk if summary else ZERO
        risk_text = "no national rate" if not at_risk and check.id in unpriced else money(at_risk)
        rows.append(
            {
                "id": check.id,
                "name": check.name,
                "severity": check.severity,
                "scope": check.scope,
                "origin": check.origin,
                "summary": check.summary,
                "source": check.source,
                "applicable": summary.applicable if summary else 0,
                "passed": summary.passed if summary else 0,
                "failed": summary.failed if summary else 0,
                "accepted": summary.units_waived + summary.units_baselined if summary else 0,
                "unverifiable": summary.unverifiable if summary else 0,
                "internal_errors": summary.internal_errors if summary else 0,
                "findings": findings,
                "at_risk": risk_text,
                "at_risk_cents": _cents(summary.at_risk if summary else ZERO),
                "opportunity": money(summary.opportunity if summary else ZERO),
                "quiet": findings == 0,
            }
        )
    return rows


def build_view(result: AuditResult) -> dict[str, Any]:
    """The display-ready view model of a result (sorted; strings and numbers only)."""
    views = [_finding_view(i, f) for i, f in enumerate(result.findings, start=1)]
    for n, view in enumerate(views):
        view["n"] = n
    check_names = {c.id: c.name for c in result.checks}
    by_check = {v["check_id"] for v in views}
    checks = _check_rows(result)
    months = audited_months(result)
    return {
        "tool": result.tool,
        "tool_version": result.tool_version,
        "rulebook_version": result.rulebook_version,
        "decision": decision_view(result),
        "notes": list(result.notes),
        "missing": [m.message for m in result.missing_records],
        "appendix": appendix_view(result),
        "checks": [c for c in checks if not c["quiet"]],
        "quiet_checks": [c for c in checks if c["quiet"]],
        "problems_chart": problems_chart(result),
        "money_chart": money_chart(result),
        "unverifiable_chart": unverifiable_chart(result),
        "trend": trend_view(result, months),
        "worklist": worklist_view(result),  # the _worklist.html.j2 partial (Fix first, checklist)
        "readiness": readiness_view(result),  # reports/templates/_readiness.html.j2 partial
        "finding_count": len(views),
        "all_chunks": _chunks(sorted(views, key=_global_order)),
        "chunk_rows": CHUNK_ROWS,
        "pm_groups": _groups_by_patient_month(views),
        "filter_severities": [s for s in SEVERITIES if any(v["severity"] == s for v in views)],
        "filter_statuses": sorted({v["status"] for v in views}),
        "filter_checks": [(c, check_names.get(c, "")) for c in sorted(by_check)],
        "filter_months": sorted({v["month"] for v in views if v["month"]}),
        "filter_patients": sorted({v["patient"] for v in views if v["patient"]}),
        "signoff": signoff_view(result),  # partial _signoff.html.j2
    }


def render(result: AuditResult, out: TextIO) -> None:
    """Write the HTML document."""
    out.write(environment().get_template("report.html.j2").render(build_view(result)))
