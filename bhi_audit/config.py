"""Project configuration: find it, validate it, and turn it into what the engine and gate use.

Where it comes from, in order (the first found wins, nothing is merged):

1. ``--config FILE`` (a ``bhi-audit.toml``-style file, or a ``pyproject.toml`` whose
   ``[tool.bhi-audit]`` table is used);
2. else, from each audited path upward: ``bhi-audit.toml`` in a directory, then
   ``pyproject.toml`` with a ``[tool.bhi-audit]`` table in the same directory;
3. else the built-in defaults.

Why no user-global file: a setting in a home directory would silently change verdicts between
two people auditing the same batch (STYLE §25). The source file is recorded in the result's
``config`` so an auditor can reproduce a run.

Keys are kebab-case, like the command-line options they mirror (``fail-on`` ~ ``--fail-on``).
Per-check options keep the field names of the check's ``Options`` model (see
``bhi-audit explain ID``). Every model forbids unknown keys: a typo is a ConfigError naming
the key, which the CLI turns into exit code 2.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bhi_audit.baseline import Baseline, load_baseline
from bhi_audit.checkapi import Severity
from bhi_audit.engine import AuditSettings
from bhi_audit.errors import ConfigError
from bhi_audit.gate import FailOn
from bhi_audit.registry import CheckSpec, Registry
from bhi_audit.waivers import DEFAULT_MAX_DAYS, Waiver, load_waivers

CONFIG_FILE = "bhi-audit.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = "bhi-audit"


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
    #: a payer profile from bhi_audit/policy/payers.toml (severity and option defaults)
    payer: str = "medicare"
    #: fail the run on "not verifiable" findings and on missing kinds of documentation
    fail_on_unverifiable: bool = False
    #: the longest a waiver may run, in days (from approved_on, else from the as-of day)
    waiver_max_days: int = Field(default=DEFAULT_MAX_DAYS, ge=1)

    @model_validator(mode="after")
    def _lists_disjoint(self) -> Config:
        both = sorted(set(self.always_fail) & set(self.never_fail))
        if both:
            raise ValueError(f"{', '.join(both)} listed in both always-fail and never-fail")
        return self


@dataclass(frozen=True)
class LoadedConfig:
    """A validated configuration and the file it came from (None: built-in defaults)."""

    config: Config
    source: Path | None

    def relative(self, value: str) -> Path:
        """A path from the config file, relative to the file's directory."""
        path = Path(value)
        if self.source is None or path.is_absolute():
            return path
        return self.source.parent / path


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


def find_config_file(start: Path) -> Path | None:
    """The nearest ``bhi-audit.toml`` or ``pyproject.toml`` with our table, from start upward."""
    here = start if start.is_dir() else start.parent
    here = Path(here.resolve())
    for directory in (here, *here.parents):
        own = directory / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _table(pyproject, required=False) is not None:
            return pyproject
    return None


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


def load_config(paths: Iterable[Path], explicit: Path | None = None) -> LoadedConfig:
    """The configuration of a run: ``--config FILE``, else discovered, else defaults."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        table = _table(explicit, required=True) or {}
        return LoadedConfig(parse_config(table, str(explicit)), _display(explicit))
    found = {p: find_config_file(p) for p in paths}
    distinct = sorted({f for f in found.values() if f is not None})
    if len(set(found.values())) > 1:
        listing = ", ".join(f"{p} -> {f or 'none'}" for p, f in found.items())
        raise ConfigError(
            f"the audited paths have different configuration files ({listing}); pass --config FILE"
        )
    if not distinct:
        return LoadedConfig(Config(), None)
    source = _display(distinct[0])
    table = _table(distinct[0], required=True) or {}
    return LoadedConfig(parse_config(table, str(source)), source)


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
) -> RunPlan:
    """Resolve config + command line into checks, engine settings and the gate policy.

    ``with_baseline=False`` (for ``bhi-audit baseline``, which writes one) ignores the
    configured baseline file.

    The command line wins over the config file key by key (``--select`` replaces
    ``select``, ``--fail-on`` replaces ``fail-on``; ``--ignore`` adds to ``ignore``).
    """
    config = loaded.config
    source = str(loaded.source) if loaded.source else "defaults"
    select = list(cli.select) or config.select
    ignore = [*config.ignore, *cli.ignore]
    try:
        specs = registry.select(select, ignore)
    except ConfigError as exc:
        raise ConfigError(f"{source}: select/ignore: {exc}") from None
    fail_on: FailOn = cli.fail_on or config.fail_on
    always = frozenset(_resolve_ids(registry, config.always_fail, f"{source}: always-fail"))
    never = frozenset(_resolve_ids(registry, config.never_fail, f"{source}: never-fail"))
    if always & never:  # the same check under two names
        both = ", ".join(sorted(always & never))
        raise ConfigError(f"{source}: {both} listed in both always-fail and never-fail")
    not_waivable = frozenset(_resolve_ids(registry, config.not_waivable, f"{source}: not-waivable"))
    profile = payer_profile(config.payer, source)
    severity = resolve_severity(registry, {**profile.severity, **config.severity}, source)
    options = resolve_options(
        registry,
        merge_options(
            canonical_options(registry, profile.options, f"payer profile {config.payer}"),
            canonical_options(registry, config.options, source),
        ),
        source,
    )

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
    if fail_on_unverifiable:  # NOTE: only when on, so that other reports stay as they were
        effective["fail_on_unverifiable"] = True
    if baseline_path is not None and baseline is not None:
        effective["baseline"] = {
            "file": str(_display(baseline_path)),
            "sha256": _sha256(baseline_path),
            "entries": len(baseline.entries),
        }
    settings = AuditSettings(
        severity_overrides=severity,
        options=options,
        config=effective,
        waivers=waivers,
        baseline=baseline,
        not_waivable=not_waivable,
        as_of=today,
        as_of_stated=as_of is not None,
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


def config_checks_dirs(loaded: LoadedConfig) -> tuple[Path, ...]:
    """``checks-dirs`` from the config, relative to the config file."""
    return tuple(loaded.relative(d) for d in loaded.config.checks_dirs)
