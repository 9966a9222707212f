"""Read FHIR R4 documentation (and claims): Bulk Data NDJSON files, Bundles, single resources.

How: NDJSON is streamed line by line (a year's export never sits in memory whole); a Bundle
or single-resource ``.json`` document is parsed whole, as JSON must be. Each resource is mapped
directly to bhi-audit rows (:mod:`bhi_audit.loaders.fhir_mapping`); references are resolved in
:meth:`FhirSession.finish`, after every input of the audit has been read, because a Bulk Data
export puts each resource type in its own file, in no particular order.

Accounting (docs/fhir.md): every resource read is counted once in the summary — under the
record kind it became (``patients``, ``assessments``, ...), as rejected under that kind with
its resource id and JSON pointer, under ``fhir:PractitionerRole`` (merged into ``staff``), or
as *not used* under ``fhir:<resourceType>`` (a blood-pressure Observation, a Condition).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from bhi_audit.errors import InputError
from bhi_audit.loaders import fhir_codes as codes
from bhi_audit.loaders.bundle import BundleBuilder, Rejection, claim_id_of, raw_claim_id
from bhi_audit.loaders.csv_bundle import read_text
from bhi_audit.loaders.fhir_mapping import (
    MAPPERS,
    Draft,
    Payments,
    Ref,
    map_explanation_of_benefit,
)
from bhi_audit.loaders.fhir_values import FhirReject, split_reference
from bhi_audit.loaders.positions import Position, load_json, position_of
from bhi_audit.models import Location

#: Validates one resource, returning (JSON pointer, message) per problem (``--fhir-validate``).
Validator = Callable[[dict[str, Any]], list[tuple[str, str]]]
#: Kind under which resources without a usable resourceType are rejected.
UNKNOWN_KIND = "fhir:resource"
#: ExplanationOfBenefit resources give claim lines their paid amounts (docs/fhir.md).
EOB = "ExplanationOfBenefit"
EOB_KIND = f"fhir:{EOB}"


@dataclass(frozen=True, slots=True)
class Source:
    """Where one resource sits: file, NDJSON line, and the JSON pointer of the resource.

    ``positions`` (a ``.json`` document only) says where values start in the text, so that a
    location also carries the line and column an editor can jump to.
    """

    file: str
    row: int | None
    base: str
    positions: Mapping[str, Position] | None = None

    def location(self, path: str = "") -> Location:
        """The location of an element of the resource (``path`` relative to the resource)."""
        pointer = (self.base + path) or "/"
        start = position_of(self.positions, pointer) if self.positions else None
        return Location(file=self.file, row=self.row, pointer=pointer, start=start)

    def inner(self, base: str) -> Source:
        """The source of a resource nested at ``base`` (a Bundle entry's resource)."""
        return Source(self.file, self.row, base, self.positions)


@dataclass(slots=True)
class Pending:
    """A draft row waiting for its references to be resolved."""

    draft: Draft
    label: str
    source: Source


@dataclass(slots=True)
class FhirSession:
    """Collects FHIR input across every path of one audit, then resolves and adds it."""

    validator: Validator | None = None
    pending: list[Pending] = field(default_factory=list)
    practitioners: list[Pending] = field(default_factory=list)
    roles: dict[str, Pending] = field(default_factory=dict)
    full_urls: dict[str, tuple[str, str]] = field(default_factory=dict)
    patient_ids: set[str] = field(default_factory=set)
    practitioner_ids: set[str] = field(default_factory=set)
    npi_index: dict[str, str] = field(default_factory=dict)
    mbi_index: dict[str, str] = field(default_factory=dict)
    role_practitioner: dict[str, str | None] = field(default_factory=dict)
    #: each ExplanationOfBenefit read: its paid amounts, where it was, its label
    payments: list[tuple[Payments, Source, str]] = field(default_factory=list)
    _known_ids: dict[str, set[str]] = field(default_factory=dict)
    _indexed: set[str] = field(default_factory=set)

    # ------------------------------------------------------------------ reading

    def load_ndjson(self, path: Path, display: str, builder: BundleBuilder) -> None:
        """Stream one Bulk Data NDJSON file: one resource per line, blank lines allowed."""
        builder.add_file(path, display, "fhir-ndjson")
        bad_lines: list[tuple[Location, str]] = []
        good = 0
        try:
            handle = open_ndjson(path)
        except OSError as exc:
            raise InputError.unreadable(display, exc) from None
        with handle:
            for number, raw in _lines(handle, display):
                if b"\x00" in raw:
                    raise InputError(
                        display, "binary file, not NDJSON text (contains NUL bytes)", row=number
                    )
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise InputError(
                        display, "not UTF-8 text; export the file as UTF-8", row=number
                    ) from None
                if not text.strip():
                    continue
                try:
                    resource = json.loads(text)
                except json.JSONDecodeError as exc:
                    bad_lines.append(
                        (
                            Location(file=display, row=number, pointer="/"),
                            f"not valid JSON ({exc.msg}, column {exc.colno})",
                        )
                    )
                    continue
                except (ValueError, RecursionError) as exc:
                    location = Location(file=display, row=number, pointer="/")
                    bad_lines.append((location, f"not usable JSON ({_unusable(exc)})"))
                    continue
                good += 1
                self.read_resource(resource, Source(display, number, ""), builder)
        if bad_lines and not good:
            location, message = bad_lines[0]
            raise InputError(display, f"not NDJSON: {message}", row=location.row)
        for location, message in bad_lines:
            builder.reject(UNKNOWN_KIND, location, [("", message)])

    def load_document(
        self,
        path: Path,
        display: str,
        builder: BundleBuilder,
        document: dict[str, Any],
        positions: Mapping[str, Position] | None = None,
    ) -> None:
        """A parsed ``.json`` document that is a Bundle or a single resource.

        ``positions`` (from :func:`parse_json_document`) place each resource at its line.
        """
        builder.add_file(path, display, "fhir-json")
        self.read_resource(document, Source(display, None, "", positions), builder)

    def read_resource(self, resource: Any, source: Source, builder: BundleBuilder) -> None:
        """Map one resource (or every entry of a Bundle) into drafts, rejections or counts."""
        if not isinstance(resource, dict):
            builder.reject(
                UNKNOWN_KIND,
                source.location(),
                [("", f"expected a FHIR resource object, got {_json_type(resource)}")],
            )
            return
        rtype = resource.get("resourceType")
        if not isinstance(rtype, str) or not rtype:
            builder.reject(
                UNKNOWN_KIND,
                source.location("/resourceType"),
                [("/resourceType", "missing required element resourceType")],
            )
            return
        if rtype == "Bundle":
            self._read_bundle(resource, source, builder)
            return
        kind = MAPPERS[rtype][0] if rtype in MAPPERS else f"fhir:{rtype}"
        rid = resource.get("id")
        label = f"{rtype}/{rid}" if isinstance(rid, str) and rid else rtype
        if self.validator is not None:
            problems = self.validator(resource)
            if problems:
                builder.reject(
                    kind,
                    source.location(problems[0][0]),
                    [(where, f"{label}: {message}") for where, message in problems],
                    ["fhir_validation"] * len(problems),
                    _claim_id(kind, resource),
                )
                return
        if rtype == EOB:
            self._read_payments(resource, source, label, builder)
            return
        if rtype not in MAPPERS:
            builder.count_not_used(kind)
            return
        self._note_ids(rtype, resource)
        try:
            drafts = MAPPERS[rtype][1](resource)
        except FhirReject as exc:
            builder.mark_provided(kind)
            builder.reject(
                kind,
                source.location(exc.path),
                [(exc.path, f"{label}: {exc.message}")],
                ["fhir_mapping"],
                _claim_id(kind, resource),
            )
            return
        if drafts is None:
            builder.count_not_used(f"fhir:{rtype}")
            return
        for draft in drafts:
            self._accept(draft, draft.label or label, source, builder)

    def _read_payments(
        self, resource: dict[str, Any], source: Source, label: str, builder: BundleBuilder
    ) -> None:
        """Keep an EOB's paid amounts for the claim lines they belong to (joined in finish)."""
        try:
            payments = map_explanation_of_benefit(resource)
        except FhirReject as exc:
            builder.reject(
                EOB_KIND,
                source.location(exc.path),
                [(exc.path, f"{label}: {exc.message}")],
                ["fhir_mapping"],
            )
            return
        if payments is None:
            builder.count_not_used(EOB_KIND)
            return
        self.payments.append((payments, source, label))

    def _accept(self, draft: Draft, label: str, source: Source, builder: BundleBuilder) -> None:
        if draft.kind.startswith("fhir:"):
            role_id = label.split("/", 1)[1]
            first = self.roles.get(role_id)
            if first is not None:
                builder.reject(
                    draft.kind,
                    source.location("/id"),
                    [("/id", f"{label}: duplicate of {first.source.location()}")],
                )
            else:
                self.roles[role_id] = Pending(draft, label, source)
            return
        builder.mark_provided(draft.kind)
        if draft.error is not None:
            builder.reject(
                draft.kind,
                source.location(draft.error.path),
                [(draft.error.path, f"{label}: {draft.error.message}")],
                ["fhir_mapping"],
                claim_id_of(draft.kind, draft.row),
            )
        elif draft.kind == "staff":
            self.practitioners.append(Pending(draft, label, source))
        elif draft.kind == "patients":
            add_draft(builder, Pending(draft, label, source))
        else:
            self.pending.append(Pending(draft, label, source))

    def _note_ids(self, rtype: str, resource: dict[str, Any]) -> None:
        rid = resource.get("id")
        if not isinstance(rid, str):
            return
        if rtype == "Patient":
            self.patient_ids.add(rid)
            for ident in _identifiers(resource):
                if isinstance(ident, dict) and ident.get("system") in codes.MEDICARE_SYSTEMS:
                    self.mbi_index.setdefault(str(ident.get("value")), rid)
        elif rtype == "Practitioner":
            self.practitioner_ids.add(rid)
            for ident in _identifiers(resource):
                if isinstance(ident, dict) and ident.get("system") == codes.NPI_SYSTEM:
                    self.npi_index.setdefault(str(ident.get("value")), rid)
        elif rtype == "PractitionerRole":
            ref = resource.get("practitioner")
            text = ref.get("reference") if isinstance(ref, dict) else None
            parts = split_reference(text) if isinstance(text, str) else None
            self.role_practitioner[rid] = parts[1] if parts and parts[0] == "Practitioner" else None

    def _read_bundle(self, bundle: dict[str, Any], source: Source, builder: BundleBuilder) -> None:
        entries = bundle.get("entry") or []
        if not isinstance(entries, list):
            builder.reject(
                UNKNOWN_KIND,
                source.location("/entry"),
                [("/entry", f"Bundle: expected an array, got {_json_type(entries)}")],
            )
            return
        for index, entry in enumerate(entries):
            where = f"{source.base}/entry/{index}"
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                resource = entry["resource"]
                full_url = entry.get("fullUrl")
                rtype, rid = resource.get("resourceType"), resource.get("id")
                if isinstance(full_url, str) and isinstance(rtype, str):
                    if not isinstance(rid, str) and full_url.startswith("urn:uuid:"):
                        resource = {**resource, "id": full_url.removeprefix("urn:uuid:")}
                        rid = resource["id"]
                    if isinstance(rid, str):
                        self.full_urls[full_url] = (rtype, rid)
                self.read_resource(resource, source.inner(f"{where}/resource"), builder)
            else:
                builder.reject(
                    UNKNOWN_KIND,
                    source.inner(where).location(),
                    [(where, "Bundle entry has no resource")],
                )

    # ------------------------------------------------------------------ resolving

    def finish(self, builder: BundleBuilder) -> None:
        """Resolve references and add every pending row (call once, after all inputs)."""
        roles_by_practitioner: dict[str, list[Pending]] = {}
        for pending in self.roles.values():
            practitioner, error = self._resolve_practitioner_ref(
                pending.draft.refs[0], builder, direct_only=True
            )
            kind = "fhir:PractitionerRole"
            if error:
                builder.reject(
                    kind,
                    pending.source.location(error[0]),
                    [(error[0], f"{pending.label}: {error[1]}")],
                    ["unresolved_reference"],
                )
                continue
            builder.read[kind] = builder.read.get(kind, 0) + 1
            assert practitioner is not None
            roles_by_practitioner.setdefault(practitioner, []).append(pending)
        for pending in self.practitioners:
            self._add_staff(
                pending, roles_by_practitioner.get(pending.draft.row["staff_id"], []), builder
            )
        paid = self._paid_by_line(builder)
        waiting, self.pending = self.pending, []
        waiting.reverse()
        while waiting:  # NOTE: popping frees each draft as its record is made (peak memory)
            pending = waiting.pop()
            errors: list[tuple[str, str]] = []
            for ref in pending.draft.refs:
                value, error = self._resolve(ref, builder)
                if error:
                    errors.append(error)
                elif value is not None:
                    pending.draft.row[ref.field] = value
                    pending.draft.paths.setdefault(ref.field, ref.path)
            if errors:
                builder.reject(
                    pending.draft.kind,
                    pending.source.location(errors[0][0]),
                    [(where, f"{pending.label}: {msg}") for where, msg in errors],
                    ["unresolved_reference"] * len(errors),
                    claim_id_of(pending.draft.kind, pending.draft.row),
                )
            else:
                if pending.draft.kind == "claim_lines":
                    row = pending.draft.row
                    amount = paid.get((row.get("claim_id"), row.get("line_number")))
                    if amount is not None:
                        row["paid_amount"] = amount
                add_draft(builder, pending)
        self.practitioners.clear()
        self.roles.clear()

    def _paid_by_line(self, builder: BundleBuilder) -> dict[tuple[Any, Any], Decimal]:
        """Paid amounts by (claim id, line number); an EOB whose claim is not here is unused.

        Every EOB read is counted once: used (its amounts reach claim lines), not used (its
        claim is not in the input, or it names no paid amount), or rejected.
        """
        claims = {p.draft.row.get("claim_id") for p in self.pending if p.draft.kind == "claims"}
        paid: dict[tuple[Any, Any], Decimal] = {}
        for payments, source, label in self.payments:
            target, error = self._literal(Ref("claim", payments.claim, "/claim", ("Claim",)))
            if error is not None:
                builder.reject(
                    EOB_KIND,
                    source.location(error[0]),
                    [(error[0], f"{label}: {error[1]}")],
                    ["unresolved_reference"],
                )
                continue
            assert target is not None
            if target[0] != "Claim" or target[1] not in claims:
                builder.count_not_used(EOB_KIND)
                continue
            builder.read[EOB_KIND] = builder.read.get(EOB_KIND, 0) + 1
            for sequence, amount in payments.paid.items():
                paid[(target[1], sequence)] = amount
        self.payments.clear()
        return paid

    def _add_staff(self, pending: Pending, roles: list[Pending], builder: BundleBuilder) -> None:
        row = pending.draft.row
        merged: list[str] = []
        for role in roles:
            merged += [r for r in role.draft.row["roles"] if r not in merged]
            for key in ("practitioner_type", "psychiatry_trained"):
                if key in role.draft.row:
                    row.setdefault(key, role.draft.row[key])
        if not merged:
            builder.reject(
                "staff",
                pending.source.location("/id"),
                [
                    (
                        "/id",
                        f"{pending.label}: no PractitionerRole with a role code bhi-audit knows "
                        "names this practitioner (see the role table in docs/fhir.md)",
                    )
                ],
            )
            return
        row["roles"] = merged
        add_draft(builder, pending)

    def _known(self, builder: BundleBuilder, kind: str) -> set[str]:
        """Ids of ``kind`` read from any input (FHIR, even if rejected, or CSV/JSON).

        Built once per kind in :meth:`finish` (patients and staff are complete by then).
        """
        if kind not in self._known_ids:
            ids = set(self.patient_ids if kind == "patients" else self.practitioner_ids)
            ids.update(str(r.record_id) for r in builder.records.get(kind, []))
            self._known_ids[kind] = ids
        return self._known_ids[kind]

    def _lookup(self, builder: BundleBuilder, kind: str, value: str) -> str | None:
        """The id of the patient with Medicare id / the staff member with NPI ``value``."""
        index = self.mbi_index if kind == "patients" else self.npi_index
        if kind not in self._indexed:
            attribute = "medicare_id" if kind == "patients" else "npi"
            for record in builder.records.get(kind, []):
                key = getattr(record, attribute, None)
                if key is not None:
                    index.setdefault(str(key), str(record.record_id))
            self._indexed.add(kind)
        return index.get(value)

    def _resolve(
        self, ref: Ref, builder: BundleBuilder
    ) -> tuple[str | None, tuple[str, str] | None]:
        if "Patient" in ref.targets:
            return self._resolve_patient(ref, builder)
        return self._resolve_practitioner_ref(ref, builder)

    def _literal(self, ref: Ref) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
        """``((type, id), None)`` for a literal reference, or ``(None, error)``."""
        value = ref.value
        if not isinstance(value, dict):
            return None, (ref.path, f"expected a Reference object, got {_json_type(value)}")
        text = value.get("reference")
        if isinstance(text, str):
            if text.startswith("#"):
                return None, (
                    f"{ref.path}/reference",
                    f"contained resource {text} is not supported; reference a "
                    "resource in the input",
                )
            if text.startswith("urn:"):
                target = self.full_urls.get(text)
                if target is None:
                    return None, (
                        f"{ref.path}/reference",
                        f"{text} matches no fullUrl in the Bundle",
                    )
                return target, None
            parts = split_reference(text)
            if parts is None:
                return None, (f"{ref.path}/reference", f"not a FHIR reference: {text!r}")
            return parts, None
        return None, None

    def _resolve_patient(
        self, ref: Ref, builder: BundleBuilder
    ) -> tuple[str | None, tuple[str, str] | None]:
        target, error = self._literal(ref)
        if error:
            return None, error
        if target is None:
            ident = ref.value.get("identifier") if isinstance(ref.value, dict) else None
            if isinstance(ident, dict) and ident.get("system") in codes.MEDICARE_SYSTEMS:
                mbi = str(ident.get("value"))
                found = self._lookup(builder, "patients", mbi)
                if found:
                    return str(found), None
                return None, (f"{ref.path}/identifier", f"no patient has Medicare id {mbi}")
            return None, (ref.path, "reference has neither a reference nor a Medicare identifier")
        if target[0] != "Patient":
            return None, (
                f"{ref.path}/reference",
                f"expected a reference to Patient, got {target[0]}/{target[1]}",
            )
        if "patients" in builder.provided and target[1] not in self._known(builder, "patients"):
            return None, (f"{ref.path}/reference", f"Patient/{target[1]} is not in the input")
        return target[1], None

    def _resolve_practitioner_ref(
        self, ref: Ref, builder: BundleBuilder, direct_only: bool = False
    ) -> tuple[str | None, tuple[str, str] | None]:
        target, error = self._literal(ref)
        if error:
            return None, error
        if target is None:
            ident = ref.value.get("identifier") if isinstance(ref.value, dict) else None
            if isinstance(ident, dict) and ident.get("system") == codes.NPI_SYSTEM:
                npi = str(ident.get("value"))
                found = self._lookup(builder, "staff", npi)
                if found:
                    return str(found), None
                return None, (f"{ref.path}/identifier", f"no practitioner has NPI {npi}")
            return None, (ref.path, "reference has neither a reference nor an NPI identifier")
        rtype, rid = target
        if rtype == "PractitionerRole" and not direct_only:
            if rid not in self.role_practitioner:
                return None, (
                    f"{ref.path}/reference",
                    f"PractitionerRole/{rid} is not in the input",
                )
            practitioner = self.role_practitioner[rid]
            if practitioner is None:
                return None, (
                    f"{ref.path}/reference",
                    f"PractitionerRole/{rid} names no Practitioner",
                )
            rtype, rid = "Practitioner", practitioner
        if rtype != "Practitioner":
            allowed = " or ".join(ref.targets)
            return None, (
                f"{ref.path}/reference",
                f"expected a reference to {allowed}, got {rtype}/{rid}",
            )
        if "staff" in builder.provided and rid not in self._known(builder, "staff"):
            return None, (f"{ref.path}/reference", f"Practitioner/{rid} is not in the input")
        return rid, None


def add_draft(builder: BundleBuilder, pending: Pending) -> None:
    """Validate a resolved row into the builder, wording model errors with FHIR pointers."""
    draft = pending.draft
    before = len(builder.rejected)
    record = builder.add_row(draft.kind, draft.row, pending.source.location(draft.at))
    if record is not None or len(builder.rejected) == before:
        return
    rejection = builder.rejected[-1]
    reasons = []
    first = None
    for fld, message in rejection.reasons:
        name = fld.split(".", 1)[0]
        where = draft.paths.get(name, "")
        first = first or where
        reasons.append((where or fld, f"{pending.label}: {name}: {message}"))
    builder.rejected[-1] = Rejection(
        kind=rejection.kind,
        location=pending.source.location(first or ""),
        reasons=tuple(reasons),
        problems=rejection.problems,
        claim_id=rejection.claim_id,
    )


def _claim_id(kind: str, resource: dict[str, Any]) -> str | None:
    """The claim id of a Claim resource rejected whole: its logical id, which the mapper makes
    the claim id (``map_claim``), read raw since the resource may be rejected for it."""
    return raw_claim_id(resource.get("id")) if kind == "claims" else None


def _identifiers(resource: dict[str, Any]) -> list[Any]:
    """``identifier`` if it is an array (the mapper reports it otherwise)."""
    value = resource.get("identifier")
    return value if isinstance(value, list) else []


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def is_fhir_document(document: Any) -> bool:
    """Whether a parsed ``.json`` document is FHIR (it has a ``resourceType``)."""
    return isinstance(document, dict) and "resourceType" in document


def is_gzip(path: Path) -> bool:
    """Whether a Bulk Data file is gzip-compressed (``*.ndjson.gz``)."""
    return path.name.lower().endswith(".ndjson.gz")


def is_ndjson(path: Path) -> bool:
    """Whether a path names a Bulk Data file (``*.ndjson`` or ``*.ndjson.gz``)."""
    return path.suffix.lower() == ".ndjson" or is_gzip(path)


def open_ndjson(path: Path) -> gzip.GzipFile | BinaryIO:
    """Open a Bulk Data file for streaming, decompressing ``*.ndjson.gz`` on the fly."""
    if is_gzip(path):
        return gzip.GzipFile(path, "rb")
    return path.open("rb")


def ndjson_files(directory: Path) -> list[Path]:
    """The Bulk Data files (``*.ndjson``, ``*.ndjson.gz``) of a directory, sorted by name."""
    return sorted(p for p in directory.iterdir() if p.is_file() and is_ndjson(p))


def _lines(handle: Iterable[bytes], display: str) -> Iterator[tuple[int, bytes]]:
    """Numbered lines; a corrupt or truncated gzip stream is an InputError at its line."""
    number = 0
    try:
        for number, raw in enumerate(handle, start=1):
            yield number, raw
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(display, f"cannot read compressed file ({exc})", row=number + 1) from None


def parse_json_document(path: Path, display: str) -> tuple[Any, dict[str, Position]]:
    """Parse a ``.json`` file, as an InputError with the line when it is not JSON.

    Returns the document and where its resources start (:func:`positions.load_json`).
    """
    text = read_text(path, display)
    try:
        return load_json(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            display, f"not valid JSON ({exc.msg}, column {exc.colno})", row=exc.lineno
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(display, f"not usable JSON ({_unusable(exc)})") from None


def _unusable(exc: Exception) -> str:
    """Why json.loads refused text that is JSON: a huge integer literal or deep nesting."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";")[0]


def load_fhir_paths(
    paths: Iterable[Path], builder: BundleBuilder, validator: Validator | None = None
) -> None:
    """Load FHIR files (NDJSON or JSON) into ``builder`` and resolve them (a convenience)."""
    session = FhirSession(validator=validator)
    for path in paths:
        if is_ndjson(path):
            session.load_ndjson(path, str(path), builder)
        else:
            session.load_document(path, str(path), builder, *parse_json_document(path, str(path)))
    session.finish(builder)
