"""The sampling frame: every unit of the universe, numbered, with its examined amount.

Why a file with a digest: an extrapolation is only as good as the proof that the sample was
drawn from the universe claimed (rulebook §11.2). The frame is written once, its SHA-256 is
written beside it, and every sample records that digest, so a replay fails loudly if a single
byte of the frame changed.

Units (rulebook §11.2; the patient-month is the default for BHI/CoCM, a monthly service):

- ``patient-month``: a patient's billed lines of the universe's codes in one calendar month;
- ``claim``: one claim's lines of those codes;
- ``line``: one claim line.

The examined amount is what was paid when the input says so (a claim line's ``paid_amount``,
from a remittance: ``basis`` = ``paid``), otherwise the national non-facility allowed amount
for the year of service (``allowed``) — what Medicare would have paid before cost sharing
(rulebook §11.4). A unit mixing both is ``mixed``. A unit with a line that has neither a paid
amount nor a national rate is ``unpriced`` and its amount counts only its priced lines: the
frame says so rather than guessing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from bhi_audit.bundle import Bundle
from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.errors import BhiAuditError, InputError
from bhi_audit.models import Claim, ClaimLine
from bhi_audit.policy import line_price

UnitKind = Literal["patient-month", "claim", "line"]
UNIT_KINDS: tuple[UnitKind, ...] = ("patient-month", "claim", "line")
UNIT_KIND_OF: dict[str, UnitKind] = {kind: kind for kind in UNIT_KINDS}
#: The codes of a BHI/CoCM audit's universe by default (rulebook §1.1-§1.9).
BHI_CODES = GENERAL_BHI | COCM_ALL
COLUMNS = ("number", "unit", "patient_id", "month", "claims", "codes", "examined", "basis")
Basis = Literal["paid", "allowed", "mixed", "unpriced"]
BASES: dict[str, Basis] = {b: b for b in ("paid", "allowed", "mixed", "unpriced")}
ZERO = Decimal("0.00")


class FrameError(BhiAuditError):
    """The universe cannot be framed honestly (rejected claims, nothing to frame)."""


@dataclass(frozen=True)
class FrameUnit:
    """One numbered unit of the universe."""

    number: int
    unit: str
    patient_id: str
    month: str
    claims: tuple[str, ...]
    codes: tuple[str, ...]
    examined: Decimal
    basis: Basis


@dataclass(frozen=True)
class Frame:
    """The numbered universe and the kind of unit it counts."""

    unit_kind: UnitKind
    units: tuple[FrameUnit, ...]

    @property
    def total_examined(self) -> Decimal:
        """The universe's examined amount."""
        return sum((u.examined for u in self.units), ZERO)


@dataclass
class _Gathering:
    patient_id: str
    months: set[str]
    claims: set[str]
    codes: list[str]
    amount: Decimal = ZERO
    bases: set[str] | None = None


def build_frame(
    bundle: Bundle, unit_kind: UnitKind = "patient-month", codes: Iterable[str] | None = None
) -> Frame:
    """Number every unit of ``bundle``'s claims whose lines bill one of ``codes``.

    A bundle with rejected claims or claim lines cannot be framed: the universe would silently
    lack them, and every estimate drawn from it would be understated.
    """
    rejected = [r for r in bundle.rejected if r.kind in (Claim.KIND, ClaimLine.KIND)]
    if rejected:
        first = rejected[0]
        raise FrameError(
            f"{first.location}: {len(rejected)} claim record(s) were rejected; a frame must "
            "hold the whole universe: fix or remove them first (bhi-audit check lists them)"
        )
    wanted = frozenset(codes) if codes is not None else BHI_CODES
    claims = {claim.claim_id: claim for claim in bundle.of(Claim)}
    groups: dict[tuple[str, ...], _Gathering] = {}
    for line in sorted(bundle.of(ClaimLine), key=lambda ln: (ln.claim_id, ln.line_number)):
        if line.code not in wanted or line.claim_id not in claims:
            continue
        patient_id = claims[line.claim_id].patient_id
        month = line.date_of_service.strftime("%Y-%m")
        key = _unit_key(unit_kind, patient_id, month, line)
        group = groups.setdefault(key, _Gathering(patient_id, set(), set(), []))
        group.months.add(month)
        group.claims.add(line.claim_id)
        group.codes.extend([line.code] * line.units)
        amount, basis = line_examined(line)
        group.bases = (group.bases or set()) | {basis}
        group.amount += amount or ZERO
    if not groups:
        raise FrameError("no claim line bills a code of the universe: nothing to frame")
    units = tuple(
        FrameUnit(
            number=number,
            unit=" ".join(key),
            patient_id=group.patient_id,
            month=";".join(sorted(group.months)),
            claims=tuple(sorted(group.claims)),
            codes=tuple(sorted(group.codes)),
            examined=group.amount,
            basis=unit_basis(group.bases or set()),
        )
        for number, (key, group) in enumerate(sorted(groups.items()), start=1)
    )
    return Frame(unit_kind=unit_kind, units=units)


