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
        approved_on: 2026-01-05      # optional; expiry is at most waiver-max-days after it
        requested_by: M. Osei        # optional; must not be the approver
        expires: 2026-06-30
        evidence: TICKET-4411

Why this shape: an exception nobody can trace is how audits go wrong. A waived finding stays
in every report, marked with the waiver; it only stops gating. ``expires`` is the last day the
waiver is in force: from the next day it no longer waives, and the finding comes back flagged
"waiver ... expired on ...". A waiver that matches no finding of a check that ran is listed
in ``AuditResult.unused_waivers`` so the file can be cleaned up. A waiver for a check the
configuration marks ``not-waivable`` is a ConfigError (exit 2): refusing the file is clearer
than quietly ignoring an approval someone believes is in force.

What a waiver must say, so that one cannot be waved through (docs/gating.md, "Waiver rules"):
a reason of at least 15 characters and 3 words; an approver that names someone (at least two
letters) and is not the requester; and an expiry at most ``waiver-max-days`` (365 by default)
after ``approved_on``, or after the day expiry is judged on when the waiver has no
``approved_on``. A waiver that breaks these makes the whole file a ConfigError (exit 2),
reported as ``file:line: waiver ID: field: message``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bhi_audit.errors import ConfigError
from bhi_audit.findings import Finding, Outcome, WaiverNote
from bhi_audit.registry import Registry
from bhi_audit.result import UnusedWaiver
from bhi_audit.settingsfile import read_settings

NonEmpty = Field(min_length=1)
#: A reason must say something: at least this many characters and words (docs/gating.md).
MIN_REASON_CHARS = 15
MIN_REASON_WORDS = 3
#: The longest a waiver may run, in days, unless the configuration says otherwise.
DEFAULT_MAX_DAYS = 365
_LETTER = re.compile(r"[^\W\d_]")
_PLACEHOLDERS = {"-", "n/a", "na", "none", "todo", "tbd", "?", "x", "xx", "xxx"}


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
    #: Who asked for the exception (optional); the approver must be someone else.
    requested_by: str | None = None
    #: The day it was approved (optional); the waiver's length is counted from it.
    approved_on: date | None = None

    @field_validator("reason", "approved_by")
    @classmethod
    def _meaningful(cls, value: str) -> str:
        if value.lower() in _PLACEHOLDERS:
            raise ValueError(f"{value!r} is not a reason or an approver")
        return value

    @field_validator("reason")
    @classmethod
    def _a_real_reason(cls, value: str) -> str:
        words = sum(1 for token in value.split() if _LETTER.search(token))
        if len(value) < MIN_REASON_CHARS or words < MIN_REASON_WORDS:
            raise ValueError(
                f"too short to justify an exception ({len(value)} characters, {words} words; "
                f"at least {MIN_REASON_CHARS} characters and {MIN_REASON_WORDS} words)"
            )
        return value

    @field_validator("approved_by")
    @classmethod
    def _an_approver(cls, value: str) -> str:
        if len(_LETTER.findall(value)) < 2:
            raise ValueError(f"{value!r} does not name an approver (a name or a role)")
        return value

    @model_validator(mode="after")
    def _four_eyes(self) -> Waiver:
        if (
            self.requested_by is not None
            and self.requested_by.casefold() == self.approved_by.casefold()
        ):
            raise ValueError("approved_by: the approver must not be the requester")
        if self.approved_on is not None and self.approved_on > self.expires:
            raise ValueError("approved_on: after expires")
        return self

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


def item_lines(path: Path) -> list[int]:
    """The line each waiver starts on, in file order (empty when it cannot be told).

    Why: a waivers file is reviewed like code, so an error should point at the line.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    if path.suffix.lower() == ".toml":
        return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[waivers]]"]
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "waivers" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _at(path: Path, lines: Sequence[int], index: int) -> str:
    """``path:line`` of waiver number ``index`` (``path`` alone when the line is unknown)."""
    return f"{path}:{lines[index]}" if 0 <= index < len(lines) else str(path)


def _describe(path: Path, data: Any, exc: ValidationError, lines: Sequence[int]) -> str:
    out = []
    for error in exc.errors():
        loc = list(error["loc"])
        where = ".".join(str(p) for p in loc) or "(top level)"
        at = str(path)
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        message = message.removeprefix("Value error, ")
        if len(loc) >= 2 and loc[0] == "waivers" and isinstance(loc[1], int):
            raw = data.get("waivers", [])[loc[1]] if isinstance(data, dict) else None
            name = raw.get("id") if isinstance(raw, dict) else None
            label = f"waiver {name}" if name else f"waiver #{loc[1] + 1}"
            field = ".".join(str(p) for p in loc[2:])
            if not field:  # a rule across fields names its field first ("approved_on: ...")
                field, sep, rest = message.partition(": ")
                field, message = (field, rest) if sep and " " not in field else ("scope", message)
            where = f"{label}: {field}"
            at = _at(path, lines, loc[1])
        out.append(f"{at}: {where}: {message}")
    return "\n".join(out)


def load_waivers(
    path: Path,
    registry: Registry,
    not_waivable: Iterable[str] = (),
    *,
    as_of: date | None = None,
    max_days: int = DEFAULT_MAX_DAYS,
) -> tuple[Waiver, ...]:
    """Read and validate a waivers file; check names and aliases become canonical ids.

    ``as_of`` (default today) is where a waiver without ``approved_on`` starts for the
    ``max_days`` limit on its length.
    """
    data = read_settings(path, "waivers file") or {}
    lines = item_lines(path)
    try:
        parsed = WaiverFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(path, data, exc, lines)) from None
    blocked = set(not_waivable)
    seen: set[str] = set()
    waivers = []
    for index, waiver in enumerate(parsed.waivers):
        where = f"{_at(path, lines, index)}: waiver {waiver.id}"
        if waiver.id in seen:
            raise ConfigError(f"{where}: id: used twice")
        seen.add(waiver.id)
        try:
            check_id = registry.get(waiver.check).id
        except ConfigError as exc:
            raise ConfigError(f"{where}: check: {exc}") from None
        if check_id in blocked:
            raise ConfigError(
                f"{where}: check: {check_id} is not waivable (configuration: not-waivable)"
            )
        start, since = (
            (waiver.approved_on, "approved_on")
            if waiver.approved_on is not None
            else (as_of or date.today(), "the day expiry is judged on")
        )
        if waiver.expires - start > timedelta(days=max_days):
            raise ConfigError(
                f"{where}: expires: {waiver.expires} is {(waiver.expires - start).days} days "
                f"after {since} ({start}); at most {max_days} (configuration: waiver-max-days)"
            )
        waivers.append(waiver.model_copy(update={"check": check_id}))
    return tuple(waivers)


def as_of_warning(as_of: date, period_end: date) -> str | None:
    """The warning for an ``--as-of`` day before the audited period ends, else None.

    Why: expiry is judged on ``as_of``; a day long before the services makes every waiver
    that has since expired count as in force again, silently.
    """
    if as_of >= period_end:
        return None
    return (
        f"--as-of {as_of} precedes the end of the audited period ({period_end}): waivers "
        "that expired since are judged in force"
    )


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
