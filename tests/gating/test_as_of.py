"""--as-of judges waiver expiry on a given day, so a run can be reproduced byte for byte later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bhi_audit.cli import main

WAIVER = """\
waivers:
  - id: W1
    check: BHI-TIME-001
    patient: P1
    month: 2026-03
    reason: time re-keyed from the paper chart
    approved_by: J. Rivera (compliance)
    expires: 2026-06-30
"""


@pytest.mark.parametrize(
    ("as_of", "expired", "code"),
    [("2026-06-30", False, 1), ("2026-07-01", True, 1)],
    ids=["last-day-in-force", "day-after-expiry"],
)
def test_as_of_decides_expiry(runner, project, as_of, expired, code):
    Path("waivers.yaml").write_text(WAIVER, encoding="utf-8")
    args = ["check", "claims", "--waivers", "waivers.yaml", "--as-of", as_of, "--format", "json"]
    args += ["--select", "BHI-TIME-001"]
    first, second = (runner.invoke(main, args) for _ in range(2))
    assert first.stdout == second.stdout
    document = json.loads(first.stdout)
    (waived,) = [f for f in document["findings"] if f["waiver"]]
    assert waived["patient_id"] == "P1"
    assert waived["waiver"]["expired"] is expired
    assert document["config"]["waivers"]["as_of"] == as_of
    assert first.exit_code == code  # P4's finding is not waived either way


def test_bad_as_of_is_a_usage_error(runner, project):
    result = runner.invoke(main, ["check", "claims", "--as-of", "30/06/2026"])
    assert result.exit_code == 2
    assert "--as-of" in result.output
