"""The loaded input as the engine sees it: records by kind, rejected records, files read.

Why a module of its own, outside ``loaders/``: the engine, the checks' context, redaction and
the runners need the loaded input's shape, not the code that reads CSV, JSON, X12 or FHIR;
keeping the shape here lets the engine run without importing any loader (tests/
test_architecture.py). The loaders build it (``loaders/bundle.py``, which re-exports these).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bhi_audit.models import Claim, ClaimLine, Location, Period, Record

#: Record kinds whose rows name a claim (``claim_id``): a rejected one leaves that claim unaudited.
CLAIM_KINDS = frozenset({Claim.KIND, ClaimLine.KIND})


@dataclass(frozen=True)
class Rejection:
    """One record that could not be used, with every reason found in it."""

    kind: str
    location: Location
    reasons: tuple[tuple[str, str], ...]  # (field path, message)
    #: The kind of problem per reason (a pydantic error type such as ``missing``, or
    #: ``duplicate``), never an input value: what ``--redact`` shows instead of the message.
    problems: tuple[str, ...] = ()
    #: For a rejected ``claims`` or ``claim_lines`` record, the claim it names, as the raw
    #: input gave it (it may itself be the invalid value); None when it could not be read.
    #: Why: a rejected claim leaves that claim unaudited, and the first screen names it.
    claim_id: str | None = None

    @property
    def message(self) -> str:
        """All reasons as one line: ``field: message; field: message``."""
        return "; ".join(f"{fld}: {msg}" if fld else msg for fld, msg in self.reasons)


@dataclass(frozen=True)
class InputFile:
    """A file that was read, with its digest so an auditor can prove what was audited."""

    path: str
    sha256: str
    format: str


@dataclass
class Bundle:
    """Everything read from the inputs. Built once by a :class:`BundleBuilder`, then read-only."""

    records: dict[str, list[Record]]
    rejected: list[Rejection]
    read: dict[str, int]
    provided: frozenset[str]
    files: list[InputFile]
    #: Records read but deliberately not used (e.g. FHIR resource types no check needs), by kind.
    not_used: dict[str, int] = field(default_factory=dict)

    def of(self, kind: type[Record]) -> list[Any]:
        """The records of one kind (an empty list if that kind was not provided)."""
        return self.records.get(kind.KIND, [])

    @property
    def period(self) -> Period | None:
        """The period the input says its records cover, if it says so."""
        periods = self.records.get(Period.KIND, [])
        return periods[0] if periods else None  # type: ignore[return-value]
