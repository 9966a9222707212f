"""The CI recipes in docs/gating.md: each recipe's exact bhi-audit command, run on a bundle.

The bundle is the repository's ``sample_claims/`` when it holds one, else this package's
fixture bundle, copied to ``claims/`` (the path the recipes use) in a temporary directory.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from lxml import etree

from bhi_audit.cli import check, main

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "gating.md"
SAMPLE = REPO / "sample_claims"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "bundle"
RECIPES = ("GitHub Actions", "GitLab CI", "Jenkins")
COMMAND = re.compile(r"(?<![\w/@-])bhi-audit (?:check|baseline)\b[^'\n]*")


def recipe_commands(title: str) -> list[list[str]]:
    """The bhi-audit commands in the code block under the ``### title`` heading."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"\n### {title}\n", 1)[1].split("\n#", 1)[0]
    block = re.search(r"```\w*\n(.*?)```", section, re.S)
    assert block is not None, f"no code block under {title}"
    return [shlex.split(m.group(0))[1:] for m in COMMAND.finditer(block.group(1))]


def bundle() -> Path:
    if SAMPLE.is_dir() and any(SAMPLE.glob("*.csv")):
        return SAMPLE
    return FIXTURE


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    shutil.copytree(bundle(), tmp_path / "claims")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def has_report_option() -> bool:
    return any("--report" in p.opts for p in check.params)


def without_report(args: list[str]) -> list[str]:
    """The command minus ``--report FORMAT:FILE``."""
    if "--report" not in args:
        return args
    at = args.index("--report")
    return args[:at] + args[at + 2 :]


@pytest.mark.parametrize("title", RECIPES)
def test_recipe_command_runs_on_the_bundle(runner, workspace, title):
    commands = recipe_commands(title)
    assert commands, f"{title} recipe has no bhi-audit command"
    expected = runner.invoke(main, ["check", "claims/"]).exit_code
    assert expected in (0, 1)
    pending = False
    for args in commands:
        if "--report" in args and not has_report_option():
            # NOTE: run what can run today; the JUnit part is checked once --report exists.
            args, pending = without_report(args), True
        result = runner.invoke(main, args)
        assert result.exit_code == expected, (args, result.stderr)
        if "--report" in args:
            kind, path = args[args.index("--report") + 1].split(":", 1)
            assert kind == "junit"
            root = etree.parse(str(workspace / path)).getroot()
            assert next(root.iter("testcase"), None) is not None
            if expected == 1:
                assert next(root.iter("failure"), None) is not None
    if pending:
        pytest.skip("JUnit part needs `check --report` (being added by the reports work)")


def test_recipes_are_all_found():
    assert [len(recipe_commands(t)) for t in RECIPES] == [1, 1, 1]
