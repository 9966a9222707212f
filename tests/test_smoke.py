"""The CLI starts, knows its version and lists the built-in checks."""

from __future__ import annotations

import json

from bhi_audit import __version__
from bhi_audit.cli import main


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_checks_json_lists_builtins_with_sources(runner):
    result = runner.invoke(main, ["checks", "--format", "json"])
    assert result.exit_code == 0
    checks = json.loads(result.output)
    ids = {c["id"] for c in checks}
    assert {"BHI-CONS-001", "BHI-TIME-002", "BHI-EXCL-001", "BHI-COCM-003"} <= ids
    assert all(c["source"] for c in checks)
