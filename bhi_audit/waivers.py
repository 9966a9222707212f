"""Waivers: accepted exceptions, each narrow, justified, approved and dated to expire.

A waivers file (YAML or TOML) holds a list ``waivers``; each waiver names a check (id, name or
alias), exactly one scope — a claim, a patient and month, or a patient — and the required
``reason``, ``approved_by`` and ``expires``, plus an optional ``evidence`` reference::

    waivers:
      - id: W-2026-014
        check: BHI-TIME-001
        claim: C-101
        reason: time log recovered from paper chart, re-keyed after export
        approved_by: J. Rivera (compliance)
        expires: 2026-06-30
        evidence: TICKET-4411

Why this shape: an exception nobody can trace is how audits go wrong. A waived finding stays
in every report, marked with the waiver; it only stops gating. ``expires`` is the last day the
waiver is in force: from the next day it no longer waives, and the finding comes back flagged
"waiver ... expired on ...". A waiver that matches no finding of a check that ran is listed
in ``AuditResult.unused_waivers`` so the file can be cleaned up. A waiver for a check the
configuration marks ``not-waivable`` is a ConfigError (exit 2): refusing the file is clearer
than quietly ignoring an approval someone believes is in force.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bhi_audit.errors import ConfigError
from bhi_audit.findings import Finding, Outcome, WaiverNote
from bhi_audit.registry import Registry
from bhi_audit.result import UnusedWaiver

YAML_SUFFIXES = {".yaml", ".yml"}
NonEmpty = Field(min_length=1)


class Waiver(BaseModel):
    """One accepted exception, as written in the waivers file."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = NonEmpty
    check: str = NonEmpty
    claim: str | None = None
    patient: str | None = None
    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    reason: str = NonEmpty
    approved_by: str = NonEmpty
    expires: date
    evidence: str | None = None

    @field_validator("reason", "approved_by")
    @classmethod
    def _meaningful(cls, value: str) -> str:
        if value.lower() in {"-", "n/a", "na", "none", "todo", "tbd"}:
            raise ValueError(f"{value!r} is not a reason or an approver")
        return value

    @model_validator(mode="after")
    def _one_scope(self) -> Waiver:
        if self.claim is not None and (self.patient is not None or self.month is not None):
            raise ValueError("give claim, or patient (+ month), not both")
        if self.month is not None and self.patient is None:
            raise ValueError("month needs a patient")
        if self.claim is None and self.patient is None:
            raise ValueError("a waiver needs claim, patient + month, or patient")
        return self

    @property
    def scope(self) -> str:
        """``claim C-101``, ``patient P1 month 2026-03`` or ``patient P1``."""
        if self.claim is not None:
            return f"claim {self.claim}"
        if self.month is not None:
            return f"patient {self.patient} month {self.month}"
        return f"patient {self.patient}"

    @property
    def specificity(self) -> int:
        """Claim beats patient + month beats patient when several waivers match."""
        return 2 if self.claim is not None else 1 if self.month is not None else 0

    def matches(self, finding: Finding) -> bool:
        """Whether this waiver covers the finding (same check, inside the scope)."""
        if finding.check_id != self.check or finding.outcome is Outcome.INTERNAL_ERROR:
            return False
        if self.claim is not None:
            return finding.claim_id == self.claim
        if finding.patient_id != self.patient:
            return False
        return self.month is None or finding.month == self.month

    def expired_on(self, as_of: date) -> bool:
        """``expires`` is the last day in force."""
        return as_of > self.expires

    def note(self, as_of: date) -> WaiverNote:
        """What a finding carries about this waiver."""
        return WaiverNote(
            waiver_id=self.id,
            reason=self.reason,
            approved_by=self.approved_by,
            expires=self.expires,
            evidence=self.evidence,
            expired=self.expired_on(as_of),
        )


