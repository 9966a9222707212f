"""Project configuration: find it, validate it, and turn it into what the engine and gate use.

Where it comes from, in order (the first found wins, nothing is merged):

1. ``--isolated``: none at all, the built-in defaults;
2. ``--config FILE`` (a ``bhi-audit.toml``-style file, or a ``pyproject.toml`` whose
   ``[tool.bhi-audit]`` table is used);
3. else, from the **working directory** upward to the project root (the first directory
   holding ``.git``, ``pyproject.toml`` or ``bhi-audit.toml``), never into the home directory
   from below it: ``bhi-audit.toml`` in a directory, then ``pyproject.toml`` with a
   ``[tool.bhi-audit]`` table in the same directory;
4. else the built-in defaults.

Why from the working directory and not from the audited paths (as flake8 does): the data is
not trusted (docs/security.md, section 1). A ``bhi-audit.toml`` shipped inside a received
bundle, or lying in a shared temporary folder above it, must not be able to switch checks off,
weaken the gate or name a ``checks-dirs`` whose Python then runs. Such a file is reported as
not used. A discovered file in a world-writable directory, or owned by another user, is refused
and the run stops (as git's ``safe.directory``); ``--config`` names a file on purpose and is
always read.

Why no user-global file: a setting in a home directory would silently change verdicts between
two people auditing the same batch (STYLE §25). The source file is recorded in the result's
``config`` and ``setup`` so an auditor can reproduce a run.

Keys are kebab-case, like the command-line options they mirror (``fail-on`` ~ ``--fail-on``).
Per-check options keep the field names of the check's ``Options`` model (see
``bhi-audit explain ID``). Every model forbids unknown keys: a typo is a ConfigError naming
the key, which the CLI turns into exit code 2.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bhi_audit.baseline import Baseline, load_baseline
from bhi_audit.checkapi import Severity
from bhi_audit.engine import AuditSettings
from bhi_audit.errors import ConfigError
from bhi_audit.gate import FailOn
from bhi_audit.registry import CheckSpec, Registry
from bhi_audit.result import RunSetup, SwitchedOffCheck
from bhi_audit.waivers import DEFAULT_MAX_DAYS, Waiver, load_waivers

CONFIG_FILE = "bhi-audit.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = "bhi-audit"
#: What marks a project root: discovery stops in the first directory holding one of these.
ROOT_MARKERS = (".git", PYPROJECT, CONFIG_FILE)
ConfigMode = Literal["file", "defaults", "isolated"]
T = TypeVar("T")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Config(BaseModel):
    """The ``[tool.bhi-audit]`` table (or a whole ``bhi-audit.toml``)."""

    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, frozen=True)

    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    fail_on: FailOn = "error"
    #: check id/name/alias (or ``ID:variant``) -> severity
    severity: dict[str, Severity] = Field(default_factory=dict)
    #: check id/name/alias -> that check's Options fields
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    always_fail: list[str] = Field(default_factory=list)
    never_fail: list[str] = Field(default_factory=list)
    not_waivable: list[str] = Field(default_factory=list)
    waivers: str | None = None
    baseline: str | None = None
    checks_dirs: list[str] = Field(default_factory=list)
    #: folders of imported CMS policy packs (``bhi-audit policy import``; docs/policy-data.md)
    policy_dirs: list[str] = Field(default_factory=list)
    #: a payer profile from bhi_audit/policy/payers.toml (severity and option defaults)
    payer: str = "medicare"
    #: fail the run on "not verifiable" findings and on missing kinds of documentation
    fail_on_unverifiable: bool = False
    #: the longest a waiver may run, in days (from approved_on, else from the as-of day)
    waiver_max_days: int = Field(default=DEFAULT_MAX_DAYS, ge=1)
    #: the practice's name, shown at the top of the HTML report (display only; trusted, because
    #: it comes from the configuration, never from the audited data)
    practice: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _lists_disjoint(self) -> Config:
        both = sorted(set(self.always_fail) & set(self.never_fail))
        if both:
            raise ValueError(f"{', '.join(both)} listed in both always-fail and never-fail")
        return self


@dataclass(frozen=True)
class LoadedConfig:
    """A validated configuration and where it came from.

    ``source`` is the file (None: built-in defaults, or ``--isolated``); ``root`` is the
    directory ``checks-dirs`` must stay inside; ``not_used`` the configuration files lying
    in the audited folders, which were not read.
    """

    config: Config
    source: Path | None
    mode: ConfigMode = "defaults"
    root: Path | None = None
    not_used: tuple[str, ...] = ()

    def relative(self, value: str) -> Path:
        """A path from the config file, relative to the file's directory."""
        path = Path(value)
        if self.source is None or path.is_absolute():
            return path
        return self.source.parent / path

    def where(self, key: str) -> str:
        """Where a top-level key was set, for errors: ``file:line: key`` (else ``label: key``).

        Why: an error about ``select`` must point at the line to fix, the way the command
        line's own errors name ``--select``.
        """
        line = key_line(self.source, key) if self.mode == "file" else None
        return f"{self.label}:{line}: {key}" if line else f"{self.label}: {key}"

    @property
    def label(self) -> str:
        """How reports name the configuration: its file, ``defaults`` or ``isolated``."""
        if self.mode == "file" and self.source is not None:
            return str(self.source)
        return self.mode


