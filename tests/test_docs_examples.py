"""The worked plugin example in docs/writing-checks.md really works."""

from __future__ import annotations

from bhi_audit.cli import main

from conftest import REPO, SAMPLE

EXAMPLE_DIR = REPO / "docs" / "examples" / "acme_checks"


def test_example_plugin_is_listed_with_its_origin(runner):
    result = runner.invoke(main, ["checks", "--checks-dir", str(EXAMPLE_DIR)])
    assert result.exit_code == 0
    assert "ACME-001" in result.output
    assert "origin: checks-dir" in result.output


def test_example_plugin_flags_verbal_only_cocm_consent(runner):
    result = runner.invoke(
        main,
        [
            "check",
            str(SAMPLE),
            "--checks-dir",
            str(EXAMPLE_DIR),
            "--select",
            "ACME-001",
            "--fail-on",
            "warning",
        ],
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "ACME-001" in line]
    # every CoCM patient-month of the sample has verbal consent only
    assert lines
    assert all("no written COCM consent on file" in line for line in lines)
