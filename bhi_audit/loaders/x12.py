"""Load an X12 837P batch into the bundle, joined with the documentation's patients and staff.

Why a join: an 837P names the patient by Medicare member id (2010BA NM109) and practitioners
by NPI (2010AA, 2310B); the documentation (CSV/JSON bundle or FHIR) names them by the
practice's ids. X12 files are therefore loaded after every other input, and each claim's ids
are matched against ``Patient.medicare_id`` and ``Staff.npi`` (or an explicit id map). A claim
that matches nobody keeps the raw member id / NPI, so BHI-DATA-001 reports it — it is never
dropped.

Every CLM is either added (with its lines) or rejected with the reason and its segment
number: a transaction set with a bad or missing SE, a claim with no service lines, a
non-Medicare claim, a void, a line without a date of service or with a bad code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bhi_audit.errors import InputError
from bhi_audit.loaders.bundle import BundleBuilder, raw_claim_id
from bhi_audit.loaders.mapping import IdMap
from bhi_audit.loaders.x12_reader import FREQUENCIES, SetEnd, X12Claim, X12Line, read_837
from bhi_audit.models import Location, Patient, Staff

#: File name endings that mark an X12 interchange (content starting with ISA does too).
X12_SUFFIXES = frozenset({".837", ".x12", ".edi"})
#: SBR09 claim filing indicator of Medicare Part B.
MEDICARE_PART_B = "MB"


@dataclass(frozen=True)
class X12Options:
    """How X12 input is read: an optional id map, and pyx12 validation on request."""

    id_map: IdMap | None = None
    validate: bool = False


def is_x12(path: Path) -> bool:
    """Whether ``path`` is an X12 file: by its ending, or because its text starts with ISA."""
    if path.suffix.lower() in X12_SUFFIXES:
        return True
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"ISA")


class Resolver:
    """Matches 837P member ids and NPIs to bundle patient and staff ids."""

    def __init__(self, builder: BundleBuilder, id_map: IdMap | None) -> None:
        self.id_map = id_map or IdMap()
        patients: list[Patient] = builder.records.get(Patient.KIND, [])  # type: ignore[assignment]
        staff: list[Staff] = builder.records.get(Staff.KIND, [])  # type: ignore[assignment]
        self.patient_ids = {p.patient_id for p in patients}
        self.staff_ids = {s.staff_id for s in staff}
        self.by_member: dict[str, list[Patient]] = {}
        for patient in patients:
            if patient.medicare_id:
                self.by_member.setdefault(patient.medicare_id.strip().upper(), []).append(patient)
        self.by_npi: dict[str, list[str]] = {}
        for member in staff:
            if member.npi:
                self.by_npi.setdefault(member.npi, []).append(member.staff_id)

    def patient(self, claim: X12Claim) -> str:
        """The bundle patient id of the claim's patient, or the raw id when none matches.

        The subscriber is the patient (always so for Medicare): match the member id. A
        2000C patient (a dependent) shares the subscriber's member id, so it is keyed
        ``member:CCYYMMDD`` with the patient's birth date, and matched only to a patient with
        that Medicare id *and* birth date.
        """
        member = (claim.member_id or "").strip().upper()
        key = f"{member}:{claim.patient_dob or 'unknown'}" if claim.patient_in_2000c else member
        mapped = self.id_map.patients.get(key)
        if mapped:
            return mapped
        candidates = self.by_member.get(member, [])
        if claim.patient_in_2000c:
            candidates = [
                p
                for p in candidates
                if p.dob is not None and p.dob.strftime("%Y%m%d") == claim.patient_dob
            ]
        if len(candidates) == 1:
            return candidates[0].patient_id
        return key

    def practitioner(self, npi: str | None) -> str | None:
        """The staff id with this NPI (or mapped from it); the NPI itself when none."""
        if not npi:
            return None
        mapped = self.id_map.practitioners.get(npi)
        if mapped:
            return mapped
        matches = self.by_npi.get(npi, [])
        if len(matches) == 1:
            return matches[0]
        return npi

    def billing(self, claim: X12Claim) -> str:
        """The billing practitioner in the bundle's sense (the individual who bills).

        2010AA is a person (NM102=1): that NPI. It is an organisation (a group NPI,
        NM102=2) that matches no staff member: the individual is the 2310B rendering
        provider, as with Medicare group billing; without one the group NPI stays.
        """
        billing = self.practitioner(claim.billing_npi)
        matched = billing is not None and billing != claim.billing_npi
        if claim.billing_entity == "2" and not matched and claim.rendering_npi:
            return self.practitioner(claim.rendering_npi) or ""
        return billing or ""


def _line_row(claim_id: str, line: X12Line) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The claim_lines row of one service line, or the reasons it cannot be used."""
    problems = list(line.problems)
    if line.code is None and line.qualifier is None:
        problems.append(("code", f"service line {line.number} has no SV1 (procedure)"))
    elif line.qualifier != "HC":
        problems.append(
            ("code", f"SV101-1 qualifier {line.qualifier!r} is not HC (HCPCS/CPT procedure)")
        )
    if line.unit_basis not in (None, "", "UN"):
        problems.append(
            ("units", f"SV103 unit basis {line.unit_basis!r} is not UN (units) for these codes")
        )
    dos = None
    if not line.problems:
        if line.date_from is None:
            problems.append(
                (
                    "date_of_service",
                    f"service line {line.number} has no date of service (DTP*472)",
                )
            )
        elif line.date_to is not None and line.date_to < line.date_from:
            problems.append(
                (
                    "date_of_service",
                    f"DTP*472 range ends before it starts ({line.date_from} to {line.date_to})",
                )
            )
        elif line.date_to is not None and line.date_to[:7] != line.date_from[:7]:
            problems.append(
                (
                    "date_of_service",
                    f"DTP*472 range {line.date_from} to {line.date_to} spans two calendar months "
                    "(a line's service period must be one calendar month)",
                )
            )
        else:
            # NOTE: a range within one month bills the month's service; its end date is the
            # DOS, the latest date rulebook §5.4b allows, so no premature-claim false alarm.
            dos = line.date_to or line.date_from
    if problems:
        return None, problems
    row: dict[str, Any] = {
        "claim_id": claim_id,
        "line_number": line.number,
        "code": line.code,
        "modifiers": line.modifiers,
        "date_of_service": dos,
        "diagnosis_pointers": line.pointers,
    }
    if line.units is not None:
        row["units"] = line.units
    if line.charge:
        row["charge"] = line.charge
    if line.place_of_service:
        row["place_of_service"] = line.place_of_service
    return row, []


