"""The audited data never configures or runs the audit (docs/security.md, section 1).

Each test reproduces one way a file shipped with (or lying above) a bundle used to switch
checks off, weaken the gate or run its own Python, and pins that it no longer does.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bhi_audit.cli import main

from .conftest import BUNDLE

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "tests" / "fixtures" / "plugins" / "info_note" / "acme_info_note.py"
#: A "check module" shipped with the data: importing it leaves a marker file next to it.
EVIL = 'from pathlib import Path\nPath(__file__).with_name("RAN").write_text("ran")\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def audit(runner, *args: object):
    """``check ... --format json``: exit code, the JSON document (or None) and stderr."""
    result = runner.invoke(main, ["check", *map(str, args), "--format", "json"])
    document = json.loads(result.stdout) if result.stdout.strip() else None
    return result.exit_code, document, result.stderr


@pytest.fixture
def received(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bundle received into a shared folder, audited from a separate project (the cwd)."""
    shutil.copytree(BUNDLE, tmp_path / "shared" / "received")
    (tmp_path / "project" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path / "shared" / "received"


# --------------------------------------------------------------------------- the data


def test_a_config_inside_the_bundle_runs_no_python_and_switches_nothing_off(runner, project):
    write(project / "claims" / "bhi-audit.toml", "checks-dirs = ['.']\nfail-on = 'never'\n")
    write(project / "claims" / "evil.py", EVIL)
    code, document, stderr = audit(runner, "claims")
    assert not (project / "claims" / "RAN").exists()
    assert code == 1
    assert document["setup"]["configuration"] == "defaults"
    assert document["setup"]["config_not_used"] == ["claims/bhi-audit.toml"]
    assert document["totals"]["errors"] == 3
    assert (
        "bhi-audit: note: claims/bhi-audit.toml was not used: configuration is read from the "
        "working directory up to the project root, never from the audited data"
    ) in stderr.splitlines()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("bhi-audit.toml", "ignore = ['BHI-']\n"),
        ("bhi-audit.toml", "checks-dirs = ['received']\n"),
        ("pyproject.toml", "[tool.bhi-audit]\nfail-on = 'never'\n"),
    ],
    ids=["parent-ignore-everything", "parent-checks-dirs", "parent-pyproject-fail-on-never"],
)
def test_a_config_above_the_bundle_is_not_read(runner, received, name, text):
    write(received.parent / name, text)
    write(received / "evil.py", EVIL)
    code, document, _ = audit(runner, received)
    assert not (received / "RAN").exists()
    assert code == 1
    assert document["setup"]["configuration"] == "defaults"
    assert document["totals"]["errors"] == 3
    assert document["setup"]["gate_weakened"] == []


def test_running_inside_the_folder_is_the_users_choice(runner, received, monkeypatch):
    write(received / "bhi-audit.toml", "fail-on = 'never'\n")
    monkeypatch.chdir(received)
    code, document, stderr = audit(runner, ".")
    assert code == 0
    assert document["setup"]["configuration"] == "bhi-audit.toml"
    assert document["setup"]["gate_weakened"] == ["fail-on never"]
    assert "was not used" not in stderr


def test_the_walk_stops_below_the_home_directory(runner, tmp_path, monkeypatch):
    home = tmp_path / "home"
    write(home / "bhi-audit.toml", "fail-on = 'never'\n")
    shutil.copytree(BUNDLE, home / "work" / "claims")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home / "work")
    code, document, _ = audit(runner, "claims")
    assert (code, document["setup"]["configuration"]) == (1, "defaults")
    monkeypatch.chdir(home)
    code, document, _ = audit(runner, "work/claims")
    assert (code, document["setup"]["configuration"]) == (0, "bhi-audit.toml")


# --------------------------------------------------------------------------- unsafe files


