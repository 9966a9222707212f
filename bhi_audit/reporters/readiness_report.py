"""The ``bhi-audit readiness`` report: CoCM readiness per month as text, JSON or a standalone page.

Why apart from the audit reporters: the command answers one question ("could we bill CoCM,
and what would it pay?") and renders only ``AuditResult.readiness`` with a short header; the
main reports show the same section among the findings. Each renderer takes the finished
result and a stream, like every reporter, and decides nothing (docs/readiness.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from bhi_audit.reporters.common import money
from bhi_audit.reporters.html import environment
from bhi_audit.reporters.readiness_view import STATUS_WORDS, readiness_view
from bhi_audit.reporters.text import one_line
from bhi_audit.result import AuditResult, ReadinessMonth

#: Bumped only on incompatible changes of the readiness JSON document.
SCHEMA_VERSION = "1"


def _period(result: AuditResult) -> str:
    return f"{result.coverage.get('from')}..{result.coverage.get('to')}"


def to_document(result: AuditResult) -> dict[str, Any]:
    """The readiness JSON document: a header and ``AuditResult.readiness`` (or null)."""
    readiness = result.readiness
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": result.tool,
        "tool_version": result.tool_version,
        "rulebook_version": result.rulebook_version,
        "coverage": result.coverage,
        "configuration": result.setup.configuration,
        "readiness": None if readiness is None else readiness.model_dump(mode="json"),
    }


def render_json(result: AuditResult, out: TextIO) -> None:
    """Write the readiness document as sorted, indented JSON with a trailing newline."""
    json.dump(to_document(result), out, indent=2, sort_keys=True, ensure_ascii=False)
    out.write("\n")


def _text_month(month: ReadinessMonth, out: TextIO) -> None:
    assessed = "CoCM" if month.assessed == "cocm" else "general BHI (no CoCM: as if CoCM)"
    out.write(
        f"\n{month.month}  {STATUS_WORDS[month.status]}  "
        f"{month.patient_months} {assessed} patient-month(s)\n"
    )
    for item in month.items:
        out.write(f"  [{item.status}] {item.title}: {one_line(item.summary)}\n")
        for line in item.evidence:
            out.write(f"      {one_line(line)}\n")
        if item.refs:
            more = f" and {item.refs_more} more" if item.refs_more else ""
            out.write(f"      refs: {one_line(', '.join(item.refs))}{more}\n")
        out.write(f"      ({item.rule})\n")
    minutes = month.minutes
    out.write(
        f"  minutes reach: 99492 {minutes.reach_99492}, 99493 {minutes.reach_99493}, with 99494 "
        f"{minutes.with_99494} ({minutes.units_99494} unit(s)), G2214 only "
        f"{minutes.g2214_only}, below G2214 {minutes.below_g2214}\n"
        f"  would pay ({month.priced_patient_months} patient-month(s) with BHI/CoCM time): "
        f"general BHI {money(month.general_bhi)}  CoCM {money(month.cocm)}\n"
    )


def render_text(result: AuditResult, out: TextIO) -> None:
    """Write the readiness report as plain text, one block per month."""
    out.write(
        f"CoCM readiness: {result.tool} {result.tool_version}, {result.rulebook_version}; "
        f"records {_period(result)}; configuration {one_line(result.setup.configuration)}\n"
    )
    readiness = result.readiness
    if readiness is None:
        out.write("no BHI or CoCM patient-month in the input: nothing to assess\n")
        return
    for month in readiness.months:
        _text_month(month, out)
    out.write(
        f"\ntotal  general BHI {money(readiness.general_bhi)}  CoCM {money(readiness.cocm)}\n"
    )
    for rate in readiness.rates:
        factors = "; ".join(rate.conversion_factors)
        out.write(
            f"rates CY{rate.year}: {rate.source}" + (f"; {factors}" if factors else "") + "\n"
        )
    out.write(f"({readiness.money_note})\n({readiness.note})\n")


def render_html(result: AuditResult, out: TextIO) -> None:
    """Write the standalone readiness page (the same partial as the main report's section)."""
    page = environment().get_template("readiness.html.j2")
    out.write(
        page.render(
            tool=result.tool,
            tool_version=result.tool_version,
            rulebook_version=result.rulebook_version,
            period=_period(result),
            configuration=result.setup.configuration,
            readiness=readiness_view(result),
        )
    )


READINESS_FORMATS: dict[str, Callable[[AuditResult, TextIO], None]] = {
    "html": render_html,
    "json": render_json,
    "text": render_text,
}
