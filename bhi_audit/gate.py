"""Exit codes, computed from the finished result (reporters never decide them)."""

from __future__ import annotations

from typing import Literal

from bhi_audit.checkapi import Severity
from bhi_audit.findings import Outcome
from bhi_audit.result import AuditResult

EXIT_OK = 0  # nothing at or above the fail-on level
EXIT_FINDINGS = 1  # findings at or above it, or an internal error in a check
EXIT_USAGE = 2  # usage error or unusable input

FailOn = Literal["error", "warning", "info", "never"]
FAIL_ON_CHOICES: tuple[FailOn, ...] = ("error", "warning", "info", "never")


def exit_code(result: AuditResult, fail_on: FailOn = "error") -> int:
    """0, or 1 when a violation reaches ``fail_on`` or any check crashed.

    Waived (waiver in force) and baselined findings never fail the gate.
    Findings that are only "not verifiable from the records given" never fail the gate on
    their own: they are reported for the auditor, at info level.
    """
    if any(f.outcome is Outcome.INTERNAL_ERROR for f in result.findings):
        return EXIT_FINDINGS
    if fail_on == "never":
        return EXIT_OK
    threshold = Severity(fail_on).rank
    for finding in result.findings:
        if finding.suppressed:
            continue
        if finding.outcome is Outcome.VIOLATION and finding.severity.rank >= threshold:
            return EXIT_FINDINGS
    return EXIT_OK
