"""A focused streaming reader for X12 837P (005010X222A1/A2) professional claims.

Why our own reader: ``pyx12`` validates against the whole implementation guide but walks its
loop map for every segment (a few hundred claims per second, see ``docs/x12.md``); an audit
needs only a handful of segments per claim. This reader reads the file in blocks, splits
segments with the delimiters the ISA segment declares, and keeps only the claim being read:
memory stays flat however large the batch.

What it yields, in file order: one :class:`X12Claim` per CLM segment (with every problem found
in it) and one :class:`SetEnd` per transaction set, saying whether the set's SE trailer was
right. The caller decides what a bad set means for its claims. Problems that make the whole
file unusable (no ISA first, a malformed ISA, an unknown version or transaction, segments
outside an envelope, a missing IEA) raise :class:`InputError` with the segment number.

Segments are numbered from 1 (the ISA) through the whole file — the same count ``pyx12``
reports; with one segment per line it is also the line number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bhi_audit.errors import InputError

#: Characters read per block; a segment may straddle two blocks.
BLOCK = 1 << 16
#: ISA is fixed-width: 106 characters including its terminator.
ISA_LENGTH = 106
#: Implementation guides this reader understands (GS08 / ST03).
SUPPORTED_VERSIONS = frozenset({"005010X222A1", "005010X222A2", "005010X222"})
#: CLM05-3 claim frequency codes: original, replacement, void.
FREQUENCIES = {"1": "original", "7": "replacement", "8": "void"}


@dataclass(frozen=True)
class Delimiters:
    """The separators an interchange declares in its ISA segment.

    The repetition separator (ISA11) may be empty: no 837P element the audit reads repeats.
    """

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"

    def problem(self) -> str | None:
        """Why these separators cannot delimit an interchange, or None when they can."""
        chars = [self.element, self.component, self.segment]
        if self.repetition:
            chars.append(self.repetition)
        if any(len(c) != 1 or c.isalnum() or c == " " for c in chars):
            return "each separator must be one punctuation character"
        if len(set(chars)) != len(chars):
            return "the separators must differ from each other"
        return None


@dataclass(slots=True)
class X12Line:
    """One 2400 service line as read (values still text; validated by the models)."""

    number: str
    segment: int
    code: str | None = None
    qualifier: str | None = None
    modifiers: list[str] = field(default_factory=list)
    charge: str | None = None
    unit_basis: str | None = None
    units: str | None = None
    place_of_service: str | None = None
    pointers: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    rendering_npi: str | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class X12Claim:
    """One 2300 claim with what the audit needs from its enclosing loops."""

    claim_id: str
    segment: int
    set_control: str
    billing_npi: str | None
    billing_entity: str | None
    member_id: str | None
    subscriber_dob: str | None
    patient_in_2000c: bool
    subscriber_seen: bool
    patient_dob: str | None
    filing_indicator: str | None
    payer_id: str | None
    place_of_service: str | None = None
    frequency: str | None = None
    diagnoses: list[str] = field(default_factory=list)
    rendering_npi: str | None = None
    lines: list[X12Line] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    last_segment: int = 0


@dataclass(frozen=True, slots=True)
class SetEnd:
    """The end of a transaction set; ``error`` says why its claims cannot be trusted."""

    control: str
    segment: int
    error: str | None


def _where(segment: int) -> str:
    return f"segment {segment}"


def read_isa(head: str, display: str) -> Delimiters:
    """Validate the fixed-width ISA at the start of ``head`` and return its delimiters."""
    if not head.startswith("ISA"):
        found = head[:20].splitlines()[0] if head.strip() else "an empty file"
        raise InputError(
            display,
            f"text before ISA: an X12 interchange must start with ISA (found {found!r})",
            row=_where(1),
        )
    if len(head) < ISA_LENGTH:
        raise InputError(
            display, f"ISA segment is truncated ({len(head)} < {ISA_LENGTH} characters)", _where(1)
        )
    element = head[3]
    # ISA01-ISA15 fill the first 103 characters; ISA16 (one character) and the terminator
    # follow at fixed positions, so they may be any character, even the element separator.
    fields = head[: ISA_LENGTH - 3].split(element)
    if len(fields) != 16 or head[ISA_LENGTH - 3] != element:
        count = head[:ISA_LENGTH].count(element)
        raise InputError(
            display,
            f"bad ISA length: ISA must be 106 characters with 16 elements separated by "
            f"{element!r} (found {count} separators in the first 106 characters)",
            row=_where(1),
        )
    component, terminator = head[ISA_LENGTH - 2], head[ISA_LENGTH - 1]
    repetition = fields[11] if not (fields[11].isalnum() or fields[11] == " ") else ""
    if fields[12] != "00501":
        raise InputError(
            display,
            f"unknown version: ISA12 {fields[12]!r} (only 00501, the 5010 envelope, is read)",
            row=_where(1),
        )
    delimiters = Delimiters(element, component, repetition, terminator)
    problem = delimiters.problem()
    if problem is not None:
        raise InputError(
            display,
            f"ISA declares unusable delimiters ({problem}): element {element!r}, repetition "
            f"{fields[11]!r}, component {component!r}, segment {terminator!r}",
            row=_where(1),
        )
    return delimiters


def open_interchange(handle: TextIO, display: str) -> tuple[Delimiters, Iterator[tuple[int, str]]]:
    """Read the ISA and return the delimiters and an iterator of ``(number, segment)``."""
    head = handle.read(BLOCK)
    head = head.removeprefix("\ufeff").lstrip()
    while len(head) < ISA_LENGTH:
        more = handle.read(BLOCK)
        if not more:
            break
        head += more
    delimiters = read_isa(head, display)
    return delimiters, _segments(handle, head, delimiters.segment)


def _segments(handle: TextIO, buffer: str, terminator: str) -> Iterator[tuple[int, str]]:
    """Split the text into segments block by block, numbering them from 1."""
    number = 0
    while True:
        parts = buffer.split(terminator)
        buffer = parts.pop()
        for part in parts:
            text = part.strip()
            if text:
                number += 1
                yield number, text
        block = handle.read(BLOCK)
        if not block:
            break
        buffer += block
    text = buffer.strip()
    if text:
        yield number + 1, text


def _date(value: str) -> str | None:
    """``20260315`` -> ``2026-03-15`` (calendar validity is left to the models)."""
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return None


def _decimal_text(value: str) -> str:
    """``2.0`` / ``2.`` -> ``2`` so whole quantities validate as whole numbers."""
    if "." in value:
        whole, _, fraction = value.partition(".")
        if fraction.strip("0") == "":
            return whole or "0"
    return value


class _State:
    """Where the reader is in the envelope and the loops."""

    def __init__(self) -> None:
        self.in_group = False
        self.group_control = ""
        self.group_sets = 0
        self.groups = 0
        self.isa_control = ""
        self.in_set = False
        self.set_control = ""
        self.set_start = 0
        self.billing_npi: str | None = None
        self.billing_entity: str | None = None
        self.member_id: str | None = None
        self.subscriber_dob: str | None = None
        self.filing: str | None = None
        self.payer_id: str | None = None
        self.subscriber_seen = False
        self.in_patient = False
        self.patient_dob: str | None = None
        self.loop = ""  # the last NM1 entity seen, to place N3/DMG/REF
        self.claim: X12Claim | None = None
        self.line: X12Line | None = None

    def reset_subscriber(self) -> None:
        """Forget the subscriber and patient loops (a new HL*20/HL*22 or ST begins)."""
        self.member_id = self.subscriber_dob = self.filing = self.payer_id = None
        self.subscriber_seen = self.in_patient = False
        self.patient_dob = None


def read_837(path: Path, display: str) -> Iterator[X12Claim | SetEnd]:
    """Yield every claim and transaction-set end of an 837P file, streaming."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError.unreadable(display, exc) from None
    with handle:
        try:
            yield from iter_837(handle, display)
        except UnicodeDecodeError as exc:
            raise InputError(
                display, f"not UTF-8/ASCII text (byte 0x{exc.object[exc.start]:02x})"
            ) from None