@dataclass(frozen=True)
class CliChoices:
    """What the command line said; None or empty means "not given, use the config"."""

    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    fail_on: FailOn | None = None
    waivers: Path | None = None
    baseline: Path | None = None
    checks_dirs: Sequence[Path] = ()
    #: ``--as-of``: the day waiver expiry is judged on (None: today).
    as_of: date | None = None
    #: ``--fail-on-unverifiable`` (None: the config's ``fail-on-unverifiable``).
    fail_on_unverifiable: bool | None = None


@dataclass(frozen=True)
class GatePolicy:
    """What decides the exit code, beyond the findings (see docs/gating.md, precedence)."""

    fail_on: FailOn = "error"
    always_fail: frozenset[str] = frozenset()
    never_fail: frozenset[str] = frozenset()
    fail_on_unverifiable: bool = False


@dataclass(frozen=True)
class RunPlan:
    """Everything a ``check`` or ``baseline`` run needs, resolved against the registry."""

    specs: list[CheckSpec]
    settings: AuditSettings
    gate: GatePolicy


# --------------------------------------------------------------------------- discovery


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, as a ConfigError naming the file if that fails."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not usable TOML (nested too deeply)") from None


def _table(path: Path, required: bool) -> dict[str, Any] | None:
    """The bhi-audit table of a config file, or None for a pyproject.toml without one."""
    data = read_toml(path)
    if path.name != PYPROJECT:
        return data
    table = data.get("tool", {}).get(TOOL_TABLE)
    if table is None:
        if required:
            raise ConfigError(f"{path}: no [tool.{TOOL_TABLE}] table")
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TOOL_TABLE}] must be a table")
    return table


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (KeyError, RuntimeError):  # no HOME and no passwd entry
        return None


@dataclass(frozen=True)
class Discovery:
    """What the walk from the working directory found: a file (or None) and the project root."""

    file: Path | None
    root: Path | None


def config_in(directory: Path) -> Path | None:
    """``bhi-audit.toml`` in ``directory``, else its ``pyproject.toml`` if it has our table."""
    own = directory / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = directory / PYPROJECT
    if pyproject.is_file() and _table(pyproject, required=False) is not None:
        return pyproject
    return None


def find_config_file(start: Path) -> Discovery:
    """The configuration of the project ``start`` (the working directory) lies in.

    The walk goes from ``start`` upward and stops at the project root, the first directory
    holding ``.git``, ``pyproject.toml`` or ``bhi-audit.toml``. It never enters the home
    directory or anything above it from below it: a stray ``~/bhi-audit.toml`` or a
    ``pyproject.toml`` in a shared parent must not configure every audit under it.
    """
    here = Path(start.resolve())
    home = _home()
    for directory in (here, *here.parents):
        if directory == home and directory != here:
            break  # never the home directory from below it
        try:
            found = config_in(directory)
            is_root = any((directory / marker).exists() for marker in ROOT_MARKERS)
        except OSError as exc:
            raise ConfigError(
                f"{directory}: cannot look for configuration ({exc.strerror}); "
                "pass --config FILE or --isolated"
            ) from None
        if found is not None:
            return Discovery(found, directory)
        if is_root:
            return Discovery(None, directory)
        if directory == home:
            break  # nor anything above it
    return Discovery(None, None)


