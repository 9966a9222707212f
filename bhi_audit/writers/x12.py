"""Write claims as an X12 837P (005010X222A1) interchange.

Why: the reader must be tested against files whose content is known, the sample practice needs
an 837P twin of its CSV claims, and the benchmark needs a large file. The writer emits the
segments the 837P implementation guide requires for a Medicare Part B professional claim and
that :mod:`bhi_audit.loaders.x12` reads back: 1000A/1000B submitter and receiver, one 2000A
billing provider (2010AA NPI) per run of claims, one 2000B subscriber (SBR09, 2010BA member
id, 2010BB payer) per claim, the 2300 claim (CLM, HI), 2310B rendering provider and the 2400
service lines (LX, SV1, DTP*472). Output is deterministic: control numbers count from the
given start and the creation stamp is a parameter, never the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import TextIO

from bhi_audit.loaders.bundle import Bundle
from bhi_audit.loaders.x12_reader import Delimiters
from bhi_audit.models import Claim, ClaimLine, ClaimType, Patient, Staff

__all__ = [
    "ClaimDocument",
    "Delimiters",
    "documents_from_bundle",
    "professional_claims",
    "write_837",
]

#: The implementation guide this writer follows (GS08 and ST03).
VERSION = "005010X222A1"
#: A fixed creation stamp, so that the same claims always give the same bytes.
DEFAULT_CREATED = datetime(2026, 1, 1, 12, 0)


@dataclass(frozen=True)
class ClaimDocument:
    """One claim with the identifiers an 837P carries instead of bundle ids."""

    claim: Claim
    lines: tuple[ClaimLine, ...]
    member_id: str
    billing_npi: str
    rendering_npi: str | None = None
    patient_name: str | None = None
    patient_dob: date | None = None
    billing_name: str | None = None
    rendering_name: str | None = None
    filing_indicator: str = "MB"
    frequency: str = "1"


def documents_from_bundle(
    bundle: Bundle,
    member_ids: Mapping[str, str] | None = None,
    npis: Mapping[str, str] | None = None,
) -> list[ClaimDocument]:
    """Pair each claim with its lines, the patient's Medicare id and the staff NPIs.

    ``member_ids`` (patient id -> member id) and ``npis`` (staff id -> NPI) supply the ids
    of patients and practitioners the bundle has no Medicare id or NPI for (or does not know
    at all). Raises ValueError naming the claim when an id is still missing: an 837P cannot
    be written without it. Institutional (RHC/FQHC) claims are not documents of an 837P:
    select them out with :func:`professional_claims` first.
    """
    patients: dict[str, Patient] = {p.patient_id: p for p in bundle.of(Patient)}
    staff: dict[str, Staff] = {s.staff_id: s for s in bundle.of(Staff)}
    member_ids = member_ids or {}
    npis = npis or {}
    lines: dict[str, list[ClaimLine]] = {}
    for line in bundle.of(ClaimLine):
        lines.setdefault(line.claim_id, []).append(line)
    documents = []
    for claim in sorted(bundle.of(Claim), key=lambda c: c.claim_id):
        if claim.claim_type is not ClaimType.PROFESSIONAL:
            raise ValueError(
                f"claim {claim.claim_id} is {claim.claim_type.value}: it belongs in an 837I, "
                "not an 837P"
            )
        patient = patients.get(claim.patient_id)
        member_id = member_ids.get(claim.patient_id) or (patient.medicare_id if patient else None)
        if not member_id:
            raise ValueError(
                f"claim {claim.claim_id}: patient {claim.patient_id} has no medicare_id"
            )
        billing = staff.get(claim.billing_practitioner)
        billing_npi = _npi(staff, npis, claim.billing_practitioner, claim.claim_id)
        rendering = staff.get(claim.rendering_practitioner or "")
        rendering_npi = None
        if claim.rendering_practitioner not in (None, claim.billing_practitioner):
            rendering_npi = _npi(staff, npis, claim.rendering_practitioner, claim.claim_id)
        documents.append(
            ClaimDocument(
                claim=claim,
                lines=tuple(sorted(lines.get(claim.claim_id, []), key=lambda x: x.line_number)),
                member_id=member_id,
                billing_npi=billing_npi,
                rendering_npi=rendering_npi,
                patient_name=patient.name if patient else None,
                patient_dob=patient.dob if patient else None,
                billing_name=billing.name if billing else None,
                rendering_name=rendering.name if rendering and rendering_npi else None,
            )
        )
    return documents


def professional_claims(bundle: Bundle) -> tuple[Bundle, list[Claim]]:
    """The bundle with only its professional claims (and their lines), and the claims left out."""
    kept = [c for c in bundle.of(Claim) if c.claim_type is ClaimType.PROFESSIONAL]
    left_out = [c for c in bundle.of(Claim) if c.claim_type is not ClaimType.PROFESSIONAL]
    ids = {c.claim_id for c in kept}
    records = dict(bundle.records)
    records[Claim.KIND] = list(kept)
    records[ClaimLine.KIND] = [line for line in bundle.of(ClaimLine) if line.claim_id in ids]
    return replace(bundle, records=records), left_out


def _npi(staff: dict[str, Staff], npis: Mapping[str, str], staff_id: str, claim_id: str) -> str:
    member = staff.get(staff_id)
    npi = npis.get(staff_id) or (member.npi if member else None)
    if not npi:
        raise ValueError(f"claim {claim_id}: practitioner {staff_id} has no npi")
    return npi


def _name_parts(name: str | None, fallback: str) -> tuple[str, str]:
    """``"Dana Ruiz"`` -> ``("RUIZ", "DANA")``; no name -> ``(fallback, "")``."""
    if not name:
        return fallback.upper(), ""
    words = name.replace(",", " ").split()
    if "," in name:
        return words[0].upper(), " ".join(words[1:]).upper()
    return words[-1].upper(), " ".join(words[:-1]).upper()


def _amount(value: Decimal | None) -> str:
    if value is None:
        return "0"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class _SetWriter:
    """Builds one transaction set's segments and counts them for SE01."""

    def __init__(self, d: Delimiters) -> None:
        self.d = d
        self.segments: list[str] = []

    def seg(self, *elements: str) -> None:
        items = list(elements)
        while len(items) > 1 and items[-1] == "":
            items.pop()
        self.segments.append(self.d.element.join(items))

    def comp(self, *parts: str) -> str:
        items = list(parts)
        while len(items) > 1 and items[-1] == "":
            items.pop()
        return self.d.component.join(items)