def iter_837(handle: TextIO, display: str) -> Iterator[X12Claim | SetEnd]:
    """Yield claims and set ends from an open text handle, reading it block by block."""
    d, segments = open_interchange(handle, display)
    el, comp = d.element, d.component
    s = _State()
    in_interchange = False
    seen_iea = False
    last = 0
    for number, text in segments:
        last = number
        if seen_iea:
            if not text.startswith("ISA"):
                raise InputError(
                    display,
                    f"segment {text[:3]!r} after IEA (outside any interchange)",
                    _where(number),
                )
            if text[3:4] != el:
                raise InputError(
                    display,
                    f"this interchange's ISA declares element separator {text[3:4]!r}, the "
                    f"first declared {el!r} (one file, one set of delimiters)",
                    _where(number),
                )
        elements = text.split(el)
        tag = elements[0]
        if tag == "ISA":
            if in_interchange:
                raise InputError(
                    display,
                    "ISA inside an interchange (the previous IEA is missing)",
                    _where(number),
                )
            if number > 1:
                read_isa(text + d.segment, display)
            in_interchange, seen_iea = True, False
            s.isa_control = elements[13] if len(elements) > 13 else ""
            s.groups = 0
            continue
        if tag == "GS":
            if s.in_group:
                raise InputError(
                    display,
                    "GS inside a functional group (the previous GE is missing)",
                    _where(number),
                )
            if s.in_set:
                yield from _close_set(s, number, "no SE before GS")
            version = elements[8] if len(elements) > 8 else ""
            if elements[1:2] != ["HC"] or version not in SUPPORTED_VERSIONS:
                raise InputError(
                    display,
                    f"unknown version: GS01 {elements[1] if len(elements) > 1 else ''!r} GS08 "
                    f"{version!r} is not an 837P claim group (005010X222A1 or 005010X222A2)",
                    _where(number),
                )
            s.in_group, s.group_control, s.group_sets = True, elements[6], 0
            s.groups += 1
            continue
        if tag == "GE":
            if s.in_set:
                yield from _close_set(s, number, "no SE before GE")
            if not s.in_group:
                raise InputError(display, "GE without GS", _where(number))
            count = elements[1] if len(elements) > 1 else ""
            if count != str(s.group_sets):
                raise InputError(
                    display,
                    f"GE01 says {count} transaction sets, group {s.group_control} has "
                    f"{s.group_sets}",
                    _where(number),
                )
            if elements[2:3] != [s.group_control]:
                raise InputError(
                    display,
                    f"GE02 {elements[2] if len(elements) > 2 else ''!r} does not match GS06 "
                    f"{s.group_control!r}",
                    _where(number),
                )
            s.in_group = False
            continue
        if tag == "IEA":
            if s.in_set:
                yield from _close_set(s, number, "no SE before IEA")
            if s.in_group:
                raise InputError(
                    display, "IEA before GE (the functional group is not closed)", _where(number)
                )
            count = elements[1] if len(elements) > 1 else ""
            if count != str(s.groups):
                raise InputError(
                    display,
                    f"IEA01 says {count} functional groups, found {s.groups}",
                    _where(number),
                )
            if elements[2:3] != [s.isa_control]:
                raise InputError(
                    display,
                    f"IEA02 {elements[2] if len(elements) > 2 else ''!r} does not match ISA13 "
                    f"{s.isa_control!r}",
                    _where(number),
                )
            in_interchange, seen_iea = False, True
            continue
        if tag == "ST":
            if not s.in_group:
                raise InputError(display, "ST outside a functional group (GS)", _where(number))
            if s.in_set:
                yield from _close_set(s, number, "no SE before the next ST")
            if elements[1:2] != ["837"]:
                raise InputError(
                    display,
                    f"ST01 {elements[1] if len(elements) > 1 else ''!r} is not an 837 claim",
                    _where(number),
                )
            control = elements[2] if len(elements) > 2 else ""  # a missing ST02 is checked at SE
            s.in_set, s.set_control, s.set_start = True, control, number
            s.group_sets += 1
            s.billing_npi = s.billing_entity = None
            s.reset_subscriber()
            continue
        if not s.in_set:
            raise InputError(
                display, f"segment {tag!r} outside a transaction set (ST/SE)", _where(number)
            )
        if tag == "SE":
            yield from _close_set(s, number, None, elements)
            continue
        # ---------------------------------------------------------------- inside ST/SE
        if tag == "HL":
            if s.claim is not None:
                yield _finish_claim(s)
            level = elements[3] if len(elements) > 3 else ""
            if level == "20":
                s.billing_npi = s.billing_entity = None
                s.reset_subscriber()
            elif level == "22":
                s.reset_subscriber()
                s.subscriber_seen = True
            elif level == "23":
                s.in_patient, s.patient_dob = True, None
            s.loop = ""
            continue
        claim = s.claim
        if tag == "CLM":
            if s.claim is not None:
                yield _finish_claim(s)
            s.claim = _start_claim(s, elements, number, comp)
            continue
        if tag == "NM1":
            entity = elements[1] if len(elements) > 1 else ""
            s.loop = entity
            npi_or_id = elements[9].strip() if len(elements) > 9 else None
            if entity == "85":
                s.billing_npi = npi_or_id
                s.billing_entity = elements[2] if len(elements) > 2 else None
            elif entity == "IL":
                s.member_id = npi_or_id
            elif entity == "PR":
                s.payer_id = npi_or_id
            elif entity == "82" and claim is not None:
                if s.line is not None:
                    s.line.rendering_npi = npi_or_id
                else:
                    claim.rendering_npi = npi_or_id
            continue
        if tag == "SBR":
            s.filing = elements[9] if len(elements) > 9 else None
            continue
        if tag == "DMG":
            dob = elements[2] if len(elements) > 2 else None
            if s.loop == "IL":
                s.subscriber_dob = dob
            elif s.loop == "QC":
                s.patient_dob = dob
            continue
        if claim is None:
            continue
        claim.last_segment = number
        if tag == "LX":
            line = X12Line(number=elements[1] if len(elements) > 1 else "", segment=number)
            claim.lines.append(line)
            s.line = line
        elif tag == "SV1":
            if s.line is None:
                claim.problems.append(
                    ("SV1", f"SV1 at segment {number} outside a service line (LX)")
                )
                continue
            _read_sv1(s.line, elements, comp)
        elif tag == "DTP":
            if s.line is not None and elements[1:2] == ["472"]:
                _read_dos(s.line, elements)
        elif tag == "HI":
            for item in elements[1:]:
                qualifier, _, code = item.partition(comp)
                if qualifier in ("ABK", "ABF"):
                    claim.diagnoses.append(code.partition(comp)[0])
                elif qualifier in ("BK", "BF"):
                    claim.problems.append(
                        (
                            "diagnoses",
                            f"HI qualifier {qualifier} is ICD-9; only ICD-10-CM (ABK/ABF) is read",
                        )
                    )
    if s.claim is not None:
        yield _finish_claim(s)
    if not seen_iea:
        inside = f", inside transaction set {s.set_control}" if s.in_set else ""
        raise InputError(
            display,
            f"truncated interchange: the file ends without IEA (last segment {last}{inside})",
            _where(last),
        )