def unsafe_reason(path: Path) -> str | None:
    """Why a discovered configuration file must not be trusted, or None if it may be.

    Like git's ``safe.directory``: a file anyone could have written (it, or its directory,
    is world-writable), or one another user owns, is not this user's project configuration.
    """
    try:
        info = path.stat()
        folder = path.parent.stat()
    except OSError as exc:
        return f"cannot be checked ({exc.strerror})"
    if info.st_mode & stat.S_IWOTH:
        return "is world-writable"
    if folder.st_mode & stat.S_IWOTH:
        return "lies in a world-writable directory"
    getuid = getattr(os, "getuid", None)
    if getuid is not None and info.st_uid != getuid():
        return f"is owned by another user (uid {info.st_uid})"
    return None


def configs_not_used(paths: Iterable[Path], used: Path | None) -> tuple[str, ...]:
    """Configuration files in the audited folders that this run did not read.

    Why say so: someone who finds a ``bhi-audit.toml`` next to the data would otherwise
    believe it applied. Only the audited folder itself (a file's own folder) is looked at.
    """
    seen: set[Path] = set()
    found: list[str] = []
    for path in paths:
        try:
            folder = path if path.is_dir() else path.parent
        except OSError:
            continue  # the loader reports an unreadable path, naming it
        for name in (CONFIG_FILE, PYPROJECT):
            candidate = folder / name
            try:
                if not candidate.is_file() or candidate.resolve() in seen:
                    continue
            except OSError:
                continue
            seen.add(candidate.resolve())
            if used is not None and candidate.resolve() == used.resolve():
                continue
            if name == PYPROJECT and not _has_table(candidate):
                continue
            found.append(str(_display(candidate)))
    return tuple(sorted(found))


def key_line(path: Path | None, key: str) -> int | None:
    """The 1-based line setting a top-level ``key`` of our table in ``path`` (None: not found).

    A plain text scan (tomllib keeps no positions): in a ``pyproject.toml`` it starts after
    the ``[tool.bhi-audit]`` header and stops at the next table.
    """
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    inside = path.name != PYPROJECT
    setting = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") in (f"[tool.{TOOL_TABLE}]", f'[tool."{TOOL_TABLE}"]')
            continue
        if inside and setting.match(text):
            return number
    return None


class Problems:
    """Configuration problems gathered in one run, so a file with two mistakes shows both."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def attempt(self, step: Callable[[], T], default: T) -> T:
        """The step's value, or ``default`` after noting the ConfigError it raised."""
        try:
            return step()
        except ConfigError as exc:
            self.messages.extend(str(exc).splitlines())
            return default

    def raise_any(self) -> None:
        """Raise every problem gathered so far as one ConfigError (one line each)."""
        if self.messages:
            raise ConfigError("\n".join(dict.fromkeys(self.messages)))


def _has_table(pyproject: Path) -> bool:
    """Whether an untrusted pyproject.toml carries a bhi-audit table (unreadable: no)."""
    try:
        return _table(pyproject, required=False) is not None
    except ConfigError:
        return False


