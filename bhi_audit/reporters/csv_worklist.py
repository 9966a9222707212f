"""CSV worklist for billing staff: one row per finding, with an empty "resolution" column.

Rows come in the result's order (patient, month, claim, line, check). Text cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) get
a leading apostrophe, because input values such as patient ids end up in them (OWASP CSV
injection); control, C1 and bidi characters in them are written as escapes, as in the text
report. Money columns are plain numbers with two decimals, empty when there is none.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import TextIO

from bhi_audit.findings import Finding, Outcome
from bhi_audit.reporters.text import one_line
from bhi_audit.result import AuditResult

COLUMNS = (
    "patient",
    "month",
    "claim",
    "line",
    "code",
    "check",
    "check_name",
    "severity",
    "status",
    "message",
    "at_risk",
    "opportunity",
    "location",
    "waiver_reason",
    "rulebook",
    "resolution",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    value = one_line(value)  # no control or bidi character reaches a terminal or a cell raw
    return "'" + value if value.startswith(_FORMULA_START) else value


def _money(amount: Decimal | None) -> str:
    return f"{amount:.2f}" if amount is not None else ""


def status_of(finding: Finding) -> str:
    """open / waived / waiver expired / baselined / not verifiable / internal error."""
    if finding.outcome is Outcome.INTERNAL_ERROR:
        return "internal error"
    if finding.waiver is not None and not finding.waiver.expired:
        return "waived"
    if finding.baselined:
        return "baselined"
    if finding.outcome is Outcome.UNVERIFIABLE:
        return "not verifiable"
    if finding.waiver is not None:
        return "waiver expired"
    return "open"


def row_of(finding: Finding) -> list[str]:
    """The worklist row of one finding."""
    return [
        _text(finding.patient_id),
        finding.month or "",
        _text(finding.claim_id),
        str(finding.line_number) if finding.line_number is not None else "",
        finding.code or "",
        finding.check_id,
        finding.check_name,
        finding.severity.value,
        status_of(finding),
        _text(finding.message),
        _money(finding.at_risk),
        _money(finding.opportunity),
        _text(finding.location),
        _text(finding.waiver.reason) if finding.waiver is not None else "",
        finding.rulebook,
        "",
    ]


def render(result: AuditResult, out: TextIO) -> None:
    """Write the header and one row per finding."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for finding in result.findings:
        writer.writerow(row_of(finding))