def _start_claim(s: _State, elements: list[str], number: int, comp: str) -> X12Claim:
    claim = X12Claim(
        claim_id=elements[1].strip() if len(elements) > 1 else "",
        segment=number,
        set_control=s.set_control,
        billing_npi=s.billing_npi,
        billing_entity=s.billing_entity,
        member_id=s.member_id,
        subscriber_dob=s.subscriber_dob,
        patient_in_2000c=s.in_patient,
        subscriber_seen=s.subscriber_seen,
        patient_dob=s.patient_dob if s.in_patient else s.subscriber_dob,
        filing_indicator=s.filing,
        payer_id=s.payer_id,
        last_segment=number,
    )
    if len(elements) > 5:
        facility = elements[5].split(comp)
        claim.place_of_service = facility[0] or None
        claim.frequency = facility[2] if len(facility) > 2 else None
    if not s.subscriber_seen:
        claim.problems.append(("CLM", "CLM before any subscriber loop (HL*22)"))
    return claim


def _read_sv1(line: X12Line, elements: list[str], comp: str) -> None:
    procedure = elements[1].split(comp) if len(elements) > 1 else [""]
    line.qualifier = procedure[0]
    line.code = procedure[1] if len(procedure) > 1 else None
    line.modifiers = [m for m in procedure[2:6] if m]
    line.charge = elements[2] if len(elements) > 2 else None
    line.unit_basis = elements[3] if len(elements) > 3 else None
    line.units = _decimal_text(elements[4]) if len(elements) > 4 and elements[4] else None
    line.place_of_service = elements[5] if len(elements) > 5 and elements[5] else None
    if len(elements) > 7 and elements[7]:
        line.pointers = [p for p in elements[7].split(comp) if p]


