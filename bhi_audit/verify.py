"""``bhi-audit verify REPORT.json PATH...``: does a (signed) report still match its inputs?

Why re-audit rather than compare hashes only: the digest (bhi_audit/signoff.py) holds no
secret, so a report that was edited can carry a recomputed digest. ``verify`` trusts nothing
in the report but the recipe: it reads the configuration and options the report recorded,
audits PATH again with them, and compares input hashes, the rulebook revision, the
configuration and the findings with what the report says.

This module reads and checks the report and compares; the command (bhi_audit/cli.py) runs the
audit. Exit codes: 0 same, 1 different (each difference listed), 2 report or inputs unusable.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bhi_audit.config import CliChoices, Config, LoadedConfig, load_config
from bhi_audit.errors import InputError
from bhi_audit.result import ReportDigest, SignOff
from bhi_audit.signoff import digest_of


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RecordedInput(_Loose):
    """An input file as the report lists it."""

    path: str
    sha256: str
    format: str


class RecordedWaivers(_Loose):
    """The waivers file the run used, and the day expiry was judged on."""

    file: str
    as_of: date


class RecordedBaseline(_Loose):
    """The baseline file the run used."""

    file: str


class RecordedConfig(_Loose):
    """What ``verify`` needs from the report's effective configuration (``config``)."""

    source: str
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    fail_on: Literal["error", "warning", "info", "never"] = "error"
    checks_dirs: list[str] = Field(default_factory=list)
    from_command_line: list[str] = Field(default_factory=list)
    waivers: RecordedWaivers | None = None
    baseline: RecordedBaseline | None = None
    fail_on_unverifiable: bool = False
    #: The ``--as-of`` day when the run stated one (the HTML report's run date names it).
    as_of: date | None = None
    fhir_validate: bool = False
    x12_validate: bool = False
    id_map: str | None = None


class RecordedReport(_Loose):
    """The parts of a JSON report that ``verify`` reads."""

    tool: Literal["bhi-audit"]
    rulebook_version: str
    inputs: list[RecordedInput]
    config: dict[str, Any]
    findings: list[dict[str, Any]]
    digest: ReportDigest | None = None
    signoff: SignOff | None = None


def read_report(path: Path) -> tuple[RecordedReport, RecordedConfig]:
    """The report and its recorded configuration; unusable or tampered: ``InputError`` (exit 2)."""
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read report ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise InputError(str(path), "not a JSON document (give the --format json report)") from None
    if not isinstance(document, dict) or document.get("tool") != "bhi-audit":
        raise InputError(str(path), 'not a bhi-audit JSON report (no "tool": "bhi-audit")')
    try:
        report = RecordedReport.model_validate(document)
        recorded = RecordedConfig.model_validate(report.config)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = f"not a usable bhi-audit report ({first['msg']})"
        raise InputError(str(path), message, field=where) from None
    if report.digest is None:
        raise InputError(
            str(path),
            "the report has no digest (written by an older bhi-audit): run `bhi-audit check "
            "--format json` again to get one",
            field="digest",
        )
    value, config_sha256 = digest_of(
        [i.model_dump() for i in report.inputs],
        report.rulebook_version,
        report.config,
        report.findings,
    )
    if (value, config_sha256) != (report.digest.sha256, report.digest.config_sha256):
        raise InputError(
            str(path),
            "does not match the report's own content: the report was edited after "
            "it was written (tampered); nothing in it can be trusted",
            field="digest",
        )
    return report, recorded


def recorded_config(recorded: RecordedConfig, cwd: Path | None = None) -> LoadedConfig:
    """The configuration the report was audited with: the same file, or none."""
    if recorded.source in ("defaults", "isolated"):
        return LoadedConfig(Config(), None, recorded.source)  # type: ignore[arg-type]
    return load_config((), Path(recorded.source), cwd=cwd)


def recorded_choices(recorded: RecordedConfig, loaded: LoadedConfig) -> CliChoices:
    """The command-line choices of the report's run, re-derived from its effective config.

    The report records the merged configuration and which keys came from the command line
    (``from_command_line``); the command line's part of a merged list is what follows the
    configuration file's part (``ignore`` and ``checks-dirs`` add to the file's).
    """
    given = set(recorded.from_command_line)
    config = loaded.config
    own_dirs = len(recorded.checks_dirs) - len(config.checks_dirs)
    return CliChoices(
        select=recorded.select if "select" in given else (),
        ignore=recorded.ignore[len(config.ignore) :] if "ignore" in given else (),
        fail_on=recorded.fail_on if "fail_on" in given else None,
        waivers=Path(recorded.waivers.file) if recorded.waivers and "waivers" in given else None,
        baseline=(
            Path(recorded.baseline.file) if recorded.baseline and "baseline" in given else None
        ),
        checks_dirs=tuple(Path(d) for d in recorded.checks_dirs[: max(own_dirs, 0)])
        if "checks_dirs" in given
        else (),
        as_of=recorded.as_of or (recorded.waivers.as_of if recorded.waivers else None),
        fail_on_unverifiable=recorded.fail_on_unverifiable
        if "fail_on_unverifiable" in given
        else None,
    )


def describe_finding(finding: Mapping[str, Any]) -> str:
    """``location check_id severity: message`` of a finding in its JSON form."""
    return (
        f"{finding.get('location', '')} {finding.get('check_id', '')} "
        f"{finding.get('severity', '')}: {finding.get('message', '')}"
    )


def changed_keys(before: Mapping[str, Any], now: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The dotted keys whose values differ (``waivers.as_of``), descending into tables."""
    changed: list[str] = []
    for key in sorted(before.keys() | now.keys()):
        old, new = before.get(key), now.get(key)
        if old == new:
            continue
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            changed += changed_keys(old, new, f"{prefix}{key}.")
        else:
            changed.append(f"{prefix}{key}")
    return changed


def differences(
    report: RecordedReport,
    inputs: Sequence[Mapping[str, Any]],
    rulebook_version: str,
    config: Mapping[str, Any],
    findings: Sequence[Mapping[str, Any]],
) -> list[str]:
    """What differs between the report and the fresh audit's parts, one line each."""
    lines: list[str] = []
    before = {i.path: i.sha256 for i in report.inputs}
    now = {str(i["path"]): str(i["sha256"]) for i in inputs}
    for path in sorted(before.keys() | now.keys()):
        if path not in now:
            lines.append(f"input missing: {path} (in the report, not among PATH)")
        elif path not in before:
            lines.append(f"input added: {path} (not in the report)")
        elif before[path] != now[path]:
            was, new = before[path][:12], now[path][:12]
            lines.append(f"input changed: {path} (sha256 {was}… now {new}…)")
    if report.rulebook_version != rulebook_version:
        lines.append(
            f"rulebook revision: the report has {report.rulebook_version}, "
            f"this bhi-audit has {rulebook_version}"
        )
    changed = changed_keys(report.config, config)
    if changed:
        lines.append(f"configuration changed: {', '.join(changed)}")
    before_findings = Counter(json.dumps(f, sort_keys=True) for f in report.findings)
    now_findings = Counter(json.dumps(f, sort_keys=True) for f in findings)
    for text in sorted((before_findings - now_findings).elements()):
        lines.append(f"finding disappeared: {describe_finding(json.loads(text))}")
    for text in sorted((now_findings - before_findings).elements()):
        lines.append(f"finding appeared: {describe_finding(json.loads(text))}")
    return lines
