"""The CI recipes in docs/gating.md: each recipe's exact bhi-audit command, run on a bundle,
with the reports it writes validated; the redaction key from a CI secret in every recipe; the
GitHub recipe's SARIF upload; version pins that name only a released version; and the
README's check count taken from the registry.

The bundle is the repository's ``sample_claims/`` when it holds one, else this package's
fixture bundle, copied to ``claims/`` (the path the recipes use) in a temporary directory.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import tomllib
from pathlib import Path

import pytest
from lxml import etree

from bhi_audit.cli import main
from bhi_audit.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "gating.md"
SAMPLE = REPO / "sample_claims"
SCHEMAS = REPO / "tests" / "schemas"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "bundle"
RECIPES = ("GitHub Actions", "GitLab CI", "Jenkins")
COMMAND = re.compile(r"(?<![\w/@-])bhi-audit (?:check|baseline)\b[^'\n]*")
#: How each recipe takes the key from its CI system's secret store.
SECRET = {
    "GitHub Actions": "BHI_AUDIT_REDACT_KEY: ${{ secrets.BHI_AUDIT_REDACT_KEY }}",
    "GitLab CI": 'test -n "$BHI_AUDIT_REDACT_KEY"',
    "Jenkins": "withCredentials([string(credentialsId: 'bhi-audit-redact-key', "
    "variable: 'BHI_AUDIT_REDACT_KEY')])",
}
WORKFLOW_COMMAND = re.compile(r"^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::")


def recipe_block(title: str) -> str:
    """The code block under the ``### title`` heading."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"\n### {title}\n", 1)[1].split("\n#", 1)[0]
    block = re.search(r"```\w*\n(.*?)```", section, re.S)
    assert block is not None, f"no code block under {title}"
    return block.group(1)


def recipe_commands(title: str) -> list[list[str]]:
    """The bhi-audit commands in the recipe's code block."""
    return [shlex.split(m.group(0))[1:] for m in COMMAND.finditer(recipe_block(title))]


def bundle() -> Path:
    if SAMPLE.is_dir() and any(SAMPLE.glob("*.csv")):
        return SAMPLE
    return FIXTURE


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    shutil.copytree(bundle(), tmp_path / "claims")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def reports(args: list[str]) -> list[tuple[str, str]]:
    """The ``--report FORMAT:PATH`` pairs of a command."""
    return [
        tuple(args[i + 1].split(":", 1))  # type: ignore[misc]
        for i, arg in enumerate(args)
        if arg == "--report"
    ]


def validate(kind: str, path: Path, failing: bool) -> None:
    """A report the recipe hands to its CI system, checked as that system reads it."""
    text = path.read_text(encoding="utf-8")
    if kind == "junit":
        schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10-jenkins-xunit.xsd")))
        root = etree.fromstring(text.encode("utf-8"))
        assert schema.validate(root), schema.error_log
        assert next(root.iter("testcase"), None) is not None
        if failing:
            assert next(root.iter("failure"), None) is not None
    elif kind == "sarif":
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
        log = json.loads(text)
        jsonschema.Draft4Validator(schema).validate(log)
        assert log["runs"][0]["results"]
    elif kind == "gitlab":
        issues = json.loads(text)
        assert issues and all(
            {"description", "check_name", "fingerprint", "severity", "location"} <= set(i)
            for i in issues
        )
    else:
        raise AssertionError(f"unexpected report kind {kind}")


@pytest.mark.parametrize("title", RECIPES)
def test_recipe_command_runs_on_the_bundle(runner, workspace, title):
    commands = recipe_commands(title)
    assert commands, f"{title} recipe has no bhi-audit command"
    env = {"BHI_AUDIT_REDACT_KEY": "a-ci-secret"}
    expected = runner.invoke(main, ["check", "claims/"], env=env).exit_code
    assert expected in (0, 1)
    for args in commands:
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == expected, (args, result.stderr)
        assert "no --redact-key" not in result.stderr  # the recipe's key was used
        for kind, path in reports(args):
            validate(kind, workspace / path, expected == 1)
        if "github" in args:
            lines = result.stdout.splitlines()
            assert lines and all(WORKFLOW_COMMAND.match(line) for line in lines)