def claim_problems(claim: X12Claim) -> list[tuple[str, str]]:
    """Reasons a whole claim cannot be audited (besides its set's SE)."""
    problems = list(claim.problems)
    if not claim.claim_id:
        problems.append(("claim_id", "CLM01 (claim id) is empty"))
    if claim.subscriber_seen and not claim.member_id:
        problems.append(("patient_id", "2010BA NM109 (subscriber member id) is missing"))
    if not claim.billing_npi:
        problems.append(("billing_practitioner", "2010AA NM109 (billing provider NPI) is missing"))
    if claim.filing_indicator != MEDICARE_PART_B:
        found = repr(claim.filing_indicator) if claim.filing_indicator else "missing"
        problems.append(
            (
                "SBR09",
                f"claim filing indicator {found} is not MB (Medicare Part B): "
                "not audited against Medicare rules",
            )
        )
    if claim.frequency not in FREQUENCIES:
        found = repr(claim.frequency) if claim.frequency else "missing"
        problems.append(("CLM05-3", f"claim frequency {found} (1 original, 7 replacement)"))
    elif claim.frequency == "8":
        problems.append(("CLM05-3", "claim frequency 8 voids an earlier claim: nothing to audit"))
    if not claim.lines:
        problems.append(("claim_lines", f"claim {claim.claim_id} has no service lines (LX)"))
    return problems


