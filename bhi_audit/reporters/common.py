"""What several reporters share: money, XML cleaning, severity rank, status labels, waiver text.

Why one module: each format used to spell these itself (and re-derive "waived" or "skipped"
from findings), so the formats could disagree. Reporters now map the result's settled
statuses (``Finding.status``, ``Evaluation.status``) through the helpers here; none decides
a status.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bhi_audit.findings import Finding, FindingStatus

#: Characters XML 1.0 forbids (lxml raises ValueError on them).
_ILLEGAL_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
#: The check id rejected input is reported under in JUnit, SARIF and the CSV worklist.
INPUT_CHECK_ID = "BHI-INPUT"
INPUT_CHECK_NAME = "rejected-input"
INPUT_CHECK_SUMMARY = "A record that was read but could not be audited (rejected input)."
#: How a finding's settled status reads in the text report, CSV worklist and HTML.
STATUS_LABEL: dict[FindingStatus, str] = {
    "open": "open",
    "waived": "waived",
    "baselined": "baselined",
    "unverifiable": "not verifiable",
    "internal-error": "internal error",
}


def money(amount: Decimal | None) -> str:
    """``$1,234.56``, ``-$3.00``; an em dash for no amount (no rate, or nothing to price).

    One formatter for every human-readable report (text, HTML views, readiness, auditor
    pack), so the same amount never reads two ways; a negative amount (a CoCM-minus-BHI
    difference, an underpayment) keeps its sign before the dollar sign.
    """
    if amount is None:
        return "—"
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def amount(value: Decimal | None) -> str | None:
    """``1234.56`` for machine-read fields (JUnit properties, SARIF, CSV); None for none."""
    return None if value is None else f"{value:.2f}"


def clean(text: str) -> str:
    """Text with XML-illegal control characters removed."""
    return _ILLEGAL_XML.sub("", text)


def status_label(finding: Finding) -> str:
    """``open``, ``waived``, ``baselined``, ``not verifiable``, ``internal error``, or
    ``waiver expired`` for an open finding whose waiver has lapsed."""
    if finding.status == "open" and finding.waiver is not None:
        return "waiver expired"
    return STATUS_LABEL[finding.status]


def acceptance(finding: Finding) -> str:
    """Why a waived or baselined finding is accepted (empty for any other finding)."""
    if finding.status == "waived" and finding.waiver is not None:
        return f"waived ({finding.waiver.waiver_id}): {finding.waiver.reason}"
    if finding.status == "baselined":
        return "baselined: accepted in the baseline"
    return ""


def mark(finding: Finding) -> str:
    """The short mark of an accepted or lapsed finding: ``waived W-1 until 2026-06-30``,
    ``baselined``, ``waiver W-1 expired``; empty for any other finding."""
    waiver = finding.waiver
    if finding.status == "waived" and waiver is not None:
        return f"waived {waiver.waiver_id} until {waiver.expires}"
    if finding.status == "baselined":
        return "baselined"
    return ""
