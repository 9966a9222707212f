"""Find, validate and describe check modules: built-in, entry points and ``--checks-dir``.

Why explicit: built-in checks are listed once in ``checks/__init__.py`` (``BUILTIN``), never
found by globbing or import side effects. Outside checks (a payer's or a practice's own rules)
come in deliberately — through the ``bhi_audit.checks`` entry-point group or a directory named
on the command line — and must follow the same module contract, which is validated here so
that a broken plugin is a clear usage error, not a crash in the middle of an audit.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import inspect
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ValidationError

from bhi_audit.checkapi import SCOPES, Problem, Scope, Severity
from bhi_audit.errors import ConfigError
from bhi_audit.models import RECORD_KINDS, Record

ENTRY_POINT_GROUP = "bhi_audit.checks"
ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BUILTIN_PREFIX = "BHI-"
#: Sections every check docstring has.
SECTIONS = ("Why", "Source", "Passes", "Fails")
#: Every section a check docstring may have, in the order the docs show them: the required
#: ones, ``Options`` (what the options change), ``Not verifiable`` (when the check cannot
#: decide, beyond a missing ``REQUIRES`` kind) and ``Data`` (the policy files it reads).
KNOWN_SECTIONS = (*SECTIONS, "Options", "Not verifiable", "Data")
#: A section label at column 0: up to four words and an optional ``(qualifier)``, then ``:``.
LABEL_RE = re.compile(r"^([A-Z][A-Za-z]*(?: [A-Za-z]+){0,3}(?: \([^)]*\))?):(?=\s|$)")


@dataclass(frozen=True)
class CheckSpec:
    """A validated check module and what the registry knows about it."""

    id: str
    name: str
    scope: Scope
    default_severity: Severity
    severities: dict[str, Severity]
    codes: frozenset[str] | None
    aliases: tuple[str, ...]
    options_model: type[BaseModel] | None
    #: Record kinds (``Record.KIND``) without which the check cannot judge: when the input
    #: lacks one, the engine reports the unit not verifiable instead of running the check.
    requires: tuple[str, ...]
    run: Callable[[Any, Any], Iterator[Problem]]
    summary: str
    sections: dict[str, str]
    doc: str
    origin: str

    @property
    def source(self) -> str:
        """The citation from the docstring's ``Source:`` section."""
        return self.sections.get("Source", "")

    def severity_for(self, variant: str | None) -> Severity:
        """The default severity of a variant of this check."""
        if variant is not None and variant in self.severities:
            return self.severities[variant]
        return self.default_severity


