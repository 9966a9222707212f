"""Self-contained HTML report: summary, charts, findings by patient-month and by check.

The page has inline CSS and JavaScript and loads nothing, so it opens offline and prints to
PDF. This module only prepares a sorted, display-ready view model (strings and numbers,
chart geometry included); the jinja2 templates in the ``reports`` package lay it out with
autoescaping on and ``StrictUndefined``, and never mark an input value ``|safe``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from functools import cache
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bhi_audit.findings import Finding
from bhi_audit.reporters.common import clean, status_label
from bhi_audit.reporters.signoff_view import signoff_view
from bhi_audit.result import AuditResult

ZERO = Decimal("0")
SEVERITIES = ("error", "warning", "info")

# Chart geometry (SVG user units).
CHART_WIDTH = 720
LABEL_WIDTH = 170
BAR_MAX = 440
ROW_HEIGHT = 24
BAR_HEIGHT = 16


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
    return Environment(
        finalize=_printable,
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def money(amount: Decimal | None) -> str:
    """``$1,234.56``; an em dash for no amount."""
    return "—" if amount is None else f"${amount:,.2f}"


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
        "severity_rank": {"error": 3, "warning": 2, "info": 1}[finding.severity.value],
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
        "at_risk": money(finding.at_risk) if finding.at_risk is not None else "",
        "at_risk_cents": _cents(finding.at_risk),
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


def build_view(result: AuditResult) -> dict[str, Any]:
    """The display-ready view model of a result (sorted; strings and numbers only)."""
    views = [_finding_view(i, f) for i, f in enumerate(result.findings, start=1)]
    totals = result.totals
    by_check: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for view in views:
        by_check[view["check_id"]].append(view)
    check_names = {c.id: c.name for c in result.checks}
    checks = []
    for check in result.checks:
        summary = result.per_check.get(check.id)
        checks.append(
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
                "findings": summary.findings if summary else 0,
                "at_risk": money(summary.at_risk if summary else ZERO),
                "at_risk_cents": _cents(summary.at_risk if summary else ZERO),
                "opportunity": money(summary.opportunity if summary else ZERO),
            }
        )
    check_groups = [
        {
            "id": check_id,
            "name": check_names.get(check_id, ""),
            "count": len(by_check[check_id]),
            "findings": by_check[check_id],
        }
        for check_id in sorted(by_check)
    ]
    cards = [
        ("claims audited", str(totals.claims), "neutral"),
        ("claims clean", str(totals.claims_clean), "good"),
        ("claims flagged", str(totals.claims_flagged), "bad" if totals.claims_flagged else "good"),
        *(
            [("claims not audited", str(totals.claims_not_audited), "bad")]
            if totals.claims_not_audited
            else []
        ),
        ("errors open", str(totals.open_errors), "bad" if totals.open_errors else "good"),
        ("warnings open", str(totals.open_warnings), "warn" if totals.open_warnings else "good"),
        ("info open", str(totals.open_infos), "neutral"),
        ("not verifiable", str(totals.unverifiable), "neutral"),
        ("at risk", money(totals.at_risk), "bad" if totals.at_risk else "good"),
        ("opportunity", money(totals.opportunity), "neutral"),
    ]
    if totals.internal_errors:
        cards.insert(5, ("internal errors", str(totals.internal_errors), "bad"))
    if totals.rejected:
        cards.insert(3, ("records rejected", str(totals.rejected), "bad"))
    if totals.waived or totals.baselined:
        cards.append(("waived", str(totals.waived), "neutral"))
        cards.append(("baselined", str(totals.baselined), "neutral"))
    if totals.waiver_expired:
        cards.append(("waivers expired", str(totals.waiver_expired), "bad"))
    # NOTE: charts show only the checks with something to draw; the checks table lists all.
    summaries = [(c.id, s) for c in result.checks if (s := result.per_check.get(c.id))]
    findings_chart = bar_chart(
        [(cid, str(s.findings), s.findings, "bar-count") for cid, s in summaries if s.findings]
    )
    risk_chart = bar_chart(
        [(cid, money(s.at_risk), s.at_risk, "bar-risk") for cid, s in summaries if s.at_risk]
    )
    comparison = None
    if result.comparison is not None:
        rows = []
        chart_rows: list[tuple[str, str, Decimal | int, str]] = []
        for row in result.comparison.rows:
            rows.append(
                {
                    "month": row.month,
                    "patient_months": row.patient_months,
                    "general_bhi": money(row.general_bhi),
                    "cocm": money(row.cocm),
                    "difference": money(row.cocm - row.general_bhi),
                }
            )
            chart_rows.append(
                (f"{row.month} general BHI", money(row.general_bhi), row.general_bhi, "bar-bhi")
            )
            chart_rows.append((f"{row.month} CoCM", money(row.cocm), row.cocm, "bar-cocm"))
        chart_rows.append(
            (
                "all months general BHI",
                money(result.comparison.general_bhi),
                result.comparison.general_bhi,
                "bar-bhi total",
            )
        )
        chart_rows.append(
            (
                "all months CoCM",
                money(result.comparison.cocm),
                result.comparison.cocm,
                "bar-cocm total",
            )
        )
        comparison = {
            "rows": rows,
            "general_bhi": money(result.comparison.general_bhi),
            "cocm": money(result.comparison.cocm),
            "difference": money(result.comparison.cocm - result.comparison.general_bhi),
            "note": result.comparison.note,
            "chart": bar_chart(chart_rows),
        }
    return {
        "tool": result.tool,
        "tool_version": result.tool_version,
        "rulebook_version": result.rulebook_version,
        "cards": cards,
        "coverage": [(k, str(v)) for k, v in sorted(result.coverage.items())],
        "setup": _setup_rows(result),
        "config": [
            (k, json.dumps(v, sort_keys=True, ensure_ascii=False, default=str))
            for k, v in sorted(result.config.items())
        ],
        "inputs": [{"path": i.path, "format": i.format, "sha256": i.sha256} for i in result.inputs],
        "records": [
            {"kind": kind, "read": c.read, "audited": c.audited, "rejected": c.rejected}
            for kind, c in sorted(result.records.items())
        ],
        "rejected": [
            {"location": r.location, "kind": r.kind, "message": r.message} for r in result.rejected
        ],
        "notes": list(result.notes),
        "missing": [m.message for m in result.missing_records],
        "unused_waivers": [
            {
                "id": w.waiver_id,
                "check": w.check_id,
                "scope": w.scope,
                "expires": w.expires.isoformat(),
                "state": "expired" if w.expired else "in force",
                "message": w.message,
            }
            for w in result.unused_waivers
        ],
        "stale_baseline": [
            {
                "check": b.check_id,
                "patient": b.patient_id or "",
                "month": b.month or "",
                "code": b.code or "",
                "missing": b.missing,
                "message": b.message,
            }
            for b in result.stale_baseline
        ],
        "checks": checks,
        "findings_chart": findings_chart,
        "risk_chart": risk_chart,
        "comparison": comparison,
        "finding_count": len(views),
        "pm_groups": _groups_by_patient_month(views),
        "check_groups": check_groups,
        "filter_severities": [s for s in SEVERITIES if any(v["severity"] == s for v in views)],
        "filter_statuses": sorted({v["status"] for v in views}),
        "filter_checks": [(c, check_names.get(c, "")) for c in sorted(by_check)],
        "filter_patients": sorted({v["patient"] for v in views if v["patient"]}),
        "signoff": signoff_view(result),  # partial _signoff.html.j2
    }


def _setup_rows(result: AuditResult) -> list[tuple[str, str]]:
    """The run's setup as (term, text) pairs for "How it was audited" (docs/reports.md)."""
    setup = result.setup
    rows = [("configuration", setup.configuration), ("checks run", str(setup.checks_run))]
    by_reason: dict[str, list[str]] = {}
    for off in setup.switched_off:
        by_reason.setdefault(off.reason, []).append(off.check_id)
    rows += [(f"checks off ({reason})", ", ".join(ids)) for reason, ids in by_reason.items()]
    rows += [("configuration not used (among the audited data)", p) for p in setup.config_not_used]
    if setup.weakened_line:
        rows.append(("gate weakened", setup.weakened_line))
    return rows


def render(result: AuditResult, out: TextIO) -> None:
    """Write the HTML document."""
    out.write(environment().get_template("report.html.j2").render(build_view(result)))