def line_examined(line: ClaimLine) -> tuple[Decimal | None, Basis]:
    """A line's examined amount and where it came from (None: neither paid nor priced)."""
    if line.paid_amount is not None:
        return line.paid_amount, "paid"
    price = line_price(line.code, line.date_of_service, line.units)
    return price, "allowed" if price is not None else "unpriced"


def unit_basis(bases: set[str]) -> Basis:
    """A unit's basis from its lines': unpriced wins, then paid, allowed or mixed."""
    if "unpriced" in bases:
        return "unpriced"
    if bases == {"paid"}:
        return "paid"
    return "allowed" if bases == {"allowed"} else "mixed"


def _unit_key(unit_kind: UnitKind, patient_id: str, month: str, line: ClaimLine) -> tuple[str, ...]:
    if unit_kind == "patient-month":
        return (patient_id, month)
    if unit_kind == "claim":
        return (line.claim_id,)
    return (f"{line.claim_id}#{line.line_number}",)


def frame_csv(frame: Frame) -> str:
    """The frame as CSV text (one header line, one row per unit, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS[:1], f"unit:{frame.unit_kind}", *COLUMNS[2:]))
    for unit in frame.units:
        writer.writerow(
            (
                unit.number,
                unit.unit,
                unit.patient_id,
                unit.month,
                ";".join(unit.claims),
                ";".join(unit.codes),
                f"{unit.examined:.2f}",
                unit.basis,
            )
        )
    return out.getvalue()


def digest(text: str) -> str:
    """The SHA-256 of a frame's bytes (UTF-8), as hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest_line(text: str, name: str) -> str:
    """A ``sha256sum``-style line, so ``sha256sum -c FRAME.sha256`` checks the frame."""
    return f"{digest(text)}  {name}\n"


def read_frame(path: Path) -> tuple[Frame, str]:
    """A frame file parsed back, with its digest; every problem names the row and field."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read frame ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "frame is not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InputError(str(path), "empty frame file")
    header = rows[0]
    unit_kind = _unit_kind_of(header, str(path))
    units = [_frame_unit(row, str(path), number) for number, row in enumerate(rows[1:], start=2)]
    for expected, unit in enumerate(units, start=1):
        if unit.number != expected:
            raise InputError(
                str(path),
                f"frame numbers must run 1, 2, 3 ...; got {unit.number}",
                row=expected + 1,
                field="number",
            )
    return Frame(unit_kind=unit_kind, units=tuple(units)), digest(text)


def _unit_kind_of(header: Sequence[str], where: str) -> UnitKind:
    kinds = {f"unit:{kind}": kind for kind in UNIT_KINDS}  # the header names the unit
    if len(header) != len(COLUMNS) or header[0] != "number" or header[1] not in kinds:
        raise InputError(where, "not a bhi-audit frame (header differs)", row=1)
    if list(header[2:]) != list(COLUMNS[2:]):
        raise InputError(where, "not a bhi-audit frame (header differs)", row=1)
    return kinds[header[1]]


def _frame_unit(row: Sequence[str], where: str, line: int) -> FrameUnit:
    if len(row) != len(COLUMNS):
        raise InputError(where, f"expected {len(COLUMNS)} columns, got {len(row)}", row=line)
    number, unit, patient_id, month, claims, codes, examined, basis = row
    if not number.isdigit():
        raise InputError(where, "not a whole number", row=line, field="number")
    try:
        amount = Decimal(examined)
    except InvalidOperation:
        raise InputError(where, "not an amount", row=line, field="examined") from None
    if not amount.is_finite() or amount < 0:
        raise InputError(where, "not an amount", row=line, field="examined")
    if basis not in BASES:
        raise InputError(where, f"basis must be one of {', '.join(BASES)}", row=line, field="basis")
    return FrameUnit(
        number=int(number),
        unit=unit,
        patient_id=patient_id,
        month=month,
        claims=tuple(c for c in claims.split(";") if c),
        codes=tuple(c for c in codes.split(";") if c),
        examined=amount,
        basis=BASES[basis],
    )
