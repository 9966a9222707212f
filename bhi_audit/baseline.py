"""Baseline: accept the findings a batch has today, and fail only on new ones.

Identity: a finding is keyed by what stays the same when a billing system re-exports the same
claims — check id, patient, service month, billed code, and as discriminator the check's
variant and the field it points at — never by file, row or line number, so reordered or
re-exported files keep matching. Several findings of one identity (two 99484 claims of one
patient-month, both short of minutes) are stored as a count: a baseline entry with count 1
absorbs one finding of its identity, and a second one is new. Entries that no longer occur
(fewer findings than counted) are listed in ``AuditResult.stale_baseline`` so the baseline
can shrink.

Only violations are baselined; never internal errors, unverifiable notes, findings waived by
a waiver in force, or findings of checks the configuration marks ``not-waivable``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bhi_audit.errors import ConfigError
from bhi_audit.findings import Finding, Outcome
from bhi_audit.registry import Registry
from bhi_audit.result import StaleBaselineEntry

Identity = tuple[str, str, str, str, str, str]
FORMAT: Literal["bhi-audit-baseline"] = "bhi-audit-baseline"


class BaselineEntry(BaseModel):
    """Findings of one identity that were accepted when the baseline was written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check_id: str
    patient_id: str | None = None
    month: str | None = None
    code: str | None = None
    variant: str | None = None
    field: str | None = None
    count: int = Field(ge=1)
    #: The first finding's message, for people reading the file; not used for matching.
    example: str = ""

    @property
    def identity(self) -> Identity:
        """The matching key (see the module docstring)."""
        return (
            self.check_id,
            self.patient_id or "",
            self.month or "",
            self.code or "",
            self.variant or "",
            self.field or "",
        )


class Baseline(BaseModel):
    """A baseline file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["bhi-audit-baseline"] = FORMAT
    version: Literal[1] = 1
    #: Written by ``bhi-audit baseline --redact``: patients are named by their keyed
    #: pseudonyms (``pt-…``), so ``check --baseline`` needs the same key to match them.
    pseudonymous: bool | None = None
    entries: tuple[BaselineEntry, ...] = ()


def identity(finding: Finding) -> Identity:
    """A finding's stable identity."""
    return (
        finding.check_id,
        finding.patient_id or "",
        finding.month or "",
        finding.code or "",
        finding.variant or "",
        finding.field or "",
    )


def baselinable(finding: Finding, not_waivable: Iterable[str] = ()) -> bool:
    """Whether a finding may be accepted by a baseline."""
    if finding.outcome is not Outcome.VIOLATION or finding.check_id in set(not_waivable):
        return False
    return finding.waiver is None or finding.waiver.expired


def build_baseline(
    findings: Iterable[Finding], not_waivable: Iterable[str] = (), pseudonymous: bool = False
) -> Baseline:
    """A baseline accepting every baselinable finding (counted per identity).

    ``pseudonymous``: the findings come from a redacted result (``baseline --redact``).
    """
    blocked = set(not_waivable)
    counts: Counter[Identity] = Counter()
    example: dict[Identity, str] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key):
        if baselinable(finding, blocked):
            key = identity(finding)
            counts[key] += 1
            example.setdefault(key, finding.message)
    entries = tuple(
        BaselineEntry(
            check_id=key[0],
            patient_id=key[1] or None,
            month=key[2] or None,
            code=key[3] or None,
            variant=key[4] or None,
            field=key[5] or None,
            count=counts[key],
            example=example[key],
        )
        for key in sorted(counts)
    )
    return Baseline(entries=entries, pseudonymous=True if pseudonymous else None)


def resolve_pseudonyms(baseline: Baseline, real: Mapping[str, str]) -> Baseline:
    """A pseudonymous baseline with each ``pt-…`` patient replaced by the id it stands for.

    ``real`` maps pseudonym -> patient id under the run's key (bhi_audit.redact). Matching then
    works on real ids as for any baseline; a pseudonym of a patient no longer in the input
    stays as written, so its entry is reported stale.
    """
    entries = tuple(
        e.model_copy(update={"patient_id": real.get(e.patient_id, e.patient_id)})
        if e.patient_id is not None
        else e
        for e in baseline.entries
    )
    return baseline.model_copy(update={"entries": entries})


def dump_baseline(baseline: Baseline) -> str:
    """The baseline file text: sorted, indented JSON with a trailing newline."""
    document = baseline.model_dump(mode="json", exclude_none=True)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_baseline(path: Path, registry: Registry) -> Baseline:
    """Read a baseline file; entries naming an alias are mapped to the current check id."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read baseline ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a JSON baseline file ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not a usable baseline file (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer literal of more than 4300 digits
        raise ConfigError(
            f"{path}: not a usable baseline file ({str(exc).split(';')[0]})"
        ) from None
    try:
        baseline = Baseline.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
    entries = []
    for entry in baseline.entries:
        try:
            check_id = registry.get(entry.check_id).id
        except ConfigError as exc:
            raise ConfigError(f"{path}: entry {entry.check_id}: {exc}") from None
        entries.append(entry.model_copy(update={"check_id": check_id}))
    return baseline.model_copy(update={"entries": tuple(entries)})


def apply_baseline(
    findings: Iterable[Finding],
    baseline: Baseline,
    ran: Iterable[str],
    not_waivable: Iterable[str] = (),
) -> tuple[list[Finding], tuple[StaleBaselineEntry, ...]]:
    """Mark baselined findings (up to each entry's count); list entries that no longer occur."""
    blocked = set(not_waivable)
    remaining: dict[Identity, int] = defaultdict(int)
    by_identity = {}
    for entry in baseline.entries:
        remaining[entry.identity] += entry.count
        by_identity[entry.identity] = entry
    marked = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        key = identity(finding)
        if remaining.get(key, 0) > 0 and baselinable(finding, blocked):
            remaining[key] -= 1
            marked.append(finding.model_copy(update={"baselined": True}))
        else:
            marked.append(finding)
    ran_ids = set(ran)
    stale = tuple(
        StaleBaselineEntry(
            check_id=entry.check_id,
            patient_id=entry.patient_id,
            month=entry.month,
            code=entry.code,
            variant=entry.variant,
            field=entry.field,
            missing=remaining[key],
            message=(
                f"baseline entry {entry.check_id} {entry.patient_id or '-'} {entry.month or '-'} "
                f"{entry.code or '-'}: {remaining[key]} of {entry.count} no longer found"
            ),
        )
        for key, entry in sorted(by_identity.items())
        if remaining[key] > 0 and entry.check_id in ran_ids
    )
    return marked, stale