REFUSED = [
    ("directory", "lies in a world-writable directory"),
    ("file", "is world-writable"),
    ("owner", "is owned by another user (uid {uid})"),
]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and permission bits")
@pytest.mark.parametrize(("unsafe", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_an_unsafe_discovered_config_stops_the_run(runner, project, monkeypatch, unsafe, reason):
    """Refused, exit 2, naming the file: never a silent fall-back to the defaults."""
    config = write(project / "bhi-audit.toml", "fail-on = 'never'\n")
    uid = config.stat().st_uid
    if unsafe == "directory":
        project.chmod(0o777)
    elif unsafe == "file":
        config.chmod(0o666)
    else:
        monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    try:
        result = runner.invoke(main, ["check", "claims"])
        explicit = runner.invoke(main, ["check", "claims", "--config", "bhi-audit.toml"])
        isolated = runner.invoke(main, ["check", "claims", "--isolated"])
    finally:
        project.chmod(0o755)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"bhi-audit: error: bhi-audit.toml: configuration refused: it {reason.format(uid=uid)}; "
        "pass --config bhi-audit.toml to trust it, or --isolated to read no configuration\n"
    )
    assert explicit.exit_code == 0  # --config always works
    assert isolated.exit_code == 1


# --------------------------------------------------------------------------- --isolated


@pytest.mark.parametrize("command", ["check", "baseline"])
def test_isolated_reads_no_configuration(runner, project, command):
    write(project / "bhi-audit.toml", "ignore = ['BHI-TIME-']\n")
    if command == "check":
        code, document, _ = audit(runner, "claims", "--isolated")
        assert (code, document["setup"]["configuration"]) == (1, "isolated")
        assert document["setup"]["switched_off"] == []
        return
    result = runner.invoke(main, ["baseline", "claims", "--isolated", "-o", "b.json"])
    assert result.exit_code == 0
    entries = json.loads((project / "b.json").read_text(encoding="utf-8"))["entries"]
    assert "BHI-TIME-001" in {e["check_id"] for e in entries}


@pytest.mark.parametrize("command", ["check", "baseline"])
def test_isolated_with_config_is_a_usage_error(runner, project, command):
    write(project / "ci.toml", "fail-on = 'never'\n")
    extra = ["-o", "b.json"] if command == "baseline" else []
    result = runner.invoke(main, [command, "claims", "--isolated", "--config", "ci.toml", *extra])
    assert result.exit_code == 2
    assert "--isolated and --config exclude each other" in result.stderr
    assert result.stdout == ""


# --------------------------------------------------------------------------- checks-dirs


@pytest.mark.parametrize(
    "value",
    ["../outside", "OUTSIDE", "link"],
    ids=["dot-dot-escape", "absolute-outside", "symlink-out-of-the-root"],
)
def test_checks_dirs_must_stay_inside_the_project_root(runner, project, value):
    outside = project.parent / f"{project.name}-outside"
    write(outside / "evil.py", EVIL)
    (project / "link").symlink_to(outside, target_is_directory=True)
    (project / ".git").mkdir()
    shown = str(outside) if value == "OUTSIDE" else value
    write(project / "bhi-audit.toml", f"checks-dirs = [{json.dumps(shown)}]\n")
    result = runner.invoke(main, ["check", "claims"])
    assert result.exit_code == 2
    assert not (outside / "RAN").exists()
    assert result.stderr == (
        f"bhi-audit: error: bhi-audit.toml: checks-dirs: {shown} lies outside the project "
        "root (.); pass --checks-dir DIR to load checks from elsewhere\n"
    )


def test_checks_dirs_resolve_relative_to_the_config_file(runner, project):
    shutil.copy(PLUGIN, write(project / "plugins" / "x", "").parent / PLUGIN.name)
    (project / "plugins" / "x").unlink()
    (project / ".git").mkdir()
    write(project / "ci" / "audit.toml", "checks-dirs = ['../plugins']\n")
    code, document, _ = audit(runner, "claims", "--config", "ci/audit.toml")
    assert "ACME-NOTE-001" in {c["id"] for c in document["checks"]}
    assert code == 1


def test_checks_dir_help_says_a_plugin_is_code(runner):
    result = runner.invoke(main, ["check", "--help"], terminal_width=200)
    assert "A check module is Python code that runs with your rights" in result.stdout


def test_an_unreadable_folder_on_the_walk_is_a_clear_error(runner, project, monkeypatch):
    """A folder the walk cannot look into stops the run (exit 2), naming it; no traceback."""

    def denied(directory: Path) -> Path | None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bhi_audit.config.config_in", denied)
    result = runner.invoke(main, ["check", "claims"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"bhi-audit: error: {project.resolve()}: cannot look for configuration "
        "(Permission denied); pass --config FILE or --isolated\n"
    )
    assert runner.invoke(main, ["check", "claims", "--isolated"]).exit_code == 1
    write(project / "ci.toml", "fail-on = 'never'\n")
    assert runner.invoke(main, ["check", "claims", "--config", "ci.toml"]).exit_code == 0