def _display(path: Path) -> Path:
    """A path relative to the working directory when it lies below it (deterministic output)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def parse_config(table: Mapping[str, Any], source: str) -> Config:
    """Validate a config table; the error names the source file and the dotted key."""
    try:
        return Config.model_validate(dict(table))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None


def _describe(exc: ValidationError, source: str) -> str:
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        lines.append(f"{source}: {key}: {message.removeprefix('Value error, ')}")
    return "\n".join(lines)


def load_config(
    paths: Iterable[Path],
    explicit: Path | None = None,
    *,
    isolated: bool = False,
    cwd: Path | None = None,
) -> LoadedConfig:
    """The configuration of a run: none (``isolated``), ``--config FILE``, discovered, defaults.

    ``paths`` (the audited data) never decide which file is read; they are only looked at to
    report a configuration file lying among them that was not used.
    """
    paths = list(paths)
    here = cwd or Path.cwd()
    if isolated:
        if explicit is not None:
            raise ConfigError("--isolated and --config exclude each other (use one)")
        return LoadedConfig(Config(), None, "isolated", None, configs_not_used(paths, None))
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        table = _table(explicit, required=True) or {}
        try:
            project = find_config_file(here).root
        except ConfigError:  # --config always works; checks-dirs then stay in its folder
            project = None
        folder = explicit.resolve().parent
        root = project if project is not None and folder.is_relative_to(project) else folder
        return LoadedConfig(
            parse_config(table, str(explicit)),
            _display(explicit),
            "file",
            root,
            configs_not_used(paths, explicit),
        )
    discovery = find_config_file(here)
    found = discovery.file
    not_used = configs_not_used(paths, found)
    if found is None:
        return LoadedConfig(Config(), None, "defaults", discovery.root, not_used)
    source = _display(found)
    reason = unsafe_reason(found)
    if reason is not None:
        # NOTE: refused means the run stops (like git's "dubious ownership"): falling back to
        # the defaults would silently drop the project's own always-fail, stricter fail-on
        # and plugin checks, a weaker gate nobody chose.
        raise ConfigError(
            f"{source}: configuration refused: it {reason}; pass --config {source} to trust "
            "it, or --isolated to read no configuration"
        )
    table = _table(found, required=True) or {}
    return LoadedConfig(parse_config(table, str(source)), source, "file", discovery.root, not_used)


# --------------------------------------------------------------------------- resolving


def _resolve_ids(registry: Registry, keys: Iterable[str], where: str) -> list[str]:
    """Check ids for ids, names or aliases; an unknown one names the config key."""
    return [_lookup(registry, key, where).id for key in keys]


def resolve_severity(
    registry: Registry, overrides: Mapping[str, Severity], source: str
) -> dict[str, Severity]:
    """``{"BHI-TIME-001": warning, "name:variant": info}`` keyed by canonical check id."""
    resolved: dict[str, Severity] = {}
    for key, severity in overrides.items():
        check_key, _, variant = key.partition(":")
        where = f"{source}: severity.{key}"
        spec = _lookup(registry, check_key, where)
        if variant and variant not in spec.severities:
            known = ", ".join(sorted(spec.severities)) or "none"
            raise ConfigError(f"{where}: {spec.id} has no variant {variant!r} (variants: {known})")
        resolved[f"{spec.id}:{variant}" if variant else spec.id] = severity
    return resolved


def _check_selector(registry: Registry, key: str, where: str) -> None:
    """A selector that matches nothing is an error naming where it was given."""
    try:
        registry.select([key])
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _lookup(registry: Registry, key: str, where: str) -> CheckSpec:
    try:
        return registry.get(key)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


class PayerProfile(BaseModel):
    """Severity and option defaults for one payer (bhi_audit/policy/payers.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    severity: dict[str, Severity] = Field(default_factory=dict)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)


def payer_profiles() -> dict[str, PayerProfile]:
    """Every payer profile shipped with bhi-audit."""
    text = resources.files("bhi_audit.policy").joinpath("payers.toml").read_text("utf-8")
    return {name: PayerProfile.model_validate(v) for name, v in tomllib.loads(text).items()}


def payer_profile(name: str, source: str) -> PayerProfile:
    """The named profile; an unknown name is a ConfigError listing the known ones."""
    profiles = payer_profiles()
    if name not in profiles:
        known = ", ".join(sorted(profiles))
        raise ConfigError(f"{source}: payer: unknown payer profile {name!r} (known: {known})")
    return profiles[name]


def canonical_options(
    registry: Registry, options: Mapping[str, Mapping[str, Any]], source: str
) -> dict[str, dict[str, Any]]:
    """Per-check options keyed by check id (a check may be named by id, name or alias)."""
    canonical: dict[str, dict[str, Any]] = {}
    for key, values in options.items():
        spec = _lookup(registry, key, f"{source}: options.{key}")
        canonical.setdefault(spec.id, {}).update(values)
    return canonical


