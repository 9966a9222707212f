"""A rejected record fails the gate: it was read but not audited, so the batch is not clean."""

from __future__ import annotations

import shutil

import pytest

from bhi_audit.cli import main

from conftest import REPO

CLEAN = REPO / "tests" / "fixtures" / "clean"
CHECK = ["--select", "BHI-TIME-001"]  # the clean fixture passes it


@pytest.fixture
def bundle_with_bad_line(tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(CLEAN, bundle)
    with (bundle / "claim_lines.csv").open("a", encoding="utf-8") as handle:
        handle.write("C1,9,99484,1,2026-13-45,1,75.00\n")
    return bundle


def test_clean_bundle_passes(runner):
    assert runner.invoke(main, ["check", str(CLEAN), *CHECK]).exit_code == 0


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("info", 1), ("never", 0)])
def test_rejected_record_fails_unless_never(runner, bundle_with_bad_line, fail_on, code):
    result = runner.invoke(main, ["check", str(bundle_with_bad_line), *CHECK, "--fail-on", fail_on])
    assert result.exit_code == code
    rejected = "claim_lines.csv:4:1: BHI-INPUT error: rejected claim_lines record: date_of_service"
    assert rejected in result.stdout
