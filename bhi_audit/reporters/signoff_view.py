"""View model of the HTML sign-off block (``reports/templates/_signoff.html.j2``).

Why its own module: the block is one partial with one key of the page's context
(``signoff``), so it can change without touching the rest of the page's view model.
"""

from __future__ import annotations

from typing import Any

from bhi_audit.result import DECISIONS, AuditResult

#: How each decision reads on the page (the sign-off file uses the keys).
DECISION_LABELS = {
    "approved": "Approved for submission",
    "approved-with-conditions": "Approved with conditions (see notes)",
    "not-approved": "Not approved",
}


def signoff_view(result: AuditResult) -> dict[str, Any]:
    """Filled (``--signoff``) or empty sign-off block, and the digest it vouches for."""
    signed = result.signoff
    digest = result.digest
    return {
        "signed": signed is not None,
        "reviewer": signed.reviewer if signed else "",
        "role": signed.role if signed else "",
        "date": signed.date.isoformat() if signed else "",
        "decision": DECISION_LABELS[signed.decision] if signed else "",
        "notes": signed.notes if signed else "",
        "decisions": [(value, DECISION_LABELS[value]) for value in DECISIONS],
        "digest": digest.sha256 if digest else "",
        "redacted": bool(digest and digest.redacted),
        "rulebook_version": result.rulebook_version,
    }