class DocstringError(ValueError):
    """A check docstring that does not follow the section grammar."""


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Split a check docstring into its first line and its named sections.

    The grammar is closed: after the first line (the requirement) come only sections, each
    starting at column 0 with a known label (:data:`KNOWN_SECTIONS`) and a colon; their text
    runs to the next label. A column-0 line that looks like a label (``Word:``, up to four
    words, optionally with a parenthesised qualifier) but is not a known one is an error, as
    is text before the first section or a section given twice: otherwise "Pair data: ..." would
    silently become part of Source, and a paragraph before Why would vanish from the docs.
    Prose inside a section that must start a line with ``Word:`` is indented.
    """
    lines = inspect.cleandoc(doc).splitlines()
    summary = lines[0].strip() if lines else ""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for number, raw in enumerate(lines[1:], start=2):
        match = LABEL_RE.match(raw)
        if match:
            label = match.group(1)
            if label not in KNOWN_SECTIONS:
                raise DocstringError(
                    f"line {number}: unknown section {label!r} (sections: "
                    f"{', '.join(KNOWN_SECTIONS)}; indent prose that starts with 'Word:')"
                )
            if label in sections:
                raise DocstringError(f"line {number}: section {label!r} given twice")
            current = label
            sections[label] = [raw[match.end() :].strip()]
        elif current is not None:
            sections[current].append(raw.strip())
        elif raw.strip():
            raise DocstringError(
                f"line {number}: text before the first section ({raw.strip()[:40]!r}); "
                "the requirement is one line, the rest goes into a section"
            )
    return summary, {k: " ".join(p for p in v if p).strip() for k, v in sections.items()}


def spec_from_module(module: ModuleType, origin: str) -> CheckSpec:
    """Validate a module against the check contract and describe it."""
    where = f"check module {module.__name__} ({origin})"

    def need(attr: str) -> Any:
        if not hasattr(module, attr):
            raise ConfigError(f"{where}: missing {attr}")
        return getattr(module, attr)

    check_id = need("ID")
    if not isinstance(check_id, str) or not ID_RE.match(check_id):
        raise ConfigError(f"{where}: ID {check_id!r} must look like PREFIX-NAME-001")
    name = need("NAME")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ConfigError(f"{where}: NAME {name!r} must be kebab-case")
    scope = need("SCOPE")
    if scope not in SCOPES:
        raise ConfigError(f"{where}: SCOPE {scope!r} must be one of {', '.join(SCOPES)}")
    raw_severities = getattr(module, "SEVERITIES", {})
    if not isinstance(raw_severities, dict):
        raise ConfigError(f"{where}: SEVERITIES must be a dict of variant -> severity")
    try:
        severity = Severity(need("DEFAULT_SEVERITY"))
        severities = {k: Severity(v) for k, v in raw_severities.items()}
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    run = need("check")
    if not callable(run):
        raise ConfigError(f"{where}: check must be a function")
    codes = getattr(module, "CODES", None)
    # NOTE: a bare string would silently become a set of characters.
    if codes is not None and (
        not isinstance(codes, set | frozenset | tuple | list)
        or not all(isinstance(c, str) for c in codes)
    ):
        raise ConfigError(f"{where}: CODES must be a frozenset of code strings")
    aliases = getattr(module, "ALIASES", ())
    if not isinstance(aliases, tuple | list) or not all(isinstance(a, str) for a in aliases):
        raise ConfigError(f"{where}: ALIASES must be a tuple of id strings")
    options_model = getattr(module, "Options", None)
    if options_model is not None and not (
        isinstance(options_model, type) and issubclass(options_model, BaseModel)
    ):
        raise ConfigError(f"{where}: Options must be a pydantic model")
    if options_model is not None:
        try:
            options_model()
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
            raise ConfigError(f"{where}: Options needs a default for: {fields}") from None
    requires = _requires(module, where)
    try:
        summary, sections = parse_docstring(module.__doc__ or "")
    except DocstringError as exc:
        raise ConfigError(f"{where}: docstring {exc}") from None
    missing = [s for s in SECTIONS if not sections.get(s)]
    if not summary or missing:
        raise ConfigError(f"{where}: docstring lacks {', '.join(missing) or 'a first line'}")
    return CheckSpec(
        id=check_id,
        name=name,
        scope=scope,
        default_severity=severity,
        severities=severities,
        codes=frozenset(codes) if codes is not None else None,
        aliases=tuple(aliases),
        options_model=options_model,
        requires=requires,
        run=run,
        summary=summary,
        sections=sections,
        doc=(module.__doc__ or "").strip(),
        origin=origin,
    )


def _requires(module: ModuleType, where: str) -> tuple[str, ...]:
    """The kinds named by the module's optional ``REQUIRES`` (record model classes)."""
    declared = getattr(module, "REQUIRES", ())
    if not isinstance(declared, tuple | list) or not all(
        isinstance(kind, type) and issubclass(kind, Record) and kind in RECORD_KINDS
        for kind in declared
    ):
        names = ", ".join(kind.__name__ for kind in RECORD_KINDS)
        raise ConfigError(f"{where}: REQUIRES must be a tuple of record models ({names})")
    return tuple(dict.fromkeys(kind.KIND for kind in declared))


def builtin_modules() -> list[ModuleType]:
    """The built-in check modules, in registry order (kept inside this loader: see STYLE §25)."""
    package = importlib.import_module("checks")
    return [importlib.import_module(f"checks.{name}") for name in package.BUILTIN]


def entry_point_modules() -> Iterator[tuple[ModuleType, str]]:
    """Modules registered under the ``bhi_audit.checks`` entry-point group."""
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        try:
            loaded = point.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # NOTE: a broken plugin (even one calling sys.exit(0) on
            # import) is a user-facing error, never the run's exit code
            raise ConfigError(
                f"entry point {point.name} ({point.value}) failed to load: {exc}"
            ) from None
        if not isinstance(loaded, ModuleType):
            raise ConfigError(f"entry point {point.name} must name a module, not {loaded!r}")
        yield loaded, f"entry point {point.name} ({point.value})"


