"""The loaded input: records by kind, rejected records, and the files they came from.

Why a builder: several inputs (a CSV directory, a JSON document, later X12 and FHIR) can be
combined in one audit. The builder validates every raw row the same way, rejects duplicates
across sources, and counts what was read so the summary can prove ``read = audited + rejected``.
The shape it builds (``Bundle``, ``Rejection``, ``InputFile``) lives in :mod:`bhi_audit.bundle`,
so that the engine needs no loader; it is re-exported here for the code that imports it from here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bhi_audit.bundle import CLAIM_KINDS, Bundle, InputFile, Rejection
from bhi_audit.loaders.first_seen import FirstSeen
from bhi_audit.models import KIND_BY_NAME, Claim, ClaimLine, Location, Period, Record

__all__ = [
    "CLAIM_KINDS",
    "Bundle",
    "BundleBuilder",
    "InputFile",
    "Rejection",
    "claim_id_of",
    "describe_error",
    "raw_claim_id",
    "sha256_of",
]

#: Longest claim id a rejection keeps (the model's own limit): an invalid id may be any size.
_CLAIM_ID_MAX = 128


def describe_error(error: Mapping[str, Any]) -> tuple[str, str]:
    """Turn one pydantic error into ``(field path, message)`` in our wording."""
    loc = ".".join(str(part) for part in error.get("loc", ()))
    # NOTE: an unknown key may hold a lone surrogate (JSON "\\ud800"), which no report could
    # write as UTF-8: it is named by its escape.
    loc = loc.encode("utf-8", "backslashreplace").decode("utf-8")
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        message = "unknown field"
    elif error.get("type") == "missing":
        message = "required field is missing"
    return loc, message


def raw_claim_id(value: Any) -> str | None:
    """A claim id as the raw input gave it, or None when it is absent or not text or a number.

    Why raw: the row holding it was rejected, possibly for this very value, yet the reports
    must still say which claim is left unaudited. Surrounding blanks are dropped (as the
    model drops them, so a kept line and a rejected claim share one id and one pseudonym
    under ``--redact``); a lone surrogate is written as its escape, which any report can write;
    an overlong value is cut to the model's limit and marked with ``…``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if not text:
        return None
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= _CLAIM_ID_MAX else text[:_CLAIM_ID_MAX] + "…"


def claim_id_of(kind: str, data: Any) -> str | None:
    """The claim id a raw row of ``claims`` or ``claim_lines`` names (None for other kinds)."""
    if kind not in CLAIM_KINDS or not isinstance(data, Mapping):
        return None
    return raw_claim_id(data.get("claim_id"))


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class BundleBuilder:
    """Collects validated records from any number of sources."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    read: dict[str, int] = field(default_factory=dict)
    provided: set[str] = field(default_factory=set)
    files: list[InputFile] = field(default_factory=list)
    not_used: dict[str, int] = field(default_factory=dict)
    #: Where each id was first seen (the duplicate rule): compact, as it spans the whole input.
    _seen: FirstSeen = field(default_factory=FirstSeen)
    _fields_sets: dict[frozenset[str], set[str]] = field(default_factory=dict)
    #: ids of the shared fields-sets above (alive while the builder is, so never reused).
    _shared_ids: set[int] = field(default_factory=set)

    def mark_provided(self, kind: str) -> None:
        """Note that the input supplied this kind (possibly with zero rows)."""
        self.provided.add(kind)
        self.records.setdefault(kind, [])

    def add_file(self, path: Path, display: str, fmt: str) -> None:
        """Record an input file and its digest."""
        self.files.append(InputFile(path=display, sha256=sha256_of(path), format=fmt))

    def reject(
        self,
        kind: str,
        location: Location,
        reasons: list[tuple[str, str]],
        problems: list[str] | None = None,
        claim_id: str | None = None,
    ) -> None:
        """Count a record of ``kind`` as read and rejected.

        ``problems`` names the kind of each reason's problem without quoting the input, so a
        redacted report can say what was wrong without echoing a value (bhi_audit.redact).
        ``claim_id`` is the claim a rejected claim or claim line names (:func:`claim_id_of`).
        """
        self.read[kind] = self.read.get(kind, 0) + 1
        self.rejected.append(
            Rejection(
                kind=kind,
                location=location,
                reasons=tuple(reasons),
                problems=tuple(problems or ()),
                claim_id=claim_id,
            )
        )

    def count_not_used(self, kind: str) -> None:
        """Count a record of ``kind`` as read and deliberately not used (so the summary adds up)."""
        self.read[kind] = self.read.get(kind, 0) + 1
        self.not_used[kind] = self.not_used.get(kind, 0) + 1

    def add_row(self, kind: str, data: Any, location: Location) -> Record | None:
        """Validate one raw row (a mapping) and keep it, or reject it with reasons."""
        model = KIND_BY_NAME[kind]
        if not isinstance(data, Mapping):
            self.reject(
                kind,
                location,
                [("", f"expected an object, got {type(data).__name__}")],
                ["not_an_object"],
            )
            return None
        try:
            record = model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
            self.reject(
                kind,
                location,
                [describe_error(err) for err in errors],
                [str(err.get("type", "invalid")) for err in errors],
                claim_id_of(kind, data),
            )
            return None
        return record if self.keep(kind, record, location) else None

    def keep(self, kind: str, record: Record, location: Location) -> bool:
        """Keep one already validated record, or reject it as a duplicate; whether it was kept.

        Why apart from :meth:`add_row`: a loader that validates whole columns at once hands
        its valid rows here without validating them again, and every loader shares one
        duplicate rule and one count.
        """
        # NOTE: records with the same fields given share one fields-set object (pydantic
        # copies it on model_copy, and nothing mutates it): a set per record was a quarter of
        # a large bundle's memory.
        # A row the column pass built already holds its file's set for its shape: then only
        # the first record of each shape makes a frozenset here.
        fields = record.__pydantic_fields_set__
        if id(fields) not in self._shared_ids:
            shared = self._fields_sets.setdefault(frozenset(fields), fields)
            self._shared_ids.add(id(shared))
            object.__setattr__(record, "__pydantic_fields_set__", shared)
        identity = self._identity(record)
        if identity is not None:
            field_name, ident = identity
            first = self._seen.first(record.KIND, ident, location)
            if first is not None:
                self.reject(
                    kind,
                    location,
                    [(field_name, f"duplicate of {first}")],
                    ["duplicate"],
                    record.claim_id if isinstance(record, Claim | ClaimLine) else None,
                )
                return False
        self.read[kind] = self.read.get(kind, 0) + 1
        self.store(kind, record.at(location))
        return True

    def store(self, kind: str, record: Record) -> None:
        """Hold one kept record until :meth:`build` (a streaming loader files it elsewhere)."""
        self.records.setdefault(kind, []).append(record)

    @staticmethod
    def _identity(record: Record) -> tuple[str, str] | None:
        """(field named in a duplicate's rejection, the id within its kind), or None: no id."""
        if isinstance(record, ClaimLine):
            return ("line_number", f"{record.claim_id}#{record.line_number}")
        if isinstance(record, Period):
            return ("period", "")
        if record.ID_FIELD:
            ident = record.record_id
            return (record.ID_FIELD, ident if isinstance(ident, str) else str(ident))
        return None

    def build(self) -> Bundle:
        """Freeze what was collected."""
        return Bundle(
            records=self.records,
            rejected=self.rejected,
            read=self.read,
            provided=frozenset(self.provided),
            files=self.files,
            not_used=self.not_used,
        )
