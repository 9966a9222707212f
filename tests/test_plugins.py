"""Outside checks: loaded from --checks-dir and from the ``bhi_audit.checks`` entry-point group.

A plugin follows the same module contract as a built-in check, runs, and shows its origin;
a broken plugin is a usage error (exit 2, one clear line), never a traceback.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from bhi_audit.cli import main

from conftest import CLEAN_BUNDLE, FIXTURES, lines_of

INFO_PLUGIN_DIR = FIXTURES / "plugins" / "info_note"
INFO_PLUGIN_FILE = INFO_PLUGIN_DIR / "acme_info_note.py"

GOOD_PLUGIN = '''"""Acme entry-point rule: every 99484 line is noted.

Why: synthetic test plugin distributed as a package.
Source: Acme payer manual §2 (synthetic).
Passes: no 99484 line.
Fails: a 99484 line (warning).
"""
from bhi_audit.checkapi import Problem

ID = "{id}"
NAME = "{name}"
SCOPE = "line"
DEFAULT_SEVERITY = "warning"
CODES = frozenset({{"99484"}})


def check(unit, options):
    """One warning per 99484 line."""
    yield Problem(message="acme ep: 99484 noted", record=unit.billed.line, field="code")
'''


def invoke(runner, *args: object):
    return runner.invoke(main, [str(a) for a in args])


# ------------------------------------------------------------------ --checks-dir


def test_checks_dir_plugin_runs(runner):
    result = invoke(runner, "check", CLEAN_BUNDLE, "--checks-dir", INFO_PLUGIN_DIR)
    assert result.exit_code == 0
    assert [line for line in lines_of(result.stdout) if "ACME" in line] == [
        f"{CLEAN_BUNDLE}/claim_lines.csv:2:1: ACME-NOTE-001 info: "
        "acme note: 99484 on 2026-03-20 (1 unit) [P1 2026-03 C1#1]",
        f"{CLEAN_BUNDLE}/claim_lines.csv:3:1: ACME-NOTE-001 info: "
        "acme note: 99484 on 2026-03-21 (1 unit) [P2 2026-03 C2#1]",
    ]


def test_checks_dir_plugin_is_listed_with_its_origin(runner):
    text = invoke(runner, "checks", "--checks-dir", INFO_PLUGIN_DIR)
    assert text.exit_code == 0
    assert f"origin: checks-dir {INFO_PLUGIN_FILE}" in text.stdout
    listed = invoke(runner, "checks", "--format", "json", "--checks-dir", INFO_PLUGIN_DIR)
    by_id = {c["id"]: c for c in json.loads(listed.stdout)}
    assert by_id["ACME-NOTE-001"]["origin"] == f"checks-dir {INFO_PLUGIN_FILE}"
    assert by_id["ACME-NOTE-001"]["source"] == "Acme compliance manual (synthetic), section 1."
    assert by_id["BHI-TIME-001"]["origin"] == "built-in"


def test_checks_dir_plugin_can_be_selected_and_explained(runner):
    result = invoke(
        runner,
        "check",
        CLEAN_BUNDLE,
        "--checks-dir",
        INFO_PLUGIN_DIR,
        "--select",
        "ACME-",
        "--format",
        "json",
    )
    document = json.loads(result.stdout)
    assert [c["id"] for c in document["checks"]] == ["ACME-NOTE-001"]
    assert document["checks"][0]["origin"] == f"checks-dir {INFO_PLUGIN_FILE}"
    explained = invoke(runner, "explain", "acme-general-bhi-note", "--checks-dir", INFO_PLUGIN_DIR)
    assert explained.exit_code == 0
    assert f"checks-dir {INFO_PLUGIN_FILE}" in explained.stdout.splitlines()[0]


def test_files_starting_with_underscore_are_not_loaded(runner, tmp_path):
    (tmp_path / "_helpers.py").write_text("raise RuntimeError('not a check')\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not python\n", encoding="utf-8")
    result = invoke(runner, "checks", "--format", "json", "--checks-dir", tmp_path)
    assert result.exit_code == 0
    assert {c["origin"] for c in json.loads(result.stdout)} == {"built-in"}


# ------------------------------------------------------------------ entry points


def make_distribution(root: Path, module: str, source: str, entry: str | None = None) -> Path:
    """A minimal installed distribution: a module plus its ``*.dist-info``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    info = root / "acme_bhi_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-bhi-rules\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[bhi_audit.checks]\nacme = {entry or module}\n", encoding="utf-8"
    )
    return root