def _write_claim(w: _SetWriter, doc: ClaimDocument, hl: int, billing_hl: int) -> None:
    claim = doc.claim
    w.seg("HL", str(hl), str(billing_hl), "22", "0")
    w.seg("SBR", "P", "18", "", "", "", "", "", "", doc.filing_indicator)
    last, first = _name_parts(doc.patient_name, "PATIENT")
    w.seg("NM1", "IL", "1", last, first, "", "", "", "MI", doc.member_id)
    if doc.patient_dob is not None:
        w.seg("DMG", "D8", doc.patient_dob.strftime("%Y%m%d"), "U")
    w.seg("NM1", "PR", "2", "MEDICARE PART B", "", "", "", "", "PI", "00000")
    total = sum((line.charge or Decimal(0) for line in doc.lines), Decimal(0))
    pos = claim.place_of_service or "11"
    w.seg(
        "CLM",
        claim.claim_id,
        _amount(total),
        "",
        "",
        w.comp(pos, "B", doc.frequency),
        "Y",
        "A",
        "Y",
        "Y",
    )
    if claim.diagnoses:
        codes = [code.replace(".", "") for code in claim.diagnoses]
        w.seg("HI", w.comp("ABK", codes[0]), *(w.comp("ABF", c) for c in codes[1:]))
    if doc.rendering_npi:
        r_last, r_first = _name_parts(doc.rendering_name, "RENDERING")
        w.seg("NM1", "82", "1", r_last, r_first, "", "", "", "XX", doc.rendering_npi)
    for line in doc.lines:
        w.seg("LX", str(line.line_number))
        pointers = w.comp(*(str(p) for p in line.diagnosis_pointers))
        w.seg(
            "SV1",
            w.comp("HC", line.code, *line.modifiers),
            _amount(line.charge),
            "UN",
            str(line.units),
            line.place_of_service or "",
            "",
            pointers,
        )
        w.seg("DTP", "472", "D8", line.date_of_service.strftime("%Y%m%d"))


