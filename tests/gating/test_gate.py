"""Fail-on precedence: internal error > unverifiable > waiver/baseline > never-fail >
always-fail > severity against --fail-on (docs/gating.md)."""

from __future__ import annotations

from datetime import date

import pytest

from bhi_audit.checkapi import Severity
from bhi_audit.cli import main
from bhi_audit.findings import Finding, Outcome, WaiverNote
from bhi_audit.gate import finding_fails


def finding(
    severity: str = "error",
    outcome: str = "violation",
    waiver: str | None = None,
    baselined: bool = False,
) -> Finding:
    note = None
    if waiver is not None:
        note = WaiverNote(
            waiver_id="W1",
            reason="time re-keyed from the paper chart",
            approved_by="J. Rivera",
            expires=date(2026, 6, 30),
            expired=waiver == "expired",
        )
    return Finding(
        check_id="BHI-TIME-001",
        check_name="general-bhi-minimum-minutes",
        severity=Severity(severity),
        outcome=Outcome(outcome),
        message="m",
        source="s",
        location="claims/claim_lines.csv:2",
        file="claims/claim_lines.csv",
        unit="P1 2026-03",
        waiver=note,
        baselined=baselined,
    )


ALWAYS = {"BHI-TIME-001"}
NEVER = {"BHI-TIME-001"}

PRECEDENCE = [
    # id, finding, fail_on, always, never, fails
    (
        "internal-error-beats-never-fail",
        finding(outcome="internal-error"),
        "never",
        set(),
        NEVER,
        True,
    ),
    (
        "unverifiable-beats-always-fail",
        finding(severity="info", outcome="unverifiable"),
        "info",
        ALWAYS,
        set(),
        False,
    ),
    ("waiver-beats-always-fail", finding(waiver="in-force"), "error", ALWAYS, set(), False),
    ("expired-waiver-fails-again", finding(waiver="expired"), "error", set(), set(), True),
    ("baseline-beats-always-fail", finding(baselined=True), "error", ALWAYS, set(), False),
    ("never-fail-beats-severity", finding(), "error", set(), NEVER, False),
    ("always-fail-beats-low-severity", finding(severity="info"), "error", ALWAYS, set(), True),
    ("always-fail-beats-fail-on-never", finding(severity="warning"), "never", ALWAYS, set(), True),
    ("warning-at-fail-on-warning", finding(severity="warning"), "warning", set(), set(), True),
    ("warning-below-fail-on-error", finding(severity="warning"), "error", set(), set(), False),
    ("info-at-fail-on-info", finding(severity="info"), "info", set(), set(), True),
    ("error-with-fail-on-never", finding(), "never", set(), set(), False),
    ("error-at-fail-on-error", finding(), "error", set(), set(), True),
]


@pytest.mark.parametrize(
    ("item", "fail_on", "always", "never", "fails"),
    [case[1:] for case in PRECEDENCE],
    ids=[case[0] for case in PRECEDENCE],
)
def test_precedence(item, fail_on, always, never, fails):
    assert finding_fails(item, fail_on, always, never) is fails


CLI = [
    (
        "severity-to-info-passes",
        "[severity]\nBHI-TIME-001 = 'info'\nBHI-CONS-001 = 'info'\n",
        (),
        0,
    ),
    (
        "always-fail-keeps-info-failing",
        "always-fail = ['BHI-TIME-001']\n"
        "[severity]\nBHI-TIME-001 = 'info'\nBHI-CONS-001 = 'info'\n",
        (),
        1,
    ),
    ("never-fail-both", "never-fail = ['BHI-TIME-001', 'consent-before-billing']\n", (), 0),
    ("never-fail-one", "never-fail = ['BHI-TIME-001']\n", (), 1),
    ("fail-on-never-in-config", "fail-on = 'never'\n", (), 0),
    ("cli-fail-on-overrides-config", "fail-on = 'never'\n", ("--fail-on", "error"), 1),
    ("always-fail-beats-cli-never", "always-fail = ['BHI-CONS-001']\n", ("--fail-on", "never"), 1),
]


@pytest.mark.parametrize(("config", "args", "code"), [c[1:] for c in CLI], ids=[c[0] for c in CLI])
def test_cli_exit_codes(runner, project, config, args, code):
    (project / "bhi-audit.toml").write_text(config, encoding="utf-8")
    result = runner.invoke(main, ["check", "claims", *args])
    assert result.exit_code == code, result.stderr


def test_expired_waiver_fails_the_run_and_says_so(runner, project):
    (project / "waivers.yaml").write_text(
        "waivers:\n"
        + "".join(
            f"  - id: W{n}\n    check: {check}\n    claim: {claim}\n"
            "    reason: time re-keyed from the paper chart\n"
            f"    approved_by: J. Rivera\n    approved_on: {expires[:4]}-01-01\n"
            f"    expires: {expires}\n"
            for n, (check, claim, expires) in enumerate(
                [
                    ("BHI-TIME-001", "C-101", "2020-01-31"),
                    ("BHI-TIME-001", "C-104", "2099-12-31"),
                    ("BHI-CONS-001", "C-102", "2099-12-31"),
                ],
                start=1,
            )
        ),
        encoding="utf-8",
    )
    result = runner.invoke(main, ["check", "claims", "--waivers", "waivers.yaml"])
    assert result.exit_code == 1
    assert "(waiver W1 expired on 2020-01-31)" in result.stdout
