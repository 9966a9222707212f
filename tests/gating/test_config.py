"""Configuration: discovery from the working directory up to the project root, --config, and
errors naming the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.config import find_config_file, load_config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def report(runner, *args: str) -> tuple[int, dict, str]:
    result = runner.invoke(main, ["check", *args, "--format", "json"])
    assert result.stdout.strip(), (result.exit_code, result.stderr, result.exception)
    document = json.loads(result.stdout)
    return result.exit_code, document, result.stderr


# --------------------------------------------------------------------------- discovery

DISCOVERY = [
    # (files written, relative to the project; working directory; file expected; root expected)
    ({"bhi-audit.toml": "fail-on = 'warning'\n"}, ".", "bhi-audit.toml", "."),
    ({"pyproject.toml": "[tool.bhi-audit]\nfail-on = 'warning'\n"}, ".", "pyproject.toml", "."),
    (
        {
            "bhi-audit.toml": "fail-on = 'warning'\n",
            "pyproject.toml": "[tool.bhi-audit]\nfail-on = 'info'\n",
        },
        ".",
        "bhi-audit.toml",
        ".",
    ),
    ({"pyproject.toml": "[project]\nname = 'x'\n"}, ".", None, "."),
    (
        {
            "claims/bhi-audit.toml": "fail-on = 'never'\n",
            "bhi-audit.toml": "fail-on = 'warning'\n",
        },
        ".",
        "bhi-audit.toml",
        ".",
    ),
    ({"bhi-audit.toml": "fail-on = 'info'\n", "src/a/x.txt": ""}, "src/a", "bhi-audit.toml", "."),
    (
        {"bhi-audit.toml": "fail-on = 'info'\n", "inner/.git/HEAD": "", "inner/a/x.txt": ""},
        "inner/a",
        None,
        "inner",
    ),
    (
        {"claims/bhi-audit.toml": "fail-on = 'never'\n", ".git/HEAD": ""},
        "claims",
        "claims/bhi-audit.toml",
        "claims",
    ),
]


@pytest.mark.parametrize(
    ("files", "cwd", "expected", "root"),
    DISCOVERY,
    ids=[
        "own-file",
        "pyproject-table",
        "own-file-beats-pyproject-in-same-dir",
        "pyproject-without-table-is-a-root-without-config",
        "data-folder-below-cwd-is-never-read",
        "from-a-subfolder-up-to-the-root",
        "stops-at-the-first-root-marker",
        "running-inside-the-folder-reads-it",
    ],
)
def test_discovery_starts_at_the_working_directory(
    project, monkeypatch, files, cwd, expected, root
):
    for name, text in files.items():
        write(project / name, text)
    monkeypatch.chdir(project / cwd)
    found = find_config_file(Path.cwd())
    assert found.file == ((project / expected).resolve() if expected else None)
    assert found.root == (project / root).resolve()


def test_discovery_ignores_the_audited_paths(project):
    """Two audited folders with their own files: neither is read, both are reported."""
    write(project / "a" / "bhi-audit.toml", "fail-on = 'info'\n")
    write(project / "b" / "pyproject.toml", "[tool.bhi-audit]\nfail-on = 'error'\n")
    write(project / "c" / "pyproject.toml", "[project]\nname = 'not ours'\n")
    loaded = load_config([project / "a", project / "b" / "x.csv", project / "c"])
    assert (loaded.source, loaded.mode) == (None, "defaults")
    assert loaded.not_used == ("a/bhi-audit.toml", "b/pyproject.toml")


def test_report_states_effective_config_and_source(runner, project):
    write(project / "bhi-audit.toml", "fail-on = 'warning'\nignore = ['BHI-CONS-001']\n")
    code, document, _ = report(runner, "claims", "--select", "BHI-TIME-,BHI-CONS-")
    config = document["config"]
    assert config["source"] == "bhi-audit.toml"
    assert config["fail_on"] == "warning"
    assert config["ignore"] == ["BHI-CONS-001"]
    assert config["from_command_line"] == ["select"]
    ran = {c["id"] for c in document["checks"]}
    assert "BHI-TIME-001" in ran
    assert "BHI-CONS-001" not in ran
    assert all(i.startswith(("BHI-TIME-", "BHI-CONS-")) for i in ran)
    assert code == 1


def test_explicit_config_wins_over_discovered(runner, project):
    write(project / "bhi-audit.toml", "fail-on = 'error'\n")
    write(project / "ci" / "lenient.toml", "fail-on = 'never'\n")
    code, document, _ = report(runner, "claims", "--config", "ci/lenient.toml")
    assert document["config"]["source"] == str(Path("ci/lenient.toml"))
    assert code == 0


def test_command_line_fail_on_wins_over_config(runner, project):
    write(project / "bhi-audit.toml", "fail-on = 'never'\n")
    code, document, _ = report(runner, "claims", "--fail-on", "error")
    assert document["config"]["fail_on"] == "error"
    assert "fail_on" in document["config"]["from_command_line"]
    assert code == 1


# --------------------------------------------------------------------------- errors

ERRORS = [
    ("fail_on = 'error'\n", "bhi-audit.toml: fail_on: unknown key"),
    ("fail-on = 'sometimes'\n", "bhi-audit.toml: fail-on: Input should be"),
    ("[severity]\nBHI-TIME-001 = 'fatal'\n", "bhi-audit.toml: severity.BHI-TIME-001: Input"),
    ("[severity]\nBHI-XXX-999 = 'info'\n", "severity.BHI-XXX-999: no such check: BHI-XXX-999"),
    (
        "[severity]\n'BHI-COCM-003:sometimes' = 'info'\n",
        "severity.BHI-COCM-003:sometimes: BHI-COCM-003 has no variant 'sometimes'",
    ),
    ("always-fail = ['BHI-NOPE-001']\n", "always-fail: no such check: BHI-NOPE-001"),
    ("never-fail = ['no-such-name']\n", "never-fail: no such check: no-such-name"),
    ("not-waivable = ['BHI-NOPE-002']\n", "not-waivable: no such check: BHI-NOPE-002"),
    (
        "always-fail = ['BHI-TIME-001']\nnever-fail = ['BHI-TIME-001']\n",
        "bhi-audit.toml: (top level): BHI-TIME-001 listed in both always-fail and never-fail",
    ),
    (
        "always-fail = ['BHI-TIME-001']\nnever-fail = ['general-bhi-minimum-minutes']\n",
        "bhi-audit.toml: BHI-TIME-001 listed in both always-fail and never-fail",
    ),
    ("select = ['BHI-NOPE-']\n", "bhi-audit.toml:1: select: no check matches: BHI-NOPE-"),
    (
        "[options.BHI-COCM-003]\nreview_window = 30\n",
        "options.BHI-COCM-003: review_window: unknown key",
    ),
    (
        "[options.BHI-COCM-003]\nreview_window_days = 3\n",
        "options.BHI-COCM-003: review_window_days: Input should be greater than or equal to 7",
    ),
    ("[options.BHI-TIME-001]\nfloor = 3\n", "options.BHI-TIME-001: check BHI-TIME-001 takes no"),
    ("[options.BHI-NOPE-003]\nx = 1\n", "options.BHI-NOPE-003: no such check: BHI-NOPE-003"),
    ("fail-on = \n", "bhi-audit.toml: not valid TOML"),
]


@pytest.mark.parametrize(
    ("text", "message"),
    ERRORS,
    ids=[
        "snake-case-key",
        "bad-fail-on",
        "bad-severity",
        "severity-unknown-check",
        "severity-unknown-variant",
        "always-fail-unknown",
        "never-fail-unknown",
        "not-waivable-unknown",
        "always-and-never",
        "always-and-never-by-name",
        "select-no-match",
        "option-unknown-key",
        "option-bad-value",
        "options-for-check-without-options",
        "options-unknown-check",
        "not-toml",
    ],
)
def test_config_errors_exit_2_naming_the_key(runner, project, text, message):
    write(project / "bhi-audit.toml", text)
    result = runner.invoke(main, ["check", "claims"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("bhi-audit: error: ")
    assert message in result.stderr


def test_explicit_pyproject_without_table_is_an_error(runner, project):
    write(project / "pyproject.toml", "[project]\nname = 'x'\n")
    result = runner.invoke(main, ["check", "claims", "--config", "pyproject.toml"])
    assert result.exit_code == 2
    assert "pyproject.toml: no [tool.bhi-audit] table" in result.stderr


def test_missing_explicit_config_is_an_error(runner, project):
    result = runner.invoke(main, ["check", "claims", "--config", "nope.toml"])
    assert result.exit_code == 2
    assert "nope.toml: no such configuration file" in result.stderr


# --------------------------------------------------------------------------- where and how many


def error_lines(result) -> list[str]:
    return result.stderr.splitlines()


def test_a_bad_command_line_selector_is_blamed_on_the_command_line(runner, project):
    write(project / "bhi-audit.toml", "fail-on = 'warning'\n")
    result = runner.invoke(main, ["check", "claims", "--select", "BHI-TIME-999"])
    assert result.exit_code == 2
    assert error_lines(result) == [
        "bhi-audit: error: --select: no such check: BHI-TIME-999 (did you mean 'BHI-TIME-008'?)"
    ]


def test_a_bad_config_selector_names_the_file_and_line(runner, project):
    write(
        project / "pyproject.toml",
        "[project]\nname = 'x'\n\n[tool.bhi-audit]\n"
        "fail-on = 'warning'\nignore = ['nothing-like-it']\n",
    )
    result = runner.invoke(main, ["check", "claims"])
    assert result.exit_code == 2
    assert error_lines(result) == [
        "bhi-audit: error: pyproject.toml:6: ignore: no such check: nothing-like-it"
    ]


def test_every_configuration_problem_is_reported_in_one_run(runner, project):
    write(
        project / "bhi-audit.toml",
        "select = ['BHI-TIME', 'BHI-TIEM-']\n"
        "always-fail = ['QQQ']\n"
        "[severity]\nBHI-XXX-999 = 'info'\n"
        "[options.BHI-TIME-001]\nfloor = 3\n",
    )
    result = runner.invoke(main, ["check", "claims", "--ignore", "nope"])
    assert result.exit_code == 2
    assert error_lines(result) == [
        "bhi-audit: error: bhi-audit.toml:1: select: no check matches: BHI-TIEM- "
        "(did you mean 'BHI-TIME-'?)",
        "bhi-audit: error: --ignore: no such check: nope",
        "bhi-audit: error: bhi-audit.toml:2: always-fail: no such check: QQQ",
        "bhi-audit: error: bhi-audit.toml: severity.BHI-XXX-999: no such check: BHI-XXX-999",
        "bhi-audit: error: bhi-audit.toml: options.BHI-TIME-001: check BHI-TIME-001 takes no "
        "options",
    ]
    write(
        project / "bhi-audit.toml",
        "always-fail = ['QQQ']\n"
        "[severity]\nBHI-XXX-999 = 'info'\n"
        "[options.BHI-TIME-001]\nfloor = 3\n",
    )
    result = runner.invoke(main, ["check", "claims"])
    assert error_lines(result) == [
        "bhi-audit: error: bhi-audit.toml:1: always-fail: no such check: QQQ",
        "bhi-audit: error: bhi-audit.toml: severity.BHI-XXX-999: no such check: BHI-XXX-999",
        "bhi-audit: error: bhi-audit.toml: options.BHI-TIME-001: check BHI-TIME-001 takes no "
        "options",
    ]


def test_selection_is_case_insensitive_and_takes_a_bare_prefix(runner, project):
    write(project / "bhi-audit.toml", "select = ['bhi-time']\n")
    code, document, _ = report(runner, "claims", "--isolated", "--select", "bhi-time")
    dashed_code, dashed, _ = report(runner, "claims", "--isolated", "--select", "BHI-TIME-")
    assert code == dashed_code
    assert document["config"]["select"] == ["bhi-time"]
    assert document["setup"]["checks_run"] == 8
    assert document["setup"] == dashed["setup"]
    assert document["totals"] == dashed["totals"]