@pytest.fixture
def install(monkeypatch, tmp_path):
    """Install a distribution for this test only (sys.path + importlib caches)."""
    installed: list[str] = []

    def _install(module: str, source: str, entry: str | None = None) -> None:
        root = make_distribution(tmp_path / f"site-{len(installed)}", module, source, entry)
        monkeypatch.syspath_prepend(str(root))
        installed.append(module)

    yield _install
    for module in installed:
        sys.modules.pop(module, None)
    importlib.invalidate_caches()


def test_entry_point_plugin_loads_runs_and_shows_its_origin(runner, install):
    install("acme_ep_rules", GOOD_PLUGIN.format(id="ACME-EP-001", name="acme-ep"))
    listed = invoke(runner, "checks", "--format", "json")
    assert listed.exit_code == 0, listed.output
    by_id = {c["id"]: c for c in json.loads(listed.stdout)}
    assert by_id["ACME-EP-001"]["origin"] == "entry point acme (acme_ep_rules)"
    assert by_id["ACME-EP-001"]["source"] == "Acme payer manual §2 (synthetic)."

    text = invoke(runner, "checks")
    assert "origin: entry point acme (acme_ep_rules)" in text.stdout

    result = invoke(runner, "check", CLEAN_BUNDLE, "--select", "ACME-EP-001")
    assert result.exit_code == 0  # warnings do not fail the default gate
    assert [line for line in lines_of(result.stdout) if "ACME-EP-001" in line] == [
        f"{CLEAN_BUNDLE}/claim_lines.csv:2:1: ACME-EP-001 warning: "
        "acme ep: 99484 noted [P1 2026-03 C1#1] [$57.45 at risk]",
        f"{CLEAN_BUNDLE}/claim_lines.csv:3:1: ACME-EP-001 warning: "
        "acme ep: 99484 noted [P2 2026-03 C2#1] [$57.45 at risk]",
    ]
    gated = invoke(runner, "check", CLEAN_BUNDLE, "--fail-on", "warning")
    assert gated.exit_code == 1


# ------------------------------------------------------------------ broken plugins

NO_WHY = GOOD_PLUGIN.replace("Why: synthetic test plugin distributed as a package.\n", "")
PAIR_DATA = GOOD_PLUGIN.replace("Passes:", "Pair data: acme.toml.\nPasses:")
BROKEN_DIR = {
    "missing-docstring-section": (
        {"acme_bad.py": NO_WHY.format(id="ACME-BAD-001", name="acme-bad")},
        "check module bhi_audit_plugin_acme_bad (checks-dir {d}/acme_bad.py): docstring lacks Why",
    ),
    "unknown-docstring-section": (
        {"acme_bad.py": PAIR_DATA.format(id="ACME-BAD-001", name="acme-bad")},
        "check module bhi_audit_plugin_acme_bad (checks-dir {d}/acme_bad.py): docstring line 5: "
        "unknown section 'Pair data' (sections: Why, Source, Passes, Fails, Options, "
        "Not verifiable, Data; indent prose that starts with 'Word:')",
    ),
    "bad-id": (
        {"acme_bad.py": GOOD_PLUGIN.format(id="acme_1", name="acme-bad")},
        "check module bhi_audit_plugin_acme_bad (checks-dir {d}/acme_bad.py): "
        "ID 'acme_1' must look like PREFIX-NAME-001",
    ),
    "builtin-prefix": (
        {"acme_bad.py": GOOD_PLUGIN.format(id="BHI-TIME-900", name="acme-bad")},
        "checks-dir {d}/acme_bad.py: ID BHI-TIME-900 uses the built-in prefix BHI-; "
        "give outside checks their own prefix",
    ),
    "import-error": (
        {"acme_bad.py": "import acme_module_that_does_not_exist\n"},
        "{d}/acme_bad.py: failed to import: ModuleNotFoundError: "
        "No module named 'acme_module_that_does_not_exist'",
    ),
    "syntax-error": (
        {"acme_bad.py": "def check(:\n"},
        "{d}/acme_bad.py: failed to import: SyntaxError: invalid syntax (acme_bad.py, line 1)",
    ),
    "duplicate-id": (
        {
            "acme_one.py": GOOD_PLUGIN.format(id="ACME-DUP-001", name="acme-one"),
            "acme_two.py": GOOD_PLUGIN.format(id="ACME-DUP-001", name="acme-two"),
        },
        "check id or name 'ACME-DUP-001' of checks-dir {d}/acme_two.py is already used by "
        "checks-dir {d}/acme_one.py",
    ),
    "name-of-a-builtin": (
        {"acme_bad.py": GOOD_PLUGIN.format(id="ACME-BAD-001", name="bhi-with-cocm-same-month")},
        "check id or name 'bhi-with-cocm-same-month' of checks-dir {d}/acme_bad.py is already "
        "used by built-in",
    ),
}


