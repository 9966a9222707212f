"""GitLab Code Quality report: a JSON array of issues for ``artifacts:reports:codequality``.

Why: GitLab shows a Code Quality report in the merge request widget and on the diff, the way
it does for ruff's and eslint's ``gitlab`` formats. GitLab publishes the format as a table of
fields (docs.gitlab.com, "Code Quality report format"; a subset of the Code Climate issue
spec), not as a JSON schema; the fields written here are the ones it lists, documented in
docs/reports.md and checked field by field in tests/reporters/test_gitlab.py:

- ``description`` — the finding's message (with its patient, month and claim);
- ``check_name`` — the check id;
- ``fingerprint`` — a SHA-256 (hex) of the finding's identity, unique within the report and
  stable across runs, so GitLab can tell new issues from fixed ones;
- ``severity`` — ``info``, ``minor``, ``major``, ``critical`` or ``blocker``;
- ``location.path`` and ``location.lines.begin`` — the input file and its line (1 when the
  record has none, as GitLab requires a line).

Error is ``major``, warning ``minor``, info and "not verifiable" ``info``; an internal error
or a rejected record is ``critical``. Waived and baselined findings are accepted, so they are
not issues. A clean run writes ``[]``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from bhi_audit.findings import Finding, Outcome
from bhi_audit.reporters.common import INPUT_CHECK_ID
from bhi_audit.reporters.text import rejected_message
from bhi_audit.result import AuditResult

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _issue(
    check: str, message: str, severity: str, path: str, line: int | None, identity: tuple[str, ...]
) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": check,
        "description": message,
        "fingerprint": _fingerprint(check, *identity),
        "severity": severity,
        "location": {"path": path, "lines": {"begin": line if line and line >= 1 else 1}},
    }


def _severity(finding: Finding) -> str:
    if finding.outcome is Outcome.INTERNAL_ERROR:
        return "critical"
    if finding.outcome is Outcome.UNVERIFIABLE:
        return "info"
    return SEVERITY[finding.severity.value]


def issues(result: AuditResult) -> list[dict[str, Any]]:
    """The report's issues: rejected records, then open findings, in the result's order."""
    found = [
        _issue(
            INPUT_CHECK_ID,
            rejected_message(r),
            "critical",
            r.file,
            r.line,
            (r.location, r.kind, r.message),
        )
        for r in result.rejected
    ]
    for finding in result.findings:
        if finding.status in ("waived", "baselined"):
            continue
        subject = " ".join(p for p in (finding.patient_id, finding.month, finding.claim_id) if p)
        message = f"{finding.message} [{subject}]" if subject else finding.message
        identity = (
            finding.location,
            finding.unit,
            finding.field or "",
            finding.variant or "",
            finding.outcome.value,
            finding.message,
        )
        found.append(
            _issue(
                finding.check_id, message, _severity(finding), finding.file, finding.line, identity
            )
        )
    # NOTE: GitLab matches issues across pipelines by fingerprint; two findings with the same
    # identity (rare) get a counter so no issue hides another.
    seen: dict[str, int] = {}
    for issue in found:
        count = seen.get(issue["fingerprint"], 0)
        seen[issue["fingerprint"]] = count + 1
        if count:
            issue["fingerprint"] = _fingerprint(issue["fingerprint"], str(count))
    return found


def render(result: AuditResult, out: TextIO) -> None:
    """Write the issues as indented JSON with sorted keys and a trailing newline."""
    json.dump(issues(result), out, indent=2, sort_keys=True, ensure_ascii=False)
    out.write("\n")