class WaiverFile(BaseModel):
    """The whole waivers file."""

    model_config = ConfigDict(extra="forbid")

    waivers: list[Waiver] = Field(default_factory=list)


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read waivers file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: waivers file is not UTF-8 text") from None
    try:
        if path.suffix.lower() in YAML_SUFFIXES:
            return yaml.safe_load(text) or {}
        if path.suffix.lower() == ".toml":
            return tomllib.loads(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid {path.suffix[1:].upper()} ({exc})") from None
    raise ConfigError(f"{path}: waivers file must be .yaml, .yml or .toml")


def _describe(path: Path, data: Any, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        loc = list(error["loc"])
        where = ".".join(str(p) for p in loc) or "(top level)"
        if len(loc) >= 2 and loc[0] == "waivers" and isinstance(loc[1], int):
            raw = data.get("waivers", [])[loc[1]] if isinstance(data, dict) else None
            name = raw.get("id") if isinstance(raw, dict) else None
            label = f"waiver {name}" if name else f"waiver #{loc[1] + 1}"
            field = ".".join(str(p) for p in loc[2:]) or "scope"
            where = f"{label}: {field}"
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        lines.append(f"{path}: {where}: {message.removeprefix('Value error, ')}")
    return "\n".join(lines)


def load_waivers(
    path: Path, registry: Registry, not_waivable: Iterable[str] = ()
) -> tuple[Waiver, ...]:
    """Read and validate a waivers file; check names and aliases become canonical ids."""
    data = _read(path)
    try:
        parsed = WaiverFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(path, data, exc)) from None
    blocked = set(not_waivable)
    seen: set[str] = set()
    waivers = []
    for waiver in parsed.waivers:
        if waiver.id in seen:
            raise ConfigError(f"{path}: waiver {waiver.id}: id used twice")
        seen.add(waiver.id)
        try:
            check_id = registry.get(waiver.check).id
        except ConfigError as exc:
            raise ConfigError(f"{path}: waiver {waiver.id}: check: {exc}") from None
        if check_id in blocked:
            raise ConfigError(
                f"{path}: waiver {waiver.id}: check {check_id} is not waivable "
                "(configuration: not-waivable)"
            )
        waivers.append(waiver.model_copy(update={"check": check_id}))
    return tuple(waivers)


def resolve_scopes(waivers: Iterable[Waiver], real: Mapping[str, str]) -> tuple[Waiver, ...]:
    """Waivers whose claim or patient names a pseudonym (``cl-…``, ``pt-…``) rewritten to the
    real id it stands for under the run's key (``real``: pseudonym -> id, bhi_audit.redact).

    Why: a waivers file kept next to redacted CI reports can name the pseudonyms those reports
    show; matching then works on the real ids, exactly as for any other waiver. A pseudonym
    that matches no patient or claim of this input is left as written (it matches nothing).
    """
    return tuple(
        w.model_copy(
            update={
                "claim": real.get(w.claim, w.claim) if w.claim is not None else None,
                "patient": real.get(w.patient, w.patient) if w.patient is not None else None,
            }
        )
        for w in waivers
    )


def _pick(candidates: Sequence[Waiver], as_of: date) -> Waiver:
    """In force before expired, then the most specific, then the latest expiry, then id."""
    return min(
        candidates,
        key=lambda w: (w.expired_on(as_of), -w.specificity, -w.expires.toordinal(), w.id),
    )


def apply_waivers(
    findings: Iterable[Finding],
    waivers: Sequence[Waiver],
    as_of: date,
    ran: Iterable[str],
) -> tuple[list[Finding], tuple[UnusedWaiver, ...]]:
    """Mark findings covered by a waiver; list waivers (of checks that ran) that matched none."""
    # NOTE: indexed by (check, claim) and (check, patient) so a large batch with many
    # waivers stays linear; ``matches`` still decides (month, outcome).
    index: dict[tuple[str, str, str], list[Waiver]] = defaultdict(list)
    for waiver in waivers:
        if waiver.claim is not None:
            index[("claim", waiver.check, waiver.claim)].append(waiver)
        else:
            index[("patient", waiver.check, waiver.patient or "")].append(waiver)
    used: set[str] = set()
    marked = []
    for finding in findings:
        candidates = [
            w
            for w in (
                *index.get(("claim", finding.check_id, finding.claim_id or ""), ()),
                *index.get(("patient", finding.check_id, finding.patient_id or ""), ()),
            )
            if w.matches(finding)
        ]
        if not candidates:
            marked.append(finding)
            continue
        used.update(w.id for w in candidates)
        waiver = _pick(candidates, as_of)
        update: dict[str, object] = {"waiver": waiver.note(as_of)}
        if waiver.expired_on(as_of):
            update["message"] = (
                f"{finding.message} (waiver {waiver.id} expired on {waiver.expires})"
            )
        marked.append(finding.model_copy(update=update))
    ran_ids = set(ran)
    unused = tuple(
        UnusedWaiver(
            waiver_id=w.id,
            check_id=w.check,
            scope=w.scope,
            expires=w.expires,
            expired=w.expired_on(as_of),
            message=f"waiver {w.id} ({w.check}, {w.scope}) matched no finding",
        )
        for w in sorted(waivers, key=lambda w: w.id)
        if w.id not in used and w.check in ran_ids
    )
    return marked, unused
