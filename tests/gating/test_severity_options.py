"""Severity overrides and per-check options from the configuration reach the findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bhi_audit.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REVIEW = FIXTURES / "cocm_review_window.json"


def findings(runner, *args: str) -> tuple[int, set[tuple[str, str, str]]]:
    result = runner.invoke(main, ["check", *args, "--format", "json"])
    assert result.stdout.strip(), result.stderr
    document = json.loads(result.stdout)
    return result.exit_code, {
        (f["claim_id"], f["check_id"], f["severity"])
        for f in document["findings"]
        if f["outcome"] == "violation"
    }


SEVERITY = [
    ("", 1, {("C-101", "BHI-TIME-001", "error"), ("C-104", "BHI-TIME-001", "error")}),
    (
        "[severity]\nBHI-TIME-001 = 'warning'\n",
        0,
        {("C-101", "BHI-TIME-001", "warning"), ("C-104", "BHI-TIME-001", "warning")},
    ),
    (
        # by name instead of id; reported under the canonical id
        "[severity]\ngeneral-bhi-minimum-minutes = 'info'\n",
        0,
        {("C-101", "BHI-TIME-001", "info"), ("C-104", "BHI-TIME-001", "info")},
    ),
]


@pytest.mark.parametrize(
    ("config", "code", "expected"), SEVERITY, ids=["default", "to-warning", "by-name-to-info"]
)
def test_severity_override(runner, project, config, code, expected):
    (project / "bhi-audit.toml").write_text(config, encoding="utf-8")
    assert findings(runner, "claims", "--select", "BHI-TIME-001") == (code, expected)


OPTIONS = [
    ("", 0, {("C-201", "BHI-COCM-003", "warning")}),
    (
        "[severity]\n'BHI-COCM-003:not-reviewed-in-window' = 'error'\n",
        1,
        {("C-201", "BHI-COCM-003", "error")},
    ),
    ("[options.BHI-COCM-003]\nreview_window_days = 40\n", 0, set()),
    (
        "[options.cocm-caseload-review]\nreview_window_days = 20\n",
        0,
        {("C-201", "BHI-COCM-003", "warning")},
    ),
]


@pytest.mark.parametrize(
    ("config", "code", "expected"),
    OPTIONS,
    ids=["default-month", "variant-severity", "window-40-days-covers-review", "window-20-days"],
)
def test_per_check_options_and_variant_severity(runner, project, config, code, expected):
    (project / "bhi-audit.toml").write_text(config, encoding="utf-8")
    args = ("--config", "bhi-audit.toml", str(REVIEW), "--select", "BHI-COCM-003")
    assert findings(runner, *args) == (code, expected)


PLUGIN = [
    ("", 0, set()),
    ("[options.ACME-UNITS-001]\nmax_units = 1\n", 0, {("C-103", "ACME-UNITS-001", "warning")}),
    (
        "always-fail = ['acme-units-cap']\n[options.ACME-UNITS-001]\nmax_units = 1\n",
        1,
        {("C-103", "ACME-UNITS-001", "warning")},
    ),
]


@pytest.mark.parametrize(
    ("config", "code", "expected"),
    PLUGIN,
    ids=["default-cap", "option-lowers-cap", "always-fail-outside-check"],
)
def test_outside_check_from_config_checks_dirs(runner, project, config, code, expected):
    shutil.copytree(FIXTURES / "plugins", project / "ci" / "plugins")
    lines = project / "claims" / "claim_lines.csv"
    lines.write_text(
        lines.read_text(encoding="utf-8").replace("C-103,1,99484,1,", "C-103,1,99484,2,"),
        encoding="utf-8",
    )
    (project / "ci" / "bhi-audit.toml").write_text(
        "checks-dirs = ['plugins']\n" + config, encoding="utf-8"
    )
    args = ("claims", "--config", "ci/bhi-audit.toml", "--select", "ACME-UNITS-001")
    assert findings(runner, *args) == (code, expected)


def test_outside_check_option_error_names_the_key(runner, project):
    shutil.copytree(FIXTURES / "plugins", project / "plugins")
    (project / "bhi-audit.toml").write_text(
        "checks-dirs = ['plugins']\n[options.ACME-UNITS-001]\nmax_units = 0\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["check", "claims"])
    assert result.exit_code == 2
    assert (
        "bhi-audit.toml: options.ACME-UNITS-001: max_units: Input should be greater than or "
        "equal to 1" in result.stderr
    )