def test_recipes_are_all_found():
    assert [len(recipe_commands(t)) for t in RECIPES] == [1, 1, 1]


@pytest.mark.parametrize("title", RECIPES)
def test_every_recipe_takes_the_redaction_key_from_a_ci_secret(title):
    block = recipe_block(title)
    assert SECRET[title] in block
    assert "--redact-key" not in block  # never on a logged command line


def test_github_recipe_uploads_the_sarif_report_to_code_scanning():
    block = recipe_block("GitHub Actions")
    (args,) = recipe_commands("GitHub Actions")
    (sarif,) = [path for kind, path in reports(args) if kind == "sarif"]
    upload = block.split("uses: github/codeql-action/upload-sarif@", 1)
    assert len(upload) == 2, "no upload-sarif step"
    assert f"sarif_file: {sarif}" in upload[1]
    assert "if: always()" in upload[1].split("with:", 1)[0]
    assert "security-events: write" in block


def test_gitlab_recipe_hands_over_the_code_quality_and_junit_reports():
    block = recipe_block("GitLab CI")
    (args,) = recipe_commands("GitLab CI")
    paths = dict(reports(args))
    assert f"junit: {paths['junit']}" in block
    assert f"codequality: {paths['gitlab']}" in block


# ------------------------------------------------------------------ pinned versions

#: A pin of bhi-audit itself: ``rev: v1.2.3``, ``bhi-audit@v1.2.3``, ``bhi-audit==1.2.3``.
PIN = re.compile(r"(?:\brev:\s*|bhi-audit@|bhi-audit==)v?(\d+\.\d+\.\d+\S*?)(?=[\s\"'`]|$)", re.M)


def project_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def released(changelog: str) -> set[str]:
    """Versions with their own CHANGELOG section (``## 1.2.3`` or ``## [1.2.3]``)."""
    return set(re.findall(r"^## \[?v?(\d+\.\d+\.\d+)\]?", changelog, re.M))


def bad_pins(text: str, version: str, changelog: str) -> list[str]:
    """Pins naming another version than the project's, or one without a CHANGELOG section."""
    return [pin for pin in PIN.findall(text) if pin != version or pin not in released(changelog)]


PINNED_FILES = [
    "README.md",
    ".pre-commit-hooks.yaml",
    *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.md")),
]


@pytest.mark.parametrize("name", PINNED_FILES)
def test_examples_pin_only_a_released_current_version(name):
    text = (REPO / name).read_text(encoding="utf-8")
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert bad_pins(text, project_version(), changelog) == []


@pytest.mark.parametrize(
    ("text", "changelog", "bad"),
    [
        ("    rev: v0.1.0\n", "## Unreleased\n", ["0.1.0"]),
        ('pip install "bhi-audit @ git+https://x/bhi-audit@v0.1.0"\n', "## 0.1.0\n", []),
        ("pip install bhi-audit==0.0.9\n", "## 0.0.9\n## 0.1.0\n", ["0.0.9"]),
        ("    rev: <commit>\n", "## Unreleased\n", []),
    ],
    ids=["tag-not-released", "released-current", "old-version", "commit-placeholder"],
)
def test_the_pin_check_catches_a_tag_that_does_not_exist(text, changelog, bad):
    assert bad_pins(text, "0.1.0", changelog) == bad


# ------------------------------------------------------------------ README check count


def test_readme_check_count_is_the_registry_s():
    count = len(load_registry(plugins=False).specs)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    stated = re.findall(r"(\d+) checks\b", readme)
    assert stated, "the README states no check count"
    assert {int(n) for n in stated} == {count}
