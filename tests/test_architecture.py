"""The layering of STYLE §1 and the check contract of STYLE §3 and §8, enforced.

Dependencies point one way: cli -> engine -> checks -> models, reporters -> result. The engine,
loaders and checks never import click or a reporter; a check never imports the engine (or the
registry or the CLI). Every built-in check documents itself fully and has a unique, stable id.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from bhi_audit.registry import ID_RE, NAME_RE, SECTIONS, builtin_modules, load_registry

from conftest import REPO

PACKAGE = REPO / "bhi_audit"
#: Every module of the package except the CLI and the reporters (the only UI layers).
CORE = sorted(
    path
    for path in PACKAGE.rglob("*.py")
    if path.name not in ("cli.py", "__main__.py")
    and "reporters" not in path.relative_to(PACKAGE).parts
)
CHECKS = sorted(p for p in (REPO / "checks").glob("*.py") if p.name != "__init__.py")


def module_name(path: Path) -> str:
    """``checks/foo.py`` -> ``checks.foo``; ``bhi_audit/x/__init__.py`` -> ``bhi_audit.x``."""
    parts = list(path.resolve().relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module an import statement in ``source`` (the text of ``module``) names.

    Relative imports are resolved against the module's package, as Python does, so
    ``from . import x`` in ``checks/a.py`` names ``checks.x`` and ``from .b import f`` names
    ``checks.b`` and ``checks.b.f``; a layering rule cannot be dodged with a leading dot.
    """
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                anchor = parts[: len(parts) - (node.level - 1)] if node.level <= len(parts) else []
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            if not base:
                continue
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def imported_modules(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` statement in ``path`` names."""
    return imports_in(
        path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py"
    )


RELATIVE = {
    "from-dot-import": (
        "from . import cocm_care_manager\n",
        {"checks", "checks.cocm_care_manager"},
    ),
    "from-dot-module": (
        "from .cocm_care_manager import enrollment_in_force\n",
        {"checks.cocm_care_manager", "checks.cocm_care_manager.enrollment_in_force"},
    ),
    "absolute": ("from checks.a import b\n", {"checks.a", "checks.a.b"}),
    "plain-import": ("import checks.a\n", {"checks.a"}),
}


@pytest.mark.parametrize(("source", "expected"), RELATIVE.values(), ids=RELATIVE.keys())
def test_relative_imports_are_resolved_against_the_package(source, expected):
    assert imports_in(source, "checks.some_check") == expected


def test_relative_imports_in_the_package_resolve_to_its_modules():
    source = "from .. import engine\nfrom ..context import Batch\nfrom . import csv_bundle\n"
    assert imports_in(source, "bhi_audit.loaders", is_package=True) == {
        "bhi_audit",
        "bhi_audit.engine",
        "bhi_audit.context",
        "bhi_audit.context.Batch",
        "bhi_audit.loaders",
        "bhi_audit.loaders.csv_bundle",
    }


def offending(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))


UI = ("click", "bhi_audit.cli", "bhi_audit.reporters", "jinja2", "lxml")


@pytest.mark.parametrize("path", CORE + CHECKS, ids=lambda p: str(p.relative_to(REPO)))
def test_core_and_checks_never_import_the_ui(path):
    assert offending(imported_modules(path), UI) == []


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_checks_never_import_engine_registry_or_loaders(path):
    forbidden = ("bhi_audit.engine", "bhi_audit.registry", "bhi_audit.loaders", "bhi_audit.cli")
    assert offending(imported_modules(path), forbidden) == []


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_a_check_never_imports_another_check(path):
    """What two checks share lives in bhi_audit.checkkit: a check is one self-contained module,
    so selecting, ignoring or replacing one never changes another."""
    assert offending(imported_modules(path), ("checks",)) == []


def test_a_check_importing_a_sibling_is_caught_however_it_is_spelled():
    for source in (
        "from .cocm_care_manager import enrollment_in_force\n",
        "from . import cocm_care_manager\n",
        "from checks.cocm_care_manager import enrollment_in_force\n",
        "import checks.cocm_care_manager\n",
    ):
        names = imports_in(source, "checks.cocm_registry_tracking")
        assert offending(names, ("checks",)), source


def test_checks_are_imported_only_by_the_registry():
    importers = [
        str(path.relative_to(REPO))
        for path in sorted(PACKAGE.rglob("*.py"))
        if any(n == "checks" or n.startswith("checks.") for n in imported_modules(path))
    ]
    assert importers == []  # the registry imports it dynamically (importlib), by name
    assert '"checks"' in (PACKAGE / "registry.py").read_text(encoding="utf-8")


def test_reporters_depend_only_on_the_result():
    for path in sorted((PACKAGE / "reporters").glob("*.py")):
        forbidden = ("click", "bhi_audit.engine", "bhi_audit.loaders", "bhi_audit.cli", "checks")
        assert offending(imported_modules(path), forbidden) == [], path.name


def test_loading_and_auditing_does_not_pull_in_click_transitively():
    code = (
        "import sys, importlib\n"
        "import bhi_audit.engine, bhi_audit.loaders, bhi_audit.registry\n"
        "bhi_audit.registry.load_registry(plugins=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('click', 'jinja2', 'lxml')"
        " or m.startswith(('bhi_audit.cli', 'bhi_audit.reporters'))))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert completed.stdout.strip() == "[]"


# ------------------------------------------------------------------ the built-in checks

MODULES = builtin_modules()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_builtin_docstring_has_every_section(module):
    doc = module.__doc__ or ""
    lines = doc.strip().splitlines()
    assert lines and lines[0].strip(), "first line states the requirement"
    assert not lines[0].startswith(SECTIONS)
    spec = load_registry(plugins=False).get(module.ID)
    for section in SECTIONS:
        assert spec.sections.get(section), f"{module.__name__}: {section} missing or empty"
    assert "§" in spec.source or "[S-" in spec.source, "Source cites the rulebook or a source key"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_builtin_constants(module):
    assert ID_RE.match(module.ID)
    assert module.ID.startswith("BHI-")
    assert NAME_RE.match(module.NAME)
    assert module.SCOPE in ("line", "patient_month", "patient", "batch")
    assert module.DEFAULT_SEVERITY in ("error", "warning", "info")
    assert set(getattr(module, "SEVERITIES", {}).values()) <= {"error", "warning", "info"}
    codes = getattr(module, "CODES", None)
    assert codes is None or (isinstance(codes, frozenset) and codes)
    # named for the rule, not by number (STYLE §23): the id is not the module name
    assert module.__name__.split(".")[-1] != module.ID.lower().replace("-", "_")


def test_builtin_ids_and_names_are_unique_and_aliases_resolve():
    registry = load_registry(plugins=False)
    ids = [s.id for s in registry.specs]
    names = [s.name for s in registry.specs]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))
    assert not set(ids) & set(names)
    for spec in registry.specs:
        assert registry.get(spec.id) is spec
        assert registry.get(spec.name) is spec
        for alias in spec.aliases:
            assert ID_RE.match(alias)
            assert registry.get(alias) is spec


def test_every_builtin_module_is_registered():
    import checks

    on_disk = {p.stem for p in CHECKS}
    assert set(checks.BUILTIN) == on_disk


#: Modules that may import the loaders: the CLI (it loads the input), the loaders themselves,
#: and the writers (they write the formats the loaders read back).
LOADER_USERS = ("cli.py", "__main__.py", "loaders", "writers")


@pytest.mark.parametrize(
    "path",
    [p for p in CORE if not set(p.relative_to(PACKAGE).parts) & set(LOADER_USERS)],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_the_engine_and_core_never_import_the_loaders(path):
    """The loaded input's shape lives in ``bhi_audit.bundle``; reading input is the loaders'."""
    assert offending(imported_modules(path), ("bhi_audit.loaders",)) == []


def test_auditing_does_not_pull_in_the_loaders_transitively():
    code = (
        "import sys\n"
        "import bhi_audit.engine, bhi_audit.parallel, bhi_audit.distributed, bhi_audit.redact\n"
        "import bhi_audit.summaries, bhi_audit.registry\n"
        "bhi_audit.registry.load_registry(plugins=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith('bhi_audit.loaders')))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert completed.stdout.strip() == "[]"