def _read_dos(line: X12Line, elements: list[str]) -> None:
    fmt = elements[2] if len(elements) > 2 else ""
    value = elements[3] if len(elements) > 3 else ""
    if fmt == "D8":
        day = _date(value)
        if day is None:
            line.problems.append(("date_of_service", f"DTP*472 D8 {value!r} is not CCYYMMDD"))
        line.date_from = line.date_to = day
    elif fmt == "RD8":
        start, _, end = value.partition("-")
        first, final = _date(start), _date(end)
        if first is None or final is None:
            line.problems.append(
                ("date_of_service", f"DTP*472 RD8 {value!r} is not CCYYMMDD-CCYYMMDD")
            )
        line.date_from, line.date_to = first, final
    else:
        line.problems.append(("date_of_service", f"DTP*472 date format {fmt!r} (D8 or RD8)"))


def _finish_claim(s: _State) -> X12Claim:
    """Close the claim being read and hand it out."""
    claim = s.claim
    assert claim is not None
    s.claim = None
    s.line = None
    return claim


def _close_set(
    s: _State, number: int, missing: str | None, elements: list[str] | None = None
) -> Iterator[X12Claim | SetEnd]:
    if s.claim is not None:
        yield _finish_claim(s)
    error = None
    if missing is not None:
        error = f"transaction set {s.set_control} (segment {s.set_start}) has {missing}"
    elif elements is not None:
        counted = number - s.set_start + 1
        stated = elements[1] if len(elements) > 1 else ""
        if stated != str(counted):
            error = (
                f"SE01 says {stated or 'nothing'} segments but transaction set {s.set_control} "
                f"has {counted} (segment {number})"
            )
        elif elements[2:3] != [s.set_control]:
            error = (
                f"SE02 {elements[2] if len(elements) > 2 else ''!r} does not match ST02 "
                f"{s.set_control!r} (segment {number})"
            )
    s.in_set = False
    yield SetEnd(control=s.set_control, segment=number, error=error)