def merge_options(
    base: Mapping[str, Mapping[str, Any]], override: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Per-check options of a profile, with the project's own values on top (field by field)."""
    merged = {key: dict(values) for key, values in base.items()}
    for key, values in override.items():
        merged.setdefault(key, {}).update(values)
    return merged


def resolve_options(
    registry: Registry, options: Mapping[str, Mapping[str, Any]], source: str
) -> dict[str, BaseModel]:
    """Each check's options validated by its own ``Options`` model, keyed by check id."""
    resolved: dict[str, BaseModel] = {}
    for key, values in options.items():
        where = f"{source}: options.{key}"
        spec = _lookup(registry, key, where)
        if spec.options_model is None:
            raise ConfigError(f"{where}: check {spec.id} takes no options")
        try:
            resolved[spec.id] = spec.options_model.model_validate(dict(values))
        except ValidationError as exc:
            raise ConfigError(_describe(exc, where)) from None
    return resolved


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan_run(
    registry: Registry,
    loaded: LoadedConfig,
    cli: CliChoices,
    as_of: date | None = None,
    *,
    with_baseline: bool = True,
    as_of_stated: bool | None = None,
) -> RunPlan:
    """Resolve config + command line into checks, engine settings and the gate policy.

    ``with_baseline=False`` (for ``bhi-audit baseline``, which writes one) ignores the
    configured baseline file.

    The command line wins over the config file key by key (``--select`` replaces
    ``select``, ``--fail-on`` replaces ``fail-on``; ``--ignore`` adds to ``ignore``).
    """
    config = loaded.config
    source = loaded.label
    select = list(cli.select) or config.select
    ignore = [*config.ignore, *cli.ignore]
    problems = Problems()
    for keys, where in (
        (cli.select, "--select"),
        ([] if cli.select else config.select, loaded.where("select")),
        (config.ignore, loaded.where("ignore")),
        (cli.ignore, "--ignore"),
    ):
        for key in keys:
            problems.attempt(partial(_check_selector, registry, key, where), None)
    specs: list[CheckSpec] = []
    switched_off: tuple[SwitchedOffCheck, ...] = ()
    if not problems.messages:  # NOTE: the rest is still validated, to report it all at once
        specs = registry.select(select, ignore)
        switched_off = switched_off_checks(registry, loaded, cli, specs)
        if not specs:
            problems.messages.append(f"no check left to run: {_selection_origin(loaded, cli)}")
    fail_on: FailOn = cli.fail_on or config.fail_on

    def ids(key: str, keys: list[str]) -> frozenset[str]:
        where = loaded.where(key)
        found: list[str] = []
        for name in keys:
            found += problems.attempt(partial(_resolve_ids, registry, [name], where), [])
        return frozenset(found)

    always = ids("always-fail", config.always_fail)
    never = ids("never-fail", config.never_fail)
    if always & never:  # the same check under two names
        both = ", ".join(sorted(always & never))
        problems.messages.append(f"{source}: {both} listed in both always-fail and never-fail")
    not_waivable = ids("not-waivable", config.not_waivable)
    no_profile = PayerProfile(description="(unknown)")
    profile = problems.attempt(partial(payer_profile, config.payer, source), no_profile)
    severity: dict[str, Severity] = problems.attempt(
        lambda: resolve_severity(registry, {**profile.severity, **config.severity}, source), {}
    )
    options: dict[str, BaseModel] = problems.attempt(
        lambda: resolve_options(
            registry,
            merge_options(
                canonical_options(registry, profile.options, f"payer profile {config.payer}"),
                canonical_options(registry, config.options, source),
            ),
            source,
        ),
        {},
    )
    problems.raise_any()

    waivers_path = cli.waivers or (loaded.relative(config.waivers) if config.waivers else None)
    baseline_path = cli.baseline or (loaded.relative(config.baseline) if config.baseline else None)
    if not with_baseline:
        baseline_path = None
    waivers: tuple[Waiver, ...] = ()
    if waivers_path is not None:
        waivers = load_waivers(
            waivers_path, registry, not_waivable, as_of=as_of, max_days=config.waiver_max_days
        )
    baseline: Baseline | None = None
    if baseline_path is not None:
        baseline = load_baseline(baseline_path, registry)
    today = as_of or date.today()
    fail_on_unverifiable = (
        cli.fail_on_unverifiable
        if cli.fail_on_unverifiable is not None
        else config.fail_on_unverifiable
    )

    effective: dict[str, object] = {
        "source": source,
        "select": select,
        "ignore": ignore,
        "fail_on": fail_on,
        "always_fail": sorted(always),
        "never_fail": sorted(never),
        "not_waivable": sorted(not_waivable),
        "payer": config.payer,
        "severity": {k: v.value for k, v in sorted(severity.items())},
        "options": {
            spec.id: (options.get(spec.id) or spec.options_model()).model_dump(mode="json")
            for spec in specs
            if spec.options_model is not None
        },
        "checks_dirs": [str(d) for d in (*cli.checks_dirs, *config.checks_dirs)],
        "from_command_line": sorted(
            name
            for name, given in (
                ("select", bool(cli.select)),
                ("ignore", bool(cli.ignore)),
                ("fail_on", cli.fail_on is not None),
                ("waivers", cli.waivers is not None),
                ("baseline", cli.baseline is not None),
                ("checks_dirs", bool(cli.checks_dirs)),
                ("fail_on_unverifiable", cli.fail_on_unverifiable is not None),
            )
            if given
        ),
    }
    if waivers_path is not None:
        effective["waivers"] = {
            "file": str(_display(waivers_path)),
            "sha256": _sha256(waivers_path),
            "count": len(waivers),
            # NOTE: expiry depends on the day of the run, so the day is part of the record.
            "as_of": today.isoformat(),
            "max_days": config.waiver_max_days,
        }
    # NOTE: practice and a stated --as-of only when given, so that other reports stay as they
    # were; the HTML report's first screen names them (its run date is never the clock).
    if config.practice is not None:
        effective["practice"] = config.practice
    # NOTE: ``verify`` replays the waivers' day as ``as_of`` for a run that stated none.
    if as_of is not None and (as_of_stated is None or as_of_stated):
        effective["as_of"] = as_of.isoformat()
    if fail_on_unverifiable:  # NOTE: only when on, so that other reports stay as they were
        effective["fail_on_unverifiable"] = True
    if baseline_path is not None and baseline is not None:
        effective["baseline"] = {
            "file": str(_display(baseline_path)),
            "sha256": _sha256(baseline_path),
            "entries": len(baseline.entries),
        }
    weakened = gate_weakened(
        registry,
        loaded,
        cli,
        switched_off,
        resolve_severity(registry, profile.severity, f"payer profile {config.payer}"),
    )
    setup = RunSetup(
        configuration=source,
        checks_run=len(specs),
        switched_off=switched_off,
        gate_weakened=weakened,
        config_not_used=loaded.not_used,
    )
    settings = AuditSettings(
        severity_overrides=severity,
        options=options,
        config=effective,
        waivers=waivers,
        baseline=baseline,
        not_waivable=not_waivable,
        as_of=today,
        setup=setup,
        as_of_stated=as_of is not None if as_of_stated is None else as_of_stated,
    )
    return RunPlan(
        specs=specs,
        settings=settings,
        gate=GatePolicy(
            fail_on=fail_on,
            always_fail=always,
            never_fail=never,
            fail_on_unverifiable=fail_on_unverifiable,
        ),
    )


def switched_off_checks(
    registry: Registry, loaded: LoadedConfig, cli: CliChoices, specs: Sequence[CheckSpec]
) -> tuple[SwitchedOffCheck, ...]:
    """Every check that will not run, with who switched it off, in registry order.

    The first reason wins: not selected, then the configuration's ``ignore``, then
    ``--ignore`` (a check off for two reasons is off for the first already).
    """
    config = loaded.config
    running = {spec.id for spec in specs}
    selected = _matching(registry, list(cli.select) or config.select)
    config_ignored = _matching(registry, config.ignore) or set()
    cli_ignored = _matching(registry, list(cli.ignore)) or set()
    off = []
    for spec in registry.specs:
        if spec.id in running:
            continue
        if selected is not None and spec.id not in selected:
            if cli.select:
                off.append(SwitchedOffCheck(check_id=spec.id, reason="not in --select", by=CLI))
            else:
                reason = f"not in select of {loaded.label}"
                off.append(SwitchedOffCheck(check_id=spec.id, reason=reason, by=CONFIG))
        elif spec.id in config_ignored:
            reason = f"ignore in {loaded.label}"
            off.append(SwitchedOffCheck(check_id=spec.id, reason=reason, by=CONFIG))
        elif spec.id in cli_ignored:
            off.append(SwitchedOffCheck(check_id=spec.id, reason="--ignore", by=CLI))
    return tuple(off)


#: Who switched a check off (RunSetup.switched_off): the configuration file, or the user.
CONFIG: Final = "configuration"
CLI: Final = "command line"


def _matching(registry: Registry, keys: Sequence[str]) -> set[str] | None:
    """Ids matched by selectors (None: no selectors given)."""
    if not keys:
        return None
    return {spec.id for spec in registry.select(keys)}


def _selection_origin(loaded: LoadedConfig, cli: CliChoices) -> str:
    """Where an empty selection came from, for the usage error."""
    config = loaded.config
    parts = []
    if cli.select:
        parts.append(f"--select {','.join(cli.select)}")
    elif config.select:
        parts.append(f"select = {config.select} in {loaded.label}")
    if config.ignore:
        parts.append(f"ignore = {config.ignore} in {loaded.label}")
    if cli.ignore:
        parts.append(f"--ignore {','.join(cli.ignore)}")
    return " and ".join(parts) or "no check is registered"


def _can_fail_as_error(spec: CheckSpec, severity: Mapping[str, Severity]) -> bool:
    """Whether a check reports errors (its default or a variant), after profile overrides."""
    levels = [severity.get(spec.id, spec.default_severity)]
    levels += [severity.get(f"{spec.id}:{v}", level) for v, level in spec.severities.items()]
    return Severity.ERROR in levels


def gate_weakened(
    registry: Registry,
    loaded: LoadedConfig,
    cli: CliChoices,
    switched_off: Sequence[SwitchedOffCheck],
    profile_severity: Mapping[str, Severity],
) -> tuple[str, ...]:
    """What in the configuration file makes the gate more lenient than the defaults.

    Why: a ``fail-on = "never"`` in a parent folder once turned 32 errors into a silent exit
    0. The command line is the user's own choice and is not "weakening by configuration"
    (its switched-off checks are still listed); an option it overrides does not count.
    """
    if loaded.mode != "file":
        return ()
    config = loaded.config
    source = loaded.label
    reasons = []
    if cli.fail_on is None and config.fail_on == "never":
        reasons.append("fail-on never")
    if config.never_fail:
        never = sorted(set(_resolve_ids(registry, config.never_fail, f"{source}: never-fail")))
        reasons.append(f"never-fail {', '.join(never)}")
    for why, label in (("ignore in", "ignored"), ("not in select of", "not selected")):
        count = sum(
            1
            for off in switched_off
            if off.by == CONFIG
            and off.reason.startswith(why)
            and _can_fail_as_error(registry.get(off.check_id), profile_severity)
        )
        if count:
            reasons.append(f"{count} error check{'s' if count != 1 else ''} {label}")
    lowered = []
    for key, level in resolve_severity(registry, config.severity, source).items():
        check_id, _, variant = key.partition(":")
        spec = registry.get(check_id)
        before = spec.severities.get(variant, spec.default_severity)
        before = profile_severity.get(key, before)
        if before is Severity.ERROR and level.rank < before.rank:
            lowered.append(f"{key} {level.value}")
    if lowered:
        reasons.append(f"severity {', '.join(sorted(lowered))}")
    return tuple(reasons)


def config_checks_dirs(loaded: LoadedConfig) -> tuple[Path, ...]:
    """``checks-dirs`` from the config, relative to the config file, inside the project root.

    Why confined: a plugin is Python code that runs with the user's rights. The configuration
    may name the project's own plugin folders, not a folder of the audited data reached with
    ``..``, an absolute path or a symlink (resolved before the test).
    """
    return _confined_dirs(
        loaded,
        "checks-dirs",
        loaded.config.checks_dirs,
        "pass --checks-dir DIR to load checks from elsewhere",
    )


def config_policy_dirs(loaded: LoadedConfig) -> tuple[Path, ...]:
    """``policy-dirs`` from the config, confined like ``checks-dirs``.

    Why confined: a policy pack decides what a line should pay and, for NCCI packs, what is an
    error; the audited data must never supply one (docs/security.md), so only the trusted
    configuration names pack folders, and only inside the project.
    """
    return _confined_dirs(
        loaded, "policy-dirs", loaded.config.policy_dirs, "copy the pack into the project"
    )


def _confined_dirs(
    loaded: LoadedConfig, key: str, values: Sequence[str], hint: str
) -> tuple[Path, ...]:
    dirs = tuple(loaded.relative(d) for d in values)
    if not dirs:
        return dirs
    root = loaded.root
    if root is None and loaded.source is not None:
        root = loaded.source.resolve().parent
    for value, directory in zip(values, dirs, strict=True):
        if root is None or not directory.resolve().is_relative_to(root.resolve()):
            raise ConfigError(
                f"{loaded.label}: {key}: {value} lies outside the project root "
                f"({_display(root) if root else 'none'}); {hint}"
            )
    return dirs
