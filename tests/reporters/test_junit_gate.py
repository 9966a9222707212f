"""JUnit follows the gate: a finding is a ``<failure>`` only when it fails the run, so a green
exit code is a green test report (Jenkins "unstable" and GitLab's failed tests agree with it)."""

from __future__ import annotations

from lxml import etree

from bhi_audit.cli import main
from bhi_audit.gate import settle_gate

WARNING_ONLY = ["check", "sample_claims", "--isolated", "--select", "BHI-PRAC-002"]


def junit(runner, *args: str, exit_code: int) -> etree._Element:
    result = runner.invoke(main, [*args, "--format", "junit", "--no-redact"])
    assert result.exit_code == exit_code, result.stderr
    return etree.fromstring(result.stdout.encode("utf-8"))


def test_a_warning_below_the_gate_is_a_passed_test_carrying_it(runner, validate_junit):
    root = junit(runner, *WARNING_ONLY, exit_code=0)
    validate_junit(etree.tostring(root, encoding="unicode"))
    assert root.get("failures") == "0"
    assert root.xpath("//failure") == []
    carried = [
        case
        for case in root.iter("testcase")
        if case.find("skipped") is None and case.find("system-out") is not None
    ]
    assert carried
    assert all("BHI-PRAC-002 warning: " in case.findtext("system-out") for case in carried)


def test_the_same_warning_fails_under_fail_on_warning(runner):
    passed = junit(runner, *WARNING_ONLY, exit_code=0)
    failed = junit(runner, *WARNING_ONLY, "--fail-on", "warning", exit_code=1)
    failures = failed.xpath("//failure")
    assert failures and {f.get("type") for f in failures} == {"warning"}
    assert failed.get("failures") == str(len(failures))
    carried = [c for c in passed.iter("testcase") if c.find("system-out") is not None]
    failing = [c for c in failed.iter("testcase") if c.find("failure") is not None]
    assert {c.get("name") for c in failing} <= {c.get("name") for c in carried}


def test_fail_on_never_reports_errors_and_rejections_as_passed(runner):
    root = junit(
        runner,
        "check",
        "tests/reporters/fixtures/sample.json",
        "--isolated",
        "--fail-on",
        "never",
        exit_code=0,
    )
    assert root.get("failures") == "0"
    assert root.xpath("//failure") == []
    rejected = root.xpath("//testcase[@classname='BHI-INPUT']")
    assert rejected
    assert all("rejected " in case.findtext("system-out") for case in rejected)
    default = junit(
        runner, "check", "tests/reporters/fixtures/sample.json", "--isolated", exit_code=1
    )
    assert default.xpath("//testcase[@classname='BHI-INPUT']/failure")


def test_settle_gate_follows_the_exit_code_precedence(sample_result):
    settled = settle_gate(sample_result, "error", never_fail={"BHI-TIME-001"})
    for finding in settled.findings:
        if finding.check_id == "BHI-TIME-001" and finding.outcome.value != "internal-error":
            assert finding.fails_gate is False
        elif finding.status == "open":
            assert finding.fails_gate is (finding.severity.value == "error")
    assert settled.rejected_fail_gate is True
    assert settle_gate(sample_result, "never").rejected_fail_gate is False
    assert "fails_gate" not in settled.findings[0].model_dump()
    assert "rejected_fail_gate" not in settled.model_dump()
