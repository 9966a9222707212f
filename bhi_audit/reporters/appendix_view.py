"""The HTML report's appendix: what was audited and how, in words a reader can check.

Why its own module: the run's record (input files and their SHA-256, record counts, rulebook,
configuration) is what an auditor verifies later, but it is not the decision, so it moves to
the end of the page and is written out readably: yes/no instead of ``True``, "none" instead of
``[]``, one line per check's options instead of a JSON dump, and paths that may wrap only after
a ``/`` while hashes never wrap (the template draws the pieces).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from bhi_audit.reporters.decision_view import EN_DASH, day_words
from bhi_audit.result import AuditResult

#: How configuration keys read (anything else: underscores become spaces).
KEY_WORDS = {
    "source": "configuration",
    "select": "checks selected",
    "ignore": "checks ignored",
    "fail_on": "fails on",
    "always_fail": "always fail",
    "never_fail": "never fail",
    "not_waivable": "not waivable",
    "payer": "payer profile",
    "severity": "severity changed",
    "options": "check options",
    "checks_dirs": "outside check folders",
    "from_command_line": "set on the command line",
    "as_of": "as of",
}


def readable(value: object) -> str:
    """A configuration value in words: yes/no, "none", "not set", lists joined by commas."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(readable(v) for v in value) if value else "none"
    if isinstance(value, Mapping):
        if not value:
            return "none"
        return "; ".join(f"{str(k).replace('_', ' ')} {readable(v)}" for k, v in value.items())
    return str(value)


def config_rows(config: Mapping[str, object]) -> list[dict[str, Any]]:
    """(term, text, sub-rows) per configuration key; check options get one sub-row per check."""
    rows = []
    for key, value in sorted(config.items()):
        term = KEY_WORDS.get(key, key.replace("_", " "))
        if key == "options" and isinstance(value, Mapping):
            subs = [(str(k), readable(v)) for k, v in sorted(value.items())]
            rows.append({"term": term, "text": "" if subs else "none", "subs": subs})
        elif isinstance(value, Mapping) and value and key != "severity":
            subs = [(str(k).replace("_", " "), readable(v)) for k, v in sorted(value.items())]
            rows.append({"term": term, "text": "", "subs": subs})
        else:
            rows.append({"term": term, "text": readable(value), "subs": []})
    return rows


def path_pieces(path: str) -> list[str]:
    """A path cut after each ``/`` or ``\\``: the template lets lines wrap only there."""
    return [piece for piece in re.split(r"(?<=[/\\])", path) if piece]


def coverage_text(coverage: Mapping[str, object]) -> str:
    """``1 January 2026 - 31 March 2026 (stated in the input)`` (with an en dash)."""
    start, end = str(coverage.get("from", "")), str(coverage.get("to", ""))
    try:
        span = (
            f"{day_words(date.fromisoformat(start))} {EN_DASH} {day_words(date.fromisoformat(end))}"
        )
    except ValueError:
        span = f"{start} {EN_DASH} {end}"
    how = "stated in the input" if coverage.get("stated") else "from the dates in the records"
    return f"{span} ({how})"


def setup_rows(result: AuditResult) -> list[tuple[str, str]]:
    """The run's setup as (term, text) pairs (docs/reports.md, "How it was audited")."""
    setup = result.setup
    rows = [
        ("tool", f"{result.tool} {result.tool_version}"),
        ("rulebook", result.rulebook_version),
        ("records cover", coverage_text(result.coverage)),
        ("configuration", setup.configuration),
        ("checks run", str(setup.checks_run)),
    ]
    by_reason: dict[str, list[str]] = {}
    for off in setup.switched_off:
        by_reason.setdefault(off.reason, []).append(off.check_id)
    rows += [(f"checks off ({reason})", ", ".join(ids)) for reason, ids in by_reason.items()]
    rows += [("configuration not used (among the audited data)", p) for p in setup.config_not_used]
    if setup.weakened_line:
        rows.append(("gate weakened", setup.weakened_line))
    return rows


def appendix_view(result: AuditResult) -> dict[str, Any]:
    """Inputs, record counts, setup, configuration, rejected records, unused exceptions."""
    return {
        "inputs": [
            {"path": path_pieces(i.path), "format": i.format, "sha256": i.sha256}
            for i in result.inputs
        ],
        "records": [
            {"kind": kind, "read": c.read, "audited": c.audited, "rejected": c.rejected}
            for kind, c in sorted(result.records.items())
        ],
        "setup": setup_rows(result),
        "config": config_rows(result.config),
        "rejected": [
            {
                "location": path_pieces(r.location),
                "kind": r.kind,
                "claim_id": r.claim_id,
                "message": r.message,
            }
            for r in result.rejected
        ],
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
    }
