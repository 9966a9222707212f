"""GitHub Actions workflow commands: one annotation per finding, on the file and line.

Why: in a GitHub workflow a line ``::error file=F,line=N,title=T::message`` on standard output
becomes an annotation on the pull request's diff and the run's summary, the way ruff's and
flake8's ``github`` formats work; no upload step or token is needed.

Each open or internal-error finding and each rejected record is one line: ``::error`` for an
error (and for an internal error or a rejected record), ``::warning`` for a warning,
``::notice`` for an info or a "not verifiable" finding. Waived and baselined findings are
accepted, so they are not annotated (the other reports list them). A kind of documentation
missing altogether is a ``::warning`` without a file. A clean run writes nothing.

Values are escaped by GitHub's workflow-command rules (``%``, CR and LF in the message; also
``:`` and ``,`` in properties), then any remaining control or bidi character is written as an
escape: an input value can neither end the command nor start another one.
"""

from __future__ import annotations

from typing import TextIO

from bhi_audit.findings import Finding, Outcome
from bhi_audit.reporters.text import one_line, rejected_message
from bhi_audit.result import AuditResult

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """A message escaped as GitHub's ``escapeData`` does, then kept on one line."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return one_line(escaped)


def escape_property(text: str) -> str:
    """A property value (file, title) escaped as GitHub's ``escapeProperty`` does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str,
    message: str,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line: ``::level file=…,line=…,title=…::message``."""
    properties = []
    if file:
        properties.append(f"file={escape_property(file)}")
    if file and line is not None and line >= 1:
        properties.append(f"line={line}")
    if title:
        properties.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(properties)}" if properties else f"::{level}"
    return f"{head}::{escape_data(message)}"


def _level(finding: Finding) -> str:
    if finding.outcome is Outcome.INTERNAL_ERROR:
        return "error"
    if finding.outcome is Outcome.UNVERIFIABLE:
        return "notice"
    return _COMMAND[finding.severity.value]


def _subject(finding: Finding) -> str:
    parts = [finding.patient_id, finding.month, finding.claim_id]
    return " ".join(p for p in parts if p)


def lines(result: AuditResult) -> list[str]:
    """The workflow commands of a result, in the result's order."""
    out = [
        command("warning", m.message, title=f"bhi-audit: missing {m.kind}")
        for m in result.missing_records
    ]
    out += [
        command(
            "error",
            rejected_message(r),
            r.file,
            r.line,
            "BHI-INPUT rejected-input",
        )
        for r in result.rejected
    ]
    for finding in result.findings:
        if finding.status in ("waived", "baselined"):
            continue
        subject = _subject(finding)
        message = f"{finding.message} [{subject}]" if subject else finding.message
        title = f"{finding.check_id} {finding.check_name}"
        out.append(command(_level(finding), message, finding.file, finding.line, title))
    return out


def render(result: AuditResult, out: TextIO) -> None:
    """Write one workflow command per line (nothing for a clean run)."""
    for line in lines(result):
        out.write(line + "\n")
