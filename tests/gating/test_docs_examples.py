"""The examples in docs/gating.md are valid: the config, both waivers files and the baseline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bhi_audit.baseline import Baseline
from bhi_audit.cli import main
from bhi_audit.registry import load_registry
from bhi_audit.waivers import load_waivers

DOC = Path(__file__).resolve().parents[2] / "docs" / "gating.md"


def block(language: str, contains: str) -> str:
    """The one ``language`` code block in the doc that contains ``contains``."""
    text = DOC.read_text(encoding="utf-8")
    found = [
        m.group(1)
        for m in re.finditer(rf"```{language}\n(.*?)```", text, re.S)
        if contains in m.group(1)
    ]
    assert len(found) == 1, (language, contains, len(found))
    return found[0]


@pytest.mark.parametrize(
    ("suffix", "language", "marker"),
    [(".yaml", "yaml", "waivers:\n"), (".toml", "toml", "[[waivers]]")],
    ids=["yaml", "toml"],
)
def test_waiver_examples_load(tmp_path, suffix, language, marker):
    path = tmp_path / f"waivers{suffix}"
    path.write_text(block(language, marker), encoding="utf-8")
    waivers = load_waivers(path, load_registry(plugins=False))
    assert waivers[0].id == "W-2026-014"
    assert waivers[0].check == "BHI-TIME-001"


def test_baseline_example_loads():
    baseline = Baseline.model_validate(json.loads(block("json", '"bhi-audit-baseline"')))
    assert baseline.entries[0].count == 2


def test_config_example_runs(runner, project):
    (project / "bhi-audit.toml").write_text(block("toml", 'fail-on = "error"'), encoding="utf-8")
    (project / "bhi-audit-waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    written = runner.invoke(main, ["baseline", "claims", "--output", "bhi-audit-baseline.json"])
    assert written.exit_code == 0, written.stderr
    result = runner.invoke(main, ["check", "claims", "--format", "json"])
    assert result.exit_code == 1  # always-fail BHI-CONS-001 is not baselinable (not-waivable)
    config = json.loads(result.stdout)["config"]
    assert config["source"] == "bhi-audit.toml"
    assert config["severity"] == {
        "BHI-COCM-003": "error",
        "BHI-EXCL-001:different-practitioner": "error",
    }
    assert config["options"]["BHI-COCM-003"] == {"review_window_days": 35}
