"""Severity overrides and per-check options from the configuration reach the findings."""

from __future__ import annotations

import json
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