def _chunks(items: Iterable[ClaimDocument], size: int) -> Iterator[list[ClaimDocument]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_837(
    documents: Iterable[ClaimDocument],
    out: TextIO,
    *,
    delimiters: Delimiters | None = None,
    line_breaks: bool = True,
    claims_per_set: int = 5000,
    sets_per_group: int = 0,
    created: datetime = DEFAULT_CREATED,
    control_number: int = 1,
    sender: str = "BHIAUDIT",
    receiver: str = "MEDICARE",
) -> None:
    """Write ``documents`` as one interchange, streaming: one transaction set at a time.

    ``claims_per_set`` claims go in each ST/SE transaction set; ``sets_per_group`` sets in
    each GS/GE functional group (0: all sets in one group). Claims with the same billing NPI
    that follow each other share one 2000A billing-provider loop.
    """
    d = delimiters or Delimiters()
    problem = d.problem()
    if problem is not None or not d.repetition:
        raise ValueError(f"cannot write with {d}: {problem or 'a repetition separator is needed'}")
    end = d.segment + ("\n" if line_breaks else "")
    e = d.element
    stamp_date, stamp_time = created.strftime("%y%m%d"), created.strftime("%H%M")
    isa = e.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            sender.ljust(15)[:15],
            "ZZ",
            receiver.ljust(15)[:15],
            stamp_date,
            stamp_time,
            d.repetition,
            "00501",
            f"{control_number:09d}",
            "0",
            "P",
            d.component,
        ]
    )
    out.write(isa + end)
    groups = 0
    sets_in_group = 0
    for set_number, chunk in enumerate(_chunks(documents, max(1, claims_per_set)), start=1):
        if sets_in_group == 0:
            groups += 1
            out.write(
                e.join(
                    [
                        "GS",
                        "HC",
                        sender,
                        receiver,
                        created.strftime("%Y%m%d"),
                        stamp_time,
                        str(control_number + groups - 1),
                        "X",
                        VERSION,
                    ]
                )
                + end
            )
        control = f"{set_number:04d}"
        w = _SetWriter(d)
        w.seg("ST", "837", control, VERSION)
        w.seg("BHT", "0019", "00", f"B{set_number}", created.strftime("%Y%m%d"), stamp_time, "CH")
        w.seg("NM1", "41", "2", sender, "", "", "", "", "46", sender)
        w.seg("PER", "IC", "BILLING OFFICE", "TE", "5555550100")
        w.seg("NM1", "40", "2", receiver, "", "", "", "", "46", receiver)
        hl = 0
        billing_hl = 0
        current_npi: str | None = None
        for doc in chunk:
            if doc.billing_npi != current_npi:
                hl += 1
                billing_hl = hl
                current_npi = doc.billing_npi
                w.seg("HL", str(hl), "", "20", "1")
                last, first = _name_parts(doc.billing_name, "PROVIDER")
                w.seg("NM1", "85", "1", last, first, "", "", "", "XX", doc.billing_npi)
                w.seg("N3", "1 MAIN ST")
                w.seg("N4", "SPRINGFIELD", "IL", "627010001")
                w.seg("REF", "EI", "123456789")
            hl += 1
            _write_claim(w, doc, hl, billing_hl)
        w.seg("SE", str(len(w.segments) + 1), control)
        out.write(end.join(w.segments) + end)
        sets_in_group += 1
        if sets_per_group and sets_in_group >= sets_per_group:
            out.write(e.join(["GE", str(sets_in_group), str(control_number + groups - 1)]) + end)
            sets_in_group = 0
    if sets_in_group:
        out.write(e.join(["GE", str(sets_in_group), str(control_number + groups - 1)]) + end)
    out.write(e.join(["IEA", str(groups), f"{control_number:09d}"]) + end)
