"""The reviewer's sign-off (``--signoff FILE``) and the report digest it vouches for.

Why a digest: a signed report is worth something only if it can later be tied to what was
audited. The digest is a SHA-256 over a canonical serialisation of exactly what a sign-off
vouches for, so ``bhi-audit verify`` can re-audit the inputs and say whether anything moved:

    payload = {
        "scheme": "bhi-audit-digest/1",
        "inputs": [{"format": ..., "path": ..., "sha256": ...}, ...],   # as the report lists them
        "rulebook_version": "bhi-rules rev. ...",
        "config_sha256": sha256(canonical(config)),                     # the effective config
        "findings": [finding, ...],                                     # in report order
    }
    digest = sha256(canonical(payload))
    canonical(x) = json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              allow_nan=False).encode("utf-8")

Every value is taken in its JSON form (``model_dump(mode="json")``: money as strings), so the
digest computed from the JSON report equals the one computed from the result. It covers
neither itself, nor the sign-off (which names the digest it signs), nor the run's clock, the
tool version, notes or totals (totals follow from the findings). It is an integrity check,
not a signature: it holds no secret, so whoever can edit a report can also recompute it;
``verify`` therefore re-audits the inputs instead of trusting the report.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bhi_audit.errors import ConfigError
from bhi_audit.result import DECISIONS, AuditResult, Decision, ReportDigest, SignOff
from bhi_audit.settingsfile import YAML_SUFFIXES, read_settings
from bhi_audit.yamltext import TextYamlLoader

SCHEME = "bhi-audit-digest/1"
#: Longest reviewer / role, and notes (a sign-off is a short statement, not a document).
MAX_NAME = 200
MAX_NOTES = 5000
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def canonical(value: Any) -> bytes:
    """The canonical bytes of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256(value: Any) -> str:
    """The SHA-256 (hex) of a JSON value's canonical bytes."""
    return hashlib.sha256(canonical(value)).hexdigest()


def digest_of(
    inputs: Sequence[Mapping[str, Any]],
    rulebook_version: str,
    config: Mapping[str, Any],
    findings: Sequence[Mapping[str, Any]],
) -> tuple[str, str]:
    """``(digest, config digest)`` of a report's parts in their JSON form (module docstring)."""
    config_sha256 = sha256(config)
    payload = {
        "scheme": SCHEME,
        "inputs": [{k: i[k] for k in ("format", "path", "sha256")} for i in inputs],
        "rulebook_version": rulebook_version,
        "config_sha256": config_sha256,
        "findings": list(findings),
    }
    return sha256(payload), config_sha256


def stamp(
    result: AuditResult, signoff: SignOff | None = None, redacted: bool = False
) -> AuditResult:
    """The result with its digest (and the sign-off, when given) filled in.

    Called on the result each report shows: a redacted result gets the digest of what it
    shows (pseudonyms), so that the report's own content always matches its digest.
    """
    document = result.model_dump(mode="json", include={"inputs", "config"})
    findings = [finding.model_dump(mode="json") for finding in result.findings]
    value, config_sha256 = digest_of(
        document["inputs"], result.rulebook_version, document["config"], findings
    )
    update: dict[str, Any] = {
        "digest": ReportDigest(sha256=value, config_sha256=config_sha256, redacted=redacted)
    }
    if signoff is not None:
        update["signoff"] = signoff
    return result.model_copy(update=update)


# --------------------------------------------------------------------------- the sign-off file


def _one_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must be one line of text (no line breaks or control characters)")
    return value


class SignOffFile(BaseModel):
    """The ``--signoff`` file: a TOML table or YAML mapping with exactly these keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reviewer: str = Field(min_length=1, max_length=MAX_NAME)
    role: str = Field(min_length=1, max_length=MAX_NAME)
    date: date
    decision: Decision
    notes: str = Field(default="", max_length=MAX_NOTES)
    #: The digest the reviewer saw (the HTML's "download sign-off" writes it): the run must
    #: produce the same one, or the sign-off would vouch for something it did not review.
    digest: str | None = None

    @field_validator("reviewer", "role", mode="after")
    @classmethod
    def _names(cls, value: str) -> str:
        value = _one_line(value).strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("notes", mode="after")
    @classmethod
    def _notes(cls, value: str) -> str:
        # NOTE: tabs and line breaks are fine in notes; other control characters are not.
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", value):
            raise ValueError("must be text (no control characters)")
        return value.strip()

    @field_validator("date", mode="before")
    @classmethod
    def _iso_day(cls, value: object) -> object:
        # NOTE: TOML gives a date, YAML (every scalar text) a string; pydantic alone would also
        # take a number as a Unix time or a TOML date-time, neither of which is a day.
        if isinstance(value, datetime) or not isinstance(value, (date, str)):
            raise ValueError("must be a day written YYYY-MM-DD")
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("must be a day written YYYY-MM-DD")
        return value

    @field_validator("digest", mode="after")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.removeprefix("sha256:")
            if not _DIGEST.match(value):
                raise ValueError("must be the report digest: 64 hex digits")
        return value

    def signoff(self) -> SignOff:
        """The sign-off as the result carries it."""
        return SignOff(
            reviewer=self.reviewer,
            role=self.role,
            date=self.date,
            decision=self.decision,
            notes=self.notes,
        )


def key_lines(path: Path) -> dict[str, int]:
    """The line each top-level key is set on (empty when it cannot be told)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    if path.suffix.lower() in YAML_SUFFIXES:
        try:
            root = yaml.compose(text, Loader=TextYamlLoader)
        except yaml.YAMLError:
            return {}
        if not isinstance(root, yaml.MappingNode):
            return {}
        return {
            str(key.value): key.start_mark.line + 1
            for key, _ in root.value
            if isinstance(key, yaml.ScalarNode)
        }
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        found = re.match(r"""^\s*["']?([A-Za-z0-9_-]+)["']?\s*=""", line)
        if found:
            lines.setdefault(found.group(1), number)
    return lines


def load_signoff(path: Path) -> SignOffFile:
    """The validated sign-off file; every problem is ``path:line: field: message`` (exit 2)."""
    data = read_settings(path, "sign-off file")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: sign-off file must be a table of keys (reviewer, role, ...)")
    try:
        return SignOffFile.model_validate(data)
    except ValidationError as exc:
        lines = key_lines(path)
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "(top level)"
            at = f"{path}:{lines[field]}" if field in lines else str(path)
            if error["type"] == "extra_forbidden":
                message = "unknown key (expected reviewer, role, date, decision, notes, digest)"
            elif error["type"] == "missing":
                message = "required"
            elif error["type"] == "literal_error":
                message = "must be one of " + ", ".join(DECISIONS)
            else:
                message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{at}: {field}: {message}")
        raise ConfigError("\n".join(problems)) from None


def check_signed_digest(path: Path, signed: SignOffFile, digests: Collection[str]) -> None:
    """A sign-off naming a digest must sign one this run shows (else ``ConfigError``, exit 2).

    ``digests``: the run's digest, and the redacted reports' one when some report is redacted
    (a reviewer may have signed from a redacted HTML report).
    """
    if signed.digest is None or signed.digest in digests:
        return
    line = key_lines(path).get("digest")
    at = f"{path}:{line}" if line else str(path)
    now = " or ".join(f"{d[:12]}…" for d in sorted(digests))
    raise ConfigError(
        f"{at}: digest: the sign-off was made for report {signed.digest[:12]}…, but this run's "
        f"report is {now} (inputs, rulebook, configuration or findings changed): review the "
        "new report and sign it again"
    )
