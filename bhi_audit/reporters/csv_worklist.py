"""CSV worklist for billing staff: one row per finding, with an empty "resolution" column.

Rejected records come first, one row each (check ``BHI-INPUT``, status ``rejected``): a
record that was not audited is work too. Then the findings in fix-first order
(bhi_audit/worklist.py): the claims with open errors or warnings by rank — dollars to be
denied, then timely-filing deadline, then claim id — each claim's findings together in the
result's order; then every other finding in the result's order (patient, month, claim, line,
check). ``rank`` is the claim's place in the fix-first worklist, ``deadline`` its
timely-filing date, ``fix`` what document or change fixes the finding, ``ask`` who to ask
(the role that does the fix, bhi_audit/fixes.py), ``finding`` its
reference (the SARIF partial fingerprint). Statuses are the settled ones
(reporters/common.py). Text cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) get
a leading apostrophe, because input values such as patient ids end up in them (OWASP CSV
injection); control, C1 and bidi characters in them are written as escapes, as in the text
report. Money columns are plain numbers with two decimals, empty when there is none.
"""

from __future__ import annotations

import csv
from typing import TextIO

from bhi_audit.findings import Finding
from bhi_audit.fixes import fix_text, who_to_ask
from bhi_audit.reporters.common import INPUT_CHECK_ID, INPUT_CHECK_NAME, amount, status_label
from bhi_audit.reporters.text import one_line
from bhi_audit.result import AuditResult, RejectedRecord
from bhi_audit.worklist import build_worklist, filing_deadline

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
    "rank",
    "deadline",
    "fix",
    "ask",
    "finding",
    "resolution",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    value = one_line(value)  # no control or bidi character reaches a terminal or a cell raw
    return "'" + value if value.startswith(_FORMULA_START) else value


def status_of(finding: Finding) -> str:
    """open / waived / waiver expired / baselined / not verifiable / internal error."""
    return status_label(finding)


def rejected_row(rejected: RejectedRecord) -> list[str]:
    """The worklist row of one rejected record."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        claim=_text(rejected.claim_id),
        check=INPUT_CHECK_ID,
        check_name=INPUT_CHECK_NAME,
        severity="error",
        status="rejected",
        message=_text(f"rejected {rejected.kind} record: {rejected.message}"),
        location=_text(rejected.location),
    )
    return list(row.values())


def row_of(
    finding: Finding, rank: str = "", deadline: str = "", fix: str = "", ask: str = ""
) -> list[str]:
    """The worklist row of one finding, with its claim's rank and deadline and its fix."""
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
        amount(finding.at_risk) or "",
        amount(finding.opportunity) or "",
        _text(finding.location),
        _text(finding.waiver.reason) if finding.waiver is not None else "",
        finding.rulebook,
        rank,
        deadline,
        _text(fix),
        ask,
        finding.fingerprint,
        "",
    ]


def render(result: AuditResult, out: TextIO) -> None:
    """Write the header, one row per rejected record, then one row per finding (fix first)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rejected in result.rejected:
        writer.writerow(rejected_row(rejected))
    ranks = {row.claim_id: row.rank for row in build_worklist(result)}
    deadlines = {
        claim_id: filing_deadline(summary.first_service).isoformat()
        for claim_id, summary in result.per_claim.items()
        if summary.first_service is not None
    }
    summaries = {check.id: check.summary for check in result.checks}
    # NOTE: sorted() is stable: within a rank (and among the unranked) the result's order holds.
    unranked = len(ranks) + 1
    ordered = sorted(result.findings, key=lambda f: ranks.get(f.claim_id or "", unranked))
    for finding in ordered:
        claim = finding.claim_id or ""
        rank = ranks.get(claim)
        writer.writerow(
            row_of(
                finding,
                str(rank) if rank is not None else "",
                deadlines.get(claim, ""),
                fix_text(finding, summaries.get(finding.check_id, "")),
                who_to_ask(finding),
            )
        )
