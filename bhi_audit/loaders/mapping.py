"""An optional id-mapping file: which bundle patient or staff id an external id stands for.

Why: an 837P names patients by Medicare member id (2010BA NM109) and practitioners by NPI,
while the documentation names them by the practice's own ids. Matching uses
``Patient.medicare_id`` and ``Staff.npi`` first; where the documentation lacks them, or the ids
differ, a small CSV says it explicitly::

    kind,external_id,bundle_id
    patient,1EG4TE5MK73,P1
    practitioner,1234567893,S1

``kind`` is ``patient`` or ``practitioner``. An explicit mapping wins over the automatic match.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from bhi_audit.errors import InputError, InputErrors
from bhi_audit.loaders.csv_bundle import read_text

KINDS = ("patient", "practitioner")
COLUMNS = ("kind", "external_id", "bundle_id")


@dataclass(frozen=True)
class IdMap:
    """External id -> bundle id, per kind."""

    patients: dict[str, str] = field(default_factory=dict)
    practitioners: dict[str, str] = field(default_factory=dict)


def load_id_map(path: Path) -> IdMap:
    """Read a mapping CSV; any bad row makes the file unusable (it decides who is who)."""
    display = str(path)
    text = read_text(path, display)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        return _read_rows(reader, display)
    except csv.Error as exc:  # a field over the csv module's limit, a stray quote
        raise InputError(display, f"not valid CSV ({exc})", row=reader.reader.line_num) from None


def _read_rows(reader: csv.DictReader[str], display: str) -> IdMap:
    header = [name.strip() for name in (reader.fieldnames or [])]
    if sorted(header) != sorted(COLUMNS):
        raise InputError(
            display, f"id map needs exactly the columns {', '.join(COLUMNS)} (found {header})", 1
        )
    mapping = IdMap()
    errors: list[InputError] = []
    for row in reader:
        line = reader.line_num
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        kind, external, bundle_id = (values.get(c, "") for c in COLUMNS)
        if not any(values.values()):
            continue
        if kind not in KINDS:
            errors.append(
                InputError(display, f"kind must be patient or practitioner, got {kind!r}", line)
            )
            continue
        if not external or not bundle_id:
            errors.append(InputError(display, "external_id and bundle_id are required", line))
            continue
        target = mapping.patients if kind == "patient" else mapping.practitioners
        # NOTE: member ids are matched upper-case (MBIs are), NPIs are digits anyway.
        external = external.upper()
        if external in target and target[external] != bundle_id:
            errors.append(
                InputError(
                    display,
                    f"{kind} {external} is mapped twice ({target[external]} and {bundle_id})",
                    line,
                )
            )
            continue
        target[external] = bundle_id
    if errors:
        raise InputErrors(errors)
    return mapping
