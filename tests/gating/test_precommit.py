"""The repository's .pre-commit-hooks.yaml, run by the real pre-commit in a temporary git repo.

Why ``language: python`` and not ``system``: billing teams install the hook from this
repository, so the test installs it the same way — pre-commit clones a copy of this source
tree and pip-installs it into its own virtualenv. That needs the runtime dependencies from
the package index (or pip's cache); it takes about 10 s here, once per test session. A
``system`` hook would be offline-safe but would test the developer's virtualenv instead of
what users get, so it was not chosen.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLE = Path(__file__).resolve().parent / "fixtures" / "bundle"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    result = run("git", *args, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def git_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test Biller",
        GIT_AUTHOR_EMAIL="biller@example.org",
        GIT_COMMITTER_NAME="Test Biller",
        GIT_COMMITTER_EMAIL="biller@example.org",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
    )
    return env


def hook_repository(target: Path, env: dict[str, str]) -> str:
    """A git repository holding this source tree as it is now (committed or not)."""
    listed = git("ls-files", "-co", "--exclude-standard", cwd=REPO, env=env).splitlines()
    for name in listed:
        source = REPO / name
        if name.startswith("tests/") or not source.is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    git("init", "-q", cwd=target, env=env)
    git("add", "-A", cwd=target, env=env)
    git("commit", "-q", "-m", "bhi-audit under test", cwd=target, env=env)
    return git("rev-parse", "HEAD", cwd=target, env=env)


def test_hook_blocks_a_commit_with_errors_and_passes_once_accepted(tmp_path, git_env):
    hooks = tmp_path / "bhi-audit"
    hooks.mkdir()
    rev = hook_repository(hooks, git_env)
    billing = tmp_path / "billing"
    billing.mkdir()
    shutil.copytree(BUNDLE, billing / "claims")
    (billing / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks.as_posix()}\n    rev: {rev}\n    hooks:\n"
        "      - id: bhi-audit\n        args: [claims/]\n",
        encoding="utf-8",
    )
    git("init", "-q", cwd=billing, env=git_env)
    installed = run(sys.executable, "-m", "pre_commit", "install", cwd=billing, env=git_env)
    assert installed.returncode == 0, installed.stderr
    git("add", "-A", cwd=billing, env=git_env)

    blocked = run("git", "commit", "-m", "March batch", cwd=billing, env=git_env)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    shown = blocked.stdout + blocked.stderr  # git shows hook output on either stream
    assert "bhi-audit (BHI/CoCM claim audit)" in shown
    assert "Failed" in shown
    assert re.search(r":[0-9]+:1: BHI-TIME-001 error: .* C-101#1\]", shown)
    assert "3 error(s)" in shown
    assert git("rev-list", "--all", cwd=billing, env=git_env) == ""  # nothing was committed

    # accept today's findings: write a baseline (same source tree) and configure it
    written = run(
        sys.executable,
        "-m",
        "bhi_audit",
        "baseline",
        "claims",
        "--output",
        "bhi-audit-baseline.json",
        cwd=billing,
        env=git_env,
    )
    assert written.returncode == 0, written.stderr
    (billing / "bhi-audit.toml").write_text(
        "baseline = 'bhi-audit-baseline.json'\n", encoding="utf-8"
    )
    git("add", "-A", cwd=billing, env=git_env)
    accepted = run("git", "commit", "-m", "March batch, baselined", cwd=billing, env=git_env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr
    assert git("log", "--format=%s", cwd=billing, env=git_env) == "March batch, baselined"
