"""CSV worklist for billing staff: one row per finding, with an empty "resolution" column.

Rejected records come first, one row each (check ``BHI-INPUT``, status ``rejected``): a
record that was not audited is work too. Then the findings, in the result's order (patient,
month, claim, line, check); their status is the settled one (reporters/common.py). Text cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) get
a leading apostrophe, because input values such as patient ids end up in them (OWASP CSV
injection); control, C1 and bidi characters in them are written as escapes, as in the text
report. Money columns are plain numbers with two decimals, empty when there is none.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import TextIO

from bhi_audit.findings import Finding
from bhi_audit.reporters.common import INPUT_CHECK_ID, INPUT_CHECK_NAME, status_label
from bhi_audit.reporters.text import one_line
from bhi_audit.result import AuditResult, RejectedRecord

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
    return status_label(finding)


def rejected_row(rejected: RejectedRecord) -> list[str]:
    """The worklist row of one rejected record."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        check=INPUT_CHECK_ID,
        check_name=INPUT_CHECK_NAME,
        severity="error",
        status="rejected",
        message=_text(f"rejected {rejected.kind} record: {rejected.message}"),
        location=_text(rejected.location),
    )
    return list(row.values())


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
    """Write the header, one row per rejected record, then one row per finding."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rejected in result.rejected:
        writer.writerow(rejected_row(rejected))
    for finding in result.findings:
        writer.writerow(row_of(finding))
