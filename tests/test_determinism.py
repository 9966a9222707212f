"""Same input, byte-identical output (STYLE §18): no timestamps, no set or dict ordering leaks."""

from __future__ import annotations

import pytest

from bhi_audit.cli import main
from bhi_audit.reporters import REPORTERS

from conftest import CLEAN_BUNDLE, ERRORS_DOCUMENT, FIXTURES, SAMPLE

INPUTS = {
    "sample-claims": [SAMPLE],
    "sample-claims-json": [SAMPLE / "json" / "sample_practice.json"],
    "csv-bundle": [CLEAN_BUNDLE],
    "json-document": [ERRORS_DOCUMENT],
    "yaml-document": [FIXTURES / "clean.yaml"],
    "many-findings": [FIXTURES / "bhi_with_cocm.json"],
    "two-inputs-with-plugin": [
        ERRORS_DOCUMENT,
        FIXTURES / "bhi_with_cocm.json",
        "--checks-dir",
        FIXTURES / "plugins" / "info_note",
    ],
}


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
@pytest.mark.parametrize("args", INPUTS.values(), ids=INPUTS.keys())
def test_two_runs_are_byte_identical(runner, tmp_path, fmt, args):
    outputs = []
    for run in range(2):
        target = tmp_path / f"run{run}.{fmt}"
        result = runner.invoke(
            main, ["check", *map(str, args), "--format", fmt, "--output", str(target)]
        )
        assert result.exit_code in (0, 1), result.output
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].endswith(b"\n")


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_stdout_equals_the_output_file(runner, tmp_path, fmt):
    target = tmp_path / "report"
    to_file = runner.invoke(
        main, ["check", str(ERRORS_DOCUMENT), "-o", str(target), "--format", fmt]
    )
    to_stdout = runner.invoke(main, ["check", str(ERRORS_DOCUMENT), "--format", fmt])
    assert to_file.exit_code == to_stdout.exit_code == 1
    assert target.read_text(encoding="utf-8") == to_stdout.stdout


def test_relative_paths_stay_relative(runner, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    result = runner.invoke(main, ["check", "errors.json", "--select", "BHI-TIME-001"])
    assert result.stdout.startswith("errors.json:15:5: BHI-TIME-001 error: ")
    assert str(FIXTURES) not in result.stdout
