"""Waivers: match by scope, stay visible, expire, report when unused, refuse not-waivable."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from bhi_audit.cli import main
from bhi_audit.engine import AuditSettings
from bhi_audit.errors import ConfigError
from bhi_audit.registry import load_registry
from bhi_audit.waivers import load_waivers

from conftest import run_audit

AS_OF = date(2026, 4, 15)
#: For runs through the CLI, which judge expiry on the real today.
FAR = "2099-12-31"
GATED_CHECKS = ["BHI-TIME-001", "BHI-CONS-001"]

WAIVER = """\
  - id: {id}
    check: {check}
    {scope}
    reason: time re-keyed from the paper chart
    approved_by: J. Rivera (compliance)
    approved_on: {approved_on}
    expires: {expires}
"""


def waivers_yaml(path: Path, *waivers: dict[str, str]) -> Path:
    text = "waivers:\n" + "".join(
        WAIVER.format(
            **{
                "check": "BHI-TIME-001",
                "expires": "2026-06-30",
                **w,
                "approved_on": (w.get("expires") or "2026-06-30")[:4] + "-01-01",
            }
        )
        for w in waivers
    )
    path.write_text(text, encoding="utf-8")
    return path


def audit(project: Path, waivers_file: Path, not_waivable: frozenset[str] = frozenset()):
    waivers = load_waivers(waivers_file, load_registry(plugins=False), not_waivable)
    settings = AuditSettings(waivers=waivers, as_of=AS_OF, not_waivable=not_waivable)
    # NOTE: only the checks the fixture bundle is built to trip; the rest of the rulebook
    # adds info and not-verifiable findings that would blur what these tests are about.
    return run_audit(project / "claims", select=GATED_CHECKS, settings=settings)


def marks(result) -> set[tuple[str, str, str | None, bool | None]]:
    return {
        (
            f.claim_id,
            f.check_id,
            f.waiver.waiver_id if f.waiver else None,
            f.waiver.expired if f.waiver else None,
        )
        for f in result.findings
    }


UNWAIVED = {
    ("C-101", "BHI-TIME-001", None, None),
    ("C-102", "BHI-CONS-001", None, None),
    ("C-104", "BHI-TIME-001", None, None),
}

MATCH = [
    ({"id": "W1", "scope": "claim: C-101"}, {("C-101", "BHI-TIME-001", "W1", False)}),
    (
        {"id": "W1", "scope": "patient: P4\n    month: 2026-03"},
        {("C-104", "BHI-TIME-001", "W1", False)},
    ),
    ({"id": "W1", "scope": "patient: P4"}, {("C-104", "BHI-TIME-001", "W1", False)}),
    (
        {"id": "W1", "scope": "claim: C-102", "check": "consent-before-billing"},
        {("C-102", "BHI-CONS-001", "W1", False)},
    ),
    # the last day of a waiver is still in force
    (
        {"id": "W1", "scope": "claim: C-101", "expires": "2026-04-15"},
        {("C-101", "BHI-TIME-001", "W1", False)},
    ),
]


@pytest.mark.parametrize(
    ("waiver", "waived"),
    MATCH,
    ids=["claim", "patient-month", "patient", "by-check-name", "expires-today"],
)
def test_waiver_matches_its_scope_only(project, waiver, waived):
    result = audit(project, waivers_yaml(project / "waivers.yaml", waiver))
    expected = {m for m in UNWAIVED if m[0] not in {w[0] for w in waived}} | waived
    assert marks(result) == expected
    assert result.totals.waived == 1
    assert result.totals.errors == 3  # still counted as errors, and still listed
    assert result.unused_waivers == ()


def test_waiver_in_another_month_matches_nothing_and_is_reported(project):
    path = waivers_yaml(
        project / "waivers.yaml", {"id": "W9", "scope": "patient: P4\n    month: 2026-02"}
    )
    result = audit(project, path)
    assert marks(result) == UNWAIVED
    assert [(u.waiver_id, u.check_id, u.scope) for u in result.unused_waivers] == [
        ("W9", "BHI-TIME-001", "patient P4 month 2026-02")
    ]


def test_expired_waiver_no_longer_waives(project):
    path = waivers_yaml(
        project / "waivers.yaml", {"id": "W1", "scope": "claim: C-101", "expires": "2026-04-14"}
    )
    result = audit(project, path)
    assert marks(result) == (UNWAIVED - {("C-101", "BHI-TIME-001", None, None)}) | {
        ("C-101", "BHI-TIME-001", "W1", True)
    }
    (finding,) = [f for f in result.findings if f.claim_id == "C-101"]
    assert not finding.suppressed
    assert finding.message.endswith("(waiver W1 expired on 2026-04-14)")
    assert (result.totals.waived, result.totals.waiver_expired) == (0, 1)


def test_waiver_in_force_beats_an_expired_one(project):
    path = waivers_yaml(
        project / "waivers.yaml",
        {"id": "W-OLD", "scope": "claim: C-101", "expires": "2026-01-31"},
        {"id": "W-NEW", "scope": "patient: P1"},
    )
    result = audit(project, path)
    assert ("C-101", "BHI-TIME-001", "W-NEW", False) in marks(result)
    assert result.unused_waivers == ()


def test_unused_waiver_of_a_check_that_did_not_run_is_not_reported(project):
    path = waivers_yaml(project / "waivers.yaml", {"id": "W1", "scope": "claim: C-999"})
    waivers = load_waivers(path, load_registry(plugins=False))
    settings = AuditSettings(waivers=waivers, as_of=AS_OF)
    assert (
        run_audit(project / "claims", select=["BHI-CONS-001"], settings=settings).unused_waivers
        == ()
    )
    assert len(run_audit(project / "claims", settings=settings).unused_waivers) == 1


def test_toml_waivers_file(project):
    path = project / "waivers.toml"
    path.write_text(
        '[[waivers]]\nid = "W1"\ncheck = "BHI-TIME-001"\nclaim = "C-101"\n'
        'reason = "time re-keyed from the paper chart"\napproved_by = "J. Rivera"\n'
        "expires = 2026-06-30\n"
        'evidence = "TICKET-4411"\n',
        encoding="utf-8",
    )
    result = audit(project, path)
    (finding,) = [f for f in result.findings if f.waiver]
    assert finding.waiver.evidence == "TICKET-4411"


def test_not_waivable_check_is_a_config_error(project):
    path = waivers_yaml(project / "waivers.yaml", {"id": "W1", "scope": "claim: C-101"})
    with pytest.raises(ConfigError, match="waiver W1: check: BHI-TIME-001 is not waivable"):
        audit(project, path, not_waivable=frozenset({"BHI-TIME-001"}))


BASE = {
    "id": "W1",
    "check": "BHI-TIME-001",
    "claim": "C-1",
    "reason": "time re-keyed from the paper chart",
    "approved_by": "J. Rivera",
    "approved_on": "2026-01-02",
    "expires": "2026-06-30",
}
DROP = object()

BAD = [
    ("no-reason", {"reason": DROP}, "waiver W1: reason: Field required"),
    ("no-approver", {"approved_by": DROP}, "waiver W1: approved_by: Field required"),
    ("no-expiry", {"expires": DROP}, "waiver W1: expires: Field required"),
    ("placeholder-reason", {"reason": "n/a"}, "waiver W1: reason: 'n/a' is not a reason"),
    ("no-scope", {"claim": DROP}, "waiver W1: scope: a waiver needs claim"),
    (
        "month-without-patient",
        {"claim": DROP, "month": "2026-03"},
        "waiver W1: scope: month needs a patient",
    ),
    (
        "claim-and-patient",
        {"patient": "P1"},
        "waiver W1: scope: give claim, or patient (+ month), not both",
    ),
    ("bad-month", {"claim": DROP, "patient": "P1", "month": "2026-3"}, "waiver W1: month:"),
    ("unknown-check", {"check": "BHI-NOPE-001"}, "waiver W1: check: no such check: BHI-NOPE-001"),
    ("unknown-key", {"approved": "x"}, "waiver W1: approved: unknown key"),
    ("bad-date", {"expires": "someday"}, "waiver W1: expires: Input should be a valid date"),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_waivers_exit_2_naming_the_waiver(runner, project, change, message):
    waiver = {k: v for k, v in {**BASE, **change}.items() if v is not DROP}
    (project / "waivers.yaml").write_text(yaml.safe_dump({"waivers": [waiver]}), encoding="utf-8")
    result = runner.invoke(main, ["check", "claims", "--waivers", "waivers.yaml"])
    assert result.exit_code == 2
    assert f"waivers.yaml:2: {message}" in result.stderr


def test_cli_waived_findings_do_not_gate_and_unused_is_warned(runner, project):
    waivers_yaml(
        project / "waivers.yaml",
        {"id": "W1", "scope": "claim: C-101", "expires": FAR},
        {"id": "W2", "scope": "patient: P4", "expires": FAR},
        {"id": "W3", "scope": "claim: C-102", "check": "BHI-CONS-001", "expires": FAR},
        {"id": "W4", "scope": "claim: C-103", "expires": FAR},
    )
    result = runner.invoke(
        main, ["check", "claims", "--waivers", "waivers.yaml", "--format", "json"]
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["totals"]["waived"] == 3
    assert document["config"]["waivers"]["file"] == "waivers.yaml"
    assert [u["waiver_id"] for u in document["unused_waivers"]] == ["W4"]
    assert result.stderr == (
        "bhi-audit: warning: waiver W4 (BHI-TIME-001, claim C-103) matched no finding\n"
    )


def test_config_names_waivers_file_and_not_waivable(runner, project):
    waivers_yaml(project / "waivers.yaml", {"id": "W1", "scope": "claim: C-101"})
    (project / "bhi-audit.toml").write_text(
        "waivers = 'waivers.yaml'\nnot-waivable = ['BHI-TIME-001']\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["check", "claims"])
    assert result.exit_code == 2
    assert "waiver W1: check: BHI-TIME-001 is not waivable" in result.stderr