@pytest.mark.parametrize("command", ["checks", "check"])
@pytest.mark.parametrize(("files", "message"), BROKEN_DIR.values(), ids=BROKEN_DIR.keys())
def test_broken_checks_dir_plugin_is_a_usage_error(runner, tmp_path, command, files, message):
    for name, source in files.items():
        (tmp_path / name).write_text(source, encoding="utf-8")
    args = [command, "--checks-dir", tmp_path]
    if command == "check":
        args.insert(1, CLEAN_BUNDLE)
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert lines_of(result.stderr) == ["bhi-audit: error: " + message.format(d=tmp_path)]
    assert result.stdout == ""
    assert "Traceback" not in result.output


BROKEN_ENTRY_POINTS = {
    "import-error": (
        "acme_ep_bad",
        "import acme_module_that_does_not_exist\n",
        None,
        "entry point acme (acme_ep_bad) failed to load: "
        "No module named 'acme_module_that_does_not_exist'",
    ),
    "missing-module": (
        "acme_ep_present",
        "",
        "acme_ep_absent",
        "entry point acme (acme_ep_absent) failed to load: No module named 'acme_ep_absent'",
    ),
    "names-a-function": (
        "acme_ep_fn",
        "def check(unit, options):\n    yield from ()\n",
        "acme_ep_fn:check",
        "entry point acme must name a module, not <function check",
    ),
    "bad-contract": (
        "acme_ep_contract",
        GOOD_PLUGIN.format(id="ACME-EP-001", name="Not Kebab"),
        None,
        "check module acme_ep_contract (entry point acme (acme_ep_contract)): "
        "NAME 'Not Kebab' must be kebab-case",
    ),
    "builtin-prefix": (
        "acme_ep_prefix",
        GOOD_PLUGIN.format(id="BHI-EP-001", name="acme-ep"),
        None,
        "entry point acme (acme_ep_prefix): ID BHI-EP-001 uses the built-in prefix BHI-",
    ),
}


@pytest.mark.parametrize(
    ("module", "source", "entry", "message"),
    BROKEN_ENTRY_POINTS.values(),
    ids=BROKEN_ENTRY_POINTS.keys(),
)
def test_broken_entry_point_plugin_is_a_usage_error(
    runner, install, module, source, entry, message
):
    install(module, source, entry)
    result = invoke(runner, "checks")
    assert result.exit_code == 2
    (line,) = lines_of(result.stderr)
    assert line.startswith("bhi-audit: error: " + message)
    assert "Traceback" not in result.output


def test_entry_points_are_not_loaded_when_plugins_are_off(install):
    from bhi_audit.registry import load_registry

    install("acme_ep_off", "raise RuntimeError('must not be imported')\n")
    assert {s.origin for s in load_registry(plugins=False).specs} == {"built-in"}


def test_checks_dir_plugin_declaring_requires_gets_the_engines_not_verifiable(runner, tmp_path):
    source = GOOD_PLUGIN.format(id="ACME-REQ-001", name="acme-req").replace(
        'CODES = frozenset({{"99484"}})'.replace("{{", "{").replace("}}", "}"),
        'CODES = frozenset({"99484"})\nREQUIRES = (TimeEntry,)',
    )
    source = source.replace(
        "from bhi_audit.checkapi import Problem",
        "from bhi_audit.checkapi import Problem\nfrom bhi_audit.models import TimeEntry",
    )
    (tmp_path / "acme_req.py").write_text(source, encoding="utf-8")
    bundle = FIXTURES / "bhi_with_cocm.json"
    result = invoke(runner, "check", bundle, "--checks-dir", tmp_path, "--select", "ACME-REQ-001")
    assert result.exit_code == 0
    assert [line for line in lines_of(result.stdout) if "ACME-REQ-001" in line] == [
        "missing: no time_entries records in the input: 1 check(s) (ACME-REQ-001) could not "
        "verify the billed 99484",
        f"{bundle}:9:5: ACME-REQ-001 unverifiable: no time entries in the input [P6 2026-03 C6#1]",
        f"{bundle}:11:5: ACME-REQ-001 unverifiable: no time entries in the input [P7 2026-03 C8#1]",
    ]