class X12Loader:
    """Adds the claims of one 837P file to a builder, one transaction set at a time."""

    def __init__(
        self,
        display: str,
        builder: BundleBuilder,
        resolver: Resolver,
        validation: dict[int, list[str]] | None = None,
    ) -> None:
        self.display = display
        self.builder = builder
        self.resolver = resolver
        self.validation = validation or {}
        self.claimed_segments: set[int] = set()

    def at(self, segment: int) -> Location:
        """The location of a segment of this file."""
        return Location(file=self.display, segment=segment)

    def add_set(self, claims: list[X12Claim], end: SetEnd) -> None:
        """Add (or reject) every claim of a finished transaction set."""
        for claim in claims:
            problems = [] if end.error is None else [("SE", f"{end.error}; claim not audited")]
            problems.extend(self._validation_problems(claim))
            problems.extend(claim_problems(claim))
            if problems:
                self.reject_claim(claim, problems)
            else:
                self.add_claim(claim)

    def _validation_problems(self, claim: X12Claim) -> list[tuple[str, str]]:
        if not self.validation:
            return []
        found = []
        for segment in range(claim.segment, claim.last_segment + 1):
            for message in self.validation.get(segment, []):
                found.append(("pyx12", f"{message} (segment {segment})"))
                self.claimed_segments.add(segment)
        return found

    def reject_claim(self, claim: X12Claim, problems: list[tuple[str, str]]) -> None:
        """Reject a claim and, with it, each of its lines."""
        kinds = ["x12_validation" if fld == "pyx12" else "" for fld, _ in problems]
        claim_id = raw_claim_id(claim.claim_id)
        self.builder.reject("claims", self.at(claim.segment), problems, kinds, claim_id)
        for line in claim.lines:
            self.builder.reject(
                "claim_lines",
                self.at(line.segment),
                [("claim_id", f"claim {claim.claim_id} (segment {claim.segment}) is rejected")],
                ["claim_rejected"],
                claim_id,
            )

    def add_claim(self, claim: X12Claim) -> None:
        """Validate the claim row and its line rows into the builder."""
        resolver = self.resolver
        row: dict[str, Any] = {
            "claim_id": claim.claim_id,
            "patient_id": resolver.patient(claim),
            "billing_practitioner": resolver.billing(claim),
            "diagnoses": [code for code in claim.diagnoses if code],
        }
        rendering = resolver.practitioner(claim.rendering_npi)
        if rendering is None and claim.billing_entity == "1":
            # NOTE: the guide sends 2310B only when the rendering provider differs from a
            # person billing provider (2010AA); without it, the billing provider rendered.
            rendering = row["billing_practitioner"]
        if rendering:
            row["rendering_practitioner"] = rendering
        if claim.place_of_service:
            row["place_of_service"] = claim.place_of_service
        if self.builder.add_row("claims", row, self.at(claim.segment)) is None:
            for line in claim.lines:
                self.builder.reject(
                    "claim_lines",
                    self.at(line.segment),
                    [("claim_id", f"claim {claim.claim_id} (segment {claim.segment}) is rejected")],
                    ["claim_rejected"],
                    raw_claim_id(claim.claim_id),
                )
            return
        for line in claim.lines:
            line_row, problems = _line_row(claim.claim_id, line)
            if line_row is None:
                self.builder.reject(
                    "claim_lines",
                    self.at(line.segment),
                    problems,
                    claim_id=raw_claim_id(claim.claim_id),
                )
            else:
                self.builder.add_row("claim_lines", line_row, self.at(line.segment))

    def add_unclaimed_validation(self) -> None:
        """pyx12 errors outside any claim (envelope, headers) become rejected x12 entries."""
        for segment, messages in sorted(self.validation.items()):
            if segment in self.claimed_segments:
                continue
            self.builder.reject(
                "x12_segments",
                self.at(segment),
                [("pyx12", message) for message in messages],
                ["x12_validation"] * len(messages),
            )


def load_x12(path: Path, display: str, builder: BundleBuilder, options: X12Options) -> None:
    """Read one 837P file into ``builder`` (after the documentation has been loaded)."""
    if not path.is_file():
        raise InputError(
            display, "no such file or directory" if not path.exists() else "not a file"
        )
    validation = None
    if options.validate:
        from bhi_audit.loaders.x12_validate import validate_with_pyx12

        validation = validate_with_pyx12(path, display)
    loader = X12Loader(display, builder, Resolver(builder, options.id_map), validation)
    pending: list[X12Claim] = []
    events: Iterable[X12Claim | SetEnd] = read_837(path, display)
    builder.add_file(path, display, "x12-837p")
    builder.mark_provided("claims")
    builder.mark_provided("claim_lines")
    for event in events:
        if isinstance(event, SetEnd):
            loader.add_set(pending, event)
            pending.clear()
        else:
            pending.append(event)
    loader.add_unclaimed_validation()