def directory_modules(directory: Path) -> Iterator[tuple[ModuleType, str]]:
    """Every ``*.py`` module (not starting with ``_``) in a checks directory."""
    if not directory.is_dir():
        raise ConfigError(f"--checks-dir {directory}: not a directory")
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module_name = f"bhi_audit_plugin_{path.stem}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ConfigError(f"{path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # NOTE: a broken plugin file is a user-facing error (as
            # above: SystemExit and GeneratorExit too)
            raise ConfigError(f"{path}: failed to import: {type(exc).__name__}: {exc}") from None
        yield module, f"checks-dir {path}"


def suggestion(key: str, known: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` when a close match exists (case-insensitively), else ``""``."""
    by_fold = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(key.casefold(), list(by_fold), n=1, cutoff=0.7)
    return f" (did you mean {by_fold[close[0]]!r}?)" if close else ""


class Registry:
    """The ordered set of available checks, with id and alias lookup.

    Lookup ignores case, as ruff and flake8 users expect (``explain bhi-time-002``): ids are
    upper case and names lower case by contract, so folding them loses nothing.
    """

    def __init__(self, specs: Iterable[CheckSpec]) -> None:
        self.specs: list[CheckSpec] = []
        self._by_key: dict[str, CheckSpec] = {}
        for spec in specs:
            self._add(spec)

    def _add(self, spec: CheckSpec) -> None:
        for key in (spec.id, spec.name, *spec.aliases):
            other = self._by_key.get(key.casefold())
            if other is not None:
                raise ConfigError(
                    f"check id or name {key!r} of {spec.origin} is already used by {other.origin}"
                )
        for key in (spec.id, spec.name, *spec.aliases):
            self._by_key[key.casefold()] = spec
        self.specs.append(spec)

    def _keys(self) -> list[str]:
        return [k for s in self.specs for k in (s.id, s.name, *s.aliases)]

    def get(self, key: str) -> CheckSpec:
        """Look a check up by id, name or alias (any case); an unknown one is a ConfigError."""
        try:
            return self._by_key[key.casefold()]
        except KeyError:
            raise ConfigError(f"no such check: {key}{suggestion(key, self._keys())}") from None

    def select(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[CheckSpec]:
        """Checks to run: all (or ``select``), minus ``ignore``, in registry order.

        A selector may be an id, name or alias, or an id prefix (``BHI-TIME``, ``BHI-TIME-``
        or ``BHI-T*`` — a prefix without ``-`` or ``*`` stops at a dash, so ``BHI-TIME``
        never selects a ``BHI-TIMEX-`` check), in any case, as in ruff's ``--select E``.
        """
        chosen = {s.id for s in self._match(select)} if select else {s.id for s in self.specs}
        dropped = {s.id for s in self._match(ignore)}
        return [s for s in self.specs if s.id in chosen and s.id not in dropped]

    def _with_prefix(self, prefix: str) -> list[CheckSpec]:
        folded = prefix.casefold()
        return [s for s in self.specs if s.id.casefold().startswith(folded)]

    def _match(self, keys: Iterable[str]) -> list[CheckSpec]:
        found: list[CheckSpec] = []
        for key in keys:
            if key.endswith(("-", "*")):
                matched = self._with_prefix(key.rstrip("*"))
                if not matched:
                    prefixes = {s.id.rsplit("-", 1)[0] + "-" for s in self.specs}
                    raise ConfigError(f"no check matches: {key}{suggestion(key, prefixes)}")
                found.extend(matched)
            elif key.casefold() in self._by_key:
                found.append(self._by_key[key.casefold()])
            elif matched := self._with_prefix(f"{key}-"):
                found.extend(matched)
            else:
                found.append(self.get(key))
        return found


def load_registry(checks_dirs: Iterable[Path] = (), *, plugins: bool = True) -> Registry:
    """Built-in checks, then entry-point plugins, then ``--checks-dir`` modules."""
    specs = [spec_from_module(m, "built-in") for m in builtin_modules()]
    outside: list[tuple[ModuleType, str]] = []
    if plugins:
        outside.extend(entry_point_modules())
    for directory in checks_dirs:
        outside.extend(directory_modules(directory))
    for module, origin in outside:
        spec = spec_from_module(module, origin)
        if spec.id.startswith(BUILTIN_PREFIX):
            raise ConfigError(
                f"{origin}: ID {spec.id} uses the built-in prefix {BUILTIN_PREFIX}; "
                "give outside checks their own prefix"
            )
        specs.append(spec)
    return Registry(specs)
