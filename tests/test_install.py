"""The built wheel, installed for real (not editable), works from any directory.

Why: with no ``src/`` layout the tests can pass against the working tree while the wheel lacks
``checks/``, the policy data or ``reports/templates`` (STYLE §25). This builds a wheel from a
copy of the repository, installs it with ``--no-deps`` into a fresh virtualenv that borrows
the test environment's dependencies, and runs the installed console script from a temporary
directory.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from bhi_audit import __version__

from conftest import CLEAN_BUNDLE, REPO, SAMPLE

pytestmark = pytest.mark.slow

IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".hypothesis",
    "out",
)


def run(*args: object, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


class Installed:
    """A virtualenv with the wheel installed, and a way to run its commands elsewhere."""

    def __init__(self, venv: Path, workdir: Path) -> None:
        self.venv = venv
        self.workdir = workdir
        self.bin = venv / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / "python"
        # No PYTHONPATH and no repository on the path: only what was installed counts.
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.env["PATH"] = f"{self.bin}{os.pathsep}{self.env.get('PATH', '')}"

    def cli(self, *args: object) -> subprocess.CompletedProcess:
        return run(self.bin / "bhi-audit", *args, cwd=self.workdir, env=self.env)

    def python_code(self, code: str) -> subprocess.CompletedProcess:
        return run(self.python, "-c", code, cwd=self.workdir, env=self.env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=IGNORED)
    wheels = root / "wheels"
    built = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-q",
        "-w",
        wheels,
        source,
        cwd=root,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("bhi_audit-*.whl")

    venv = root / "venv"
    made = run(
        sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv, cwd=root
    )
    assert made.returncode == 0, made.stderr
    target = Installed(venv, root / "elsewhere")
    target.workdir.mkdir()
    # Install first, into the empty venv: with the test environment already visible, pip would
    # find the bhi-audit installed there (CI installs it non-editable) and skip the wheel.
    pip = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        target.python,
        "install",
        "--no-deps",
        "--no-index",
        "--ignore-installed",
        "-q",
        wheel,
        cwd=root,
    )
    assert pip.returncode == 0, pip.stderr
    # Then borrow the dependencies (click, pydantic, ...) of the environment running the tests,
    # after the new venv's own site-packages so the installed wheel wins over any other copy.
    purelib = run(
        target.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=root
    ).stdout.strip()
    Path(purelib, "zz_test_environment.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    return target


def test_packages_come_from_the_installed_wheel(installed):
    probe = installed.python_code(
        "import json, bhi_audit, checks, reports\n"
        "print(json.dumps([bhi_audit.__file__, checks.__file__, reports.__file__]))"
    )
    assert probe.returncode == 0, probe.stderr
    for path in json.loads(probe.stdout):
        assert str(installed.venv) in path
        assert str(REPO) not in path


def test_installed_checks_are_listed(installed):
    result = installed.cli("checks", "--format", "json")
    assert result.returncode == 0, result.stderr
    ids = {c["id"] for c in json.loads(result.stdout)}
    assert {"BHI-CONS-001", "BHI-TIME-001", "BHI-TIME-002", "BHI-EXCL-001", "BHI-COCM-003"} <= ids
    assert {c["origin"] for c in json.loads(result.stdout)} == {"built-in"}


def test_installed_cli_audits_a_bundle_from_another_directory(installed):
    bundle = installed.workdir / "bundle"
    shutil.copytree(CLEAN_BUNDLE, bundle)
    clean = installed.cli("check", "bundle")
    assert clean.returncode == 0, clean.stderr
    assert "claims: 2 (2 clean, 0 flagged)" in clean.stdout
    # An error proves the policy data (prices, thresholds) shipped: the at-risk money.
    lines = bundle / "time_entries.csv"
    lines.write_text(lines.read_text(encoding="utf-8").replace(",25,", ",15,"), encoding="utf-8")
    flagged = installed.cli("check", "bundle", "--format", "json", "--select", "BHI-TIME-001")
    assert flagged.returncode == 1, flagged.stderr
    document = json.loads(flagged.stdout)
    assert [(f["check_id"], f["claim_id"], f["at_risk"]) for f in document["findings"]] == [
        ("BHI-TIME-001", "C1", "57.45")
    ]
    assert document["inputs"][0]["path"].startswith("bundle/")


def test_installed_version_and_module_entry(installed):
    assert installed.cli("--version").stdout.startswith(f"bhi-audit {__version__} ")
    module = run(installed.python, "-m", "bhi_audit", "--version", cwd=installed.workdir)
    assert module.returncode == 0, module.stderr
    assert module.stdout.startswith(f"bhi-audit {__version__} ")


def test_installed_policy_data_and_templates_are_resources(installed):
    templates = (
        sorted(p.name for p in (REPO / "reports" / "templates").glob("*") if p.is_file())
        if (REPO / "reports" / "templates").is_dir()
        else []
    )
    code = (
        "import json\n"
        "from importlib.resources import files\n"
        "policy = sorted(p.name for p in files('bhi_audit.policy').iterdir()"
        " if p.name.endswith('.toml'))\n"
        "reports = files('reports')\n"
        "tpl = reports / 'templates'\n"
        "names = sorted(p.name for p in tpl.iterdir() if p.is_file()) if tpl.is_dir() else []\n"
        "icd = files('bhi_audit').joinpath('data', 'icd10cm_codes.txt.gz').is_file()\n"
        "print(json.dumps({'policy': policy, 'templates': names, 'icd': icd}))\n"
    )
    probe = installed.python_code(code)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    shipped = sorted(p.name for p in (REPO / "bhi_audit" / "policy").glob("*.toml"))
    assert found["policy"] == shipped
    assert shipped
    assert found["templates"] == templates
    assert found["icd"] is True  # the ICD-10-CM code sets the diagnosis checks read


def test_installed_cli_audits_sample_claims_from_another_directory(installed):
    result = installed.cli("check", SAMPLE, "--format", "json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["totals"]["errors"] > 0
    assert document["totals"]["internal_errors"] == 0
    assert document["rejected"] == []
