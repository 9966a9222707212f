"""Exit codes, computed from the finished result (reporters never decide them)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from bhi_audit.checkapi import Severity
from bhi_audit.findings import Finding, Outcome
from bhi_audit.result import AuditResult

EXIT_OK = 0  # nothing at or above the fail-on level
EXIT_FINDINGS = 1  # findings at or above it, or an internal error in a check
EXIT_USAGE = 2  # usage error or unusable input

FailOn = Literal["error", "warning", "info", "never"]
FAIL_ON_CHOICES: tuple[FailOn, ...] = ("error", "warning", "info", "never")


def exit_code(
    result: AuditResult,
    fail_on: FailOn = "error",
    always_fail: Collection[str] = frozenset(),
    never_fail: Collection[str] = frozenset(),
    fail_on_unverifiable: bool = False,
) -> int:
    """0, or 1 when a finding fails the run; precedence (docs/gating.md), first rule wins:

    1. an internal error in a check fails the run;
    2. a finding waived by a waiver in force, or accepted by the baseline, does not fail it;
    3. "not verifiable from the records given" fails it only with ``fail_on_unverifiable``;
    4. a check listed ``never-fail`` does not fail it;
    5. a check listed ``always-fail`` fails it, whatever the severity and ``--fail-on``;
    6. otherwise it fails when its severity reaches ``fail_on`` (``never``: nothing does).

    A rejected record counts as an error: it was read but not audited, so a batch with one
    must not pass as clean (``--fail-on never`` still passes it). With
    ``fail_on_unverifiable``, a whole kind of documentation missing (``missing_records``)
    fails it too, whatever ``fail_on``: the gate was asked not to pass what it cannot verify.
    """
    if result.rejected and fail_on != "never":
        return EXIT_FINDINGS
    if fail_on_unverifiable and result.missing_records:
        return EXIT_FINDINGS
    for finding in result.findings:
        if finding_fails(finding, fail_on, always_fail, never_fail, fail_on_unverifiable):
            return EXIT_FINDINGS
    return EXIT_OK


def finding_fails(
    finding: Finding,
    fail_on: FailOn = "error",
    always_fail: Collection[str] = frozenset(),
    never_fail: Collection[str] = frozenset(),
    fail_on_unverifiable: bool = False,
) -> bool:
    """Whether one finding fails the run (the precedence of :func:`exit_code`)."""
    if finding.outcome is Outcome.INTERNAL_ERROR:
        return True
    if finding.suppressed:
        return False
    if finding.outcome is Outcome.UNVERIFIABLE:
        return fail_on_unverifiable
    if finding.check_id in never_fail:
        return False
    if finding.check_id in always_fail:
        return True
    return fail_on != "never" and finding.severity.rank >= Severity(fail_on).rank


def settle_gate(
    result: AuditResult,
    fail_on: FailOn = "error",
    always_fail: Collection[str] = frozenset(),
    never_fail: Collection[str] = frozenset(),
    fail_on_unverifiable: bool = False,
) -> AuditResult:
    """The result with each finding's (and the rejected records') gate verdict recorded.

    Why: a report that shows pass/fail per item (JUnit) must agree with the exit code, yet
    reporters never compute the gate (STYLE §12/§13); they read this settled verdict, computed
    here by the same precedence as :func:`exit_code`.
    """
    findings = tuple(
        f.model_copy(
            update={
                "fails_gate": finding_fails(
                    f, fail_on, always_fail, never_fail, fail_on_unverifiable
                )
            }
        )
        for f in result.findings
    )
    return result.model_copy(
        update={"findings": findings, "rejected_fail_gate": fail_on != "never"}
    )
