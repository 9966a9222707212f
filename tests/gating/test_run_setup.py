"""Every report says how the run was set up, and a gate weakened by a file says so.

The fixture bundle (tests/gating/conftest.py): P1 and P4 short of minutes (BHI-TIME-001,
error), P2 without consent (BHI-CONS-001, error), P3 clean.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from bhi_audit.cli import main


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def setup_of(runner, *args: str) -> tuple[int, dict]:
    result = runner.invoke(main, ["check", "claims", *args, "--format", "json"])
    assert result.stdout.strip(), (result.exit_code, result.stderr)
    return result.exit_code, json.loads(result.stdout)["setup"]


# --------------------------------------------------------------------------- switched off


def test_switched_off_checks_name_who_and_why(runner, project):
    write(
        project / "bhi-audit.toml",
        "select = ['BHI-TIME-', 'BHI-CONS-']\nignore = ['BHI-CONS-001']\n",
    )
    _, setup = setup_of(runner, "--ignore", "BHI-TIME-002")
    off = {o["check_id"]: (o["reason"], o["by"]) for o in setup["switched_off"]}
    assert off["BHI-CONS-001"] == ("ignore in bhi-audit.toml", "configuration")
    assert off["BHI-TIME-002"] == ("--ignore", "command line")
    assert off["BHI-DATA-001"] == ("not in select of bhi-audit.toml", "configuration")
    assert setup["configuration"] == "bhi-audit.toml"
    every = json.loads(runner.invoke(main, ["checks", "--format", "json"]).stdout)
    assert setup["checks_run"] + len(off) == len(every)


def test_command_line_select_is_named(runner, project):
    code, setup = setup_of(runner, "--select", "BHI-TIME-001")
    assert setup["checks_run"] == 1
    assert {o["reason"] for o in setup["switched_off"]} == {"not in --select"}
    assert {o["by"] for o in setup["switched_off"]} == {"command line"}
    assert code == 1


def test_the_text_summary_names_configuration_checks_and_what_is_off(runner, project):
    write(project / "bhi-audit.toml", "ignore = ['BHI-CONS-001']\n")
    result = runner.invoke(main, ["check", "claims", "--ignore", "BHI-TIME-002"])
    lines = result.stdout.splitlines()
    ran = next(line for line in lines if line.startswith("configuration: "))
    assert ran.startswith("configuration: bhi-audit.toml; checks run: ")
    assert "checks off (ignore in bhi-audit.toml): BHI-CONS-001" in lines
    assert "checks off (--ignore): BHI-TIME-002" in lines


# --------------------------------------------------------------------------- nothing selected


@pytest.mark.parametrize(
    ("config", "args", "origin"),
    [
        ("ignore = ['BHI-']\n", [], "ignore = ['BHI-'] in bhi-audit.toml"),
        (
            "select = ['BHI-TIME-001']\n",
            ["--ignore", "BHI-TIME-001"],
            "select = ['BHI-TIME-001'] in bhi-audit.toml and --ignore BHI-TIME-001",
        ),
        (
            "",
            ["--select", "BHI-TIME-001", "--ignore", "BHI-TIME-"],
            "--select BHI-TIME-001 and --ignore BHI-TIME-",
        ),
    ],
    ids=["config-ignore-all", "config-select-cli-ignore", "cli-select-cli-ignore"],
)
def test_nothing_selected_is_a_usage_error(runner, project, config, args, origin):
    if config:
        write(project / "bhi-audit.toml", config)
    result = runner.invoke(main, ["check", "claims", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"bhi-audit: error: no check left to run: {origin}\n"


# --------------------------------------------------------------------------- gate weakened

WEAKENED = [
    ("fail-on = 'never'\n", [], ["fail-on never"], 0),
    ("never-fail = ['general-bhi-minimum-minutes']\n", [], ["never-fail BHI-TIME-001"], 1),
    ("ignore = ['BHI-CONS-001', 'BHI-TIME-001']\n", [], ["2 error checks ignored"], 0),
    ("[severity]\nBHI-TIME-001 = 'warning'\n", [], ["severity BHI-TIME-001 warning"], 1),
    ("select = ['BHI-']\n", [], [], 1),
    ("fail-on = 'never'\n", ["--fail-on", "error"], [], 1),
    ("fail-on = 'warning'\n[severity]\nBHI-TIME-001 = 'error'\n", [], [], 1),
    ("", ["--fail-on", "never", "--ignore", "BHI-CONS-001"], [], 0),
]


@pytest.mark.parametrize(
    ("config", "args", "weakened", "code"),
    WEAKENED,
    ids=[
        "fail-on-never",
        "never-fail",
        "error-checks-ignored",
        "severity-lowered",
        "select-of-every-check-is-not-weaker",
        "command-line-fail-on-wins",
        "stricter-is-not-weaker",
        "command-line-is-not-configuration",
    ],
)
def test_gate_weakened_by_configuration(runner, project, config, args, weakened, code):
    if config:
        write(project / "bhi-audit.toml", config)
    exit_code, setup = setup_of(runner, *args)
    assert setup["gate_weakened"] == weakened
    assert exit_code == code


def test_select_that_drops_error_checks_weakens_the_gate(runner, project):
    write(project / "bhi-audit.toml", "select = ['BHI-DATA-001']\n")
    _, setup = setup_of(runner)
    assert len(setup["gate_weakened"]) == 1
    assert setup["gate_weakened"][0].endswith(" error checks not selected")


def test_the_last_text_line_says_the_gate_was_weakened(runner, project):
    write(
        project / "pyproject.toml",
        "[tool.bhi-audit]\nfail-on = 'never'\nnever-fail = ['BHI-TIME-001']\n"
        "ignore = ['BHI-CONS-001']\n",
    )
    result = runner.invoke(main, ["check", "claims"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "gate weakened by configuration (pyproject.toml): fail-on never; "
        "never-fail BHI-TIME-001; 1 error check ignored"
    )


def test_no_weakened_line_by_default(runner, project):
    result = runner.invoke(main, ["check", "claims"])
    assert result.stdout.splitlines()[-1].startswith("bhi-audit ")


# --------------------------------------------------------------------------- other reports


def test_html_junit_and_sarif_carry_the_setup(runner, project):
    write(project / "bhi-audit.toml", "fail-on = 'never'\nignore = ['BHI-CONS-001']\n")
    result = runner.invoke(
        main,
        [
            *("check", "claims", "--report", "html:r.html"),
            *("--report", "junit:r.xml", "--report", "sarif:r.sarif"),
        ],
    )
    assert result.exit_code == 0
    line = "gate weakened by configuration (bhi-audit.toml): fail-on never; 1 error check ignored"

    html = (project / "r.html").read_text(encoding="utf-8")
    assert "<dt>configuration</dt><dd>bhi-audit.toml</dd>" in html
    assert "<dt>checks off (ignore in bhi-audit.toml)</dt><dd>BHI-CONS-001</dd>" in html
    assert f"<dt>gate weakened</dt><dd>{line}</dd>" in html

    suites = etree.parse(str(project / "r.xml")).getroot().findall("testsuite")
    # NOTE: every suite repeats the setup, the BHI-INPUT one (rejected/missing input) too
    check_suites = [s for s in suites if not s.get("name").startswith("BHI-INPUT ")]
    for suite in suites:
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["run.configuration"] == "bhi-audit.toml"
        assert props["run.checks_run"] == str(len(check_suites))
        assert props["run.checks_off"] == "BHI-CONS-001 (ignore in bhi-audit.toml)"
        assert props["run.gate_weakened"] == line

    sarif = json.loads((project / "r.sarif").read_text(encoding="utf-8"))
    invocation = sarif["runs"][0]["invocations"][0]["properties"]
    assert invocation["configuration"] == "bhi-audit.toml"
    assert invocation["checksRun"] == len(check_suites)
    assert invocation["switchedOff"] == [
        {"checkId": "BHI-CONS-001", "reason": "ignore in bhi-audit.toml", "by": "configuration"}
    ]
    assert invocation["gateWeakened"] == ["fail-on never", "1 error check ignored"]


def test_a_config_name_from_the_data_is_escaped_in_html(runner, project):
    """The folder names of the data are untrusted: a report shows them, escaped."""
    (project / "claims").rename(project / "x<i>y")
    write(project / "x<i>y" / "bhi-audit.toml", "fail-on = 'never'\n")
    result = runner.invoke(main, ["check", "x<i>y", "--format", "html"])
    assert result.exit_code == 1
    assert (
        "<dt>configuration not used (among the audited data)</dt>"
        "<dd>x&lt;i&gt;y/bhi-audit.toml</dd>" in result.stdout
    )
    assert "<i>" not in result.stdout
