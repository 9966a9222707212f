"""Policy packs: CMS files the user imports, reduced to what bhi-audit needs (docs/policy-data.md).

Why packs: CMS publishes the physician fee schedule's relative value file (``rvu``) every year
and quarter, and the NCCI tables (``mue-practitioner``, ``ptp-practitioner``, ``aoc``) every
quarter; a billing team must be able to use a new release the day it appears, without a new
bhi-audit release, and the NCCI tables may not ship with bhi-audit (they carry licensed CPT
codes). ``bhi-audit policy import`` validates the file CMS publishes against its documented
layout, keeps only the codes bhi-audit audits, and writes a small TOML pack into a folder the
*trusted* configuration names (``policy-dirs``); the audited data never supplies policy.

Why TOML and not Parquet: a pack holds a few dozen codes. TOML is what the built-in
``cyYYYY.toml`` files already use, is read by the standard library, and gives a reviewable diff
when the pack is committed to the project; Parquet would add a dependency for no gain at this size.
Each pack records the source file's name, date and SHA-256, so a report can say which release
priced a line and anyone can check it against the download.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from bhi_audit.errors import InputError

#: The version of the pack format written by this module; a newer pack is refused.
PACK_FORMAT = 1

#: The PPRRVU columns bhi-audit reads, as the two header rows read together (docs/policy-data.md).
HCPCS = "HCPCS"
MOD = "MOD"
STATUS = "STATUS CODE"
NON_FACILITY = "NON-FACILITY TOTAL"
FACILITY = "FACILITY TOTAL"
CONV_FACTOR = "CONV FACTOR"
RVU_COLUMNS = (HCPCS, MOD, STATUS, NON_FACILITY, FACILITY, CONV_FACTOR)


class PackSource(BaseModel):
    """The CMS file a pack was built from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    date: date
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: str = ""


class _Pack(BaseModel):
    """What every pack records: its kind, the year it governs, and its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = Field(ge=1, le=PACK_FORMAT)
    kind: str
    year: int = Field(ge=2000, le=2100)
    quarter: int | None = Field(default=None, ge=1, le=4)
    source: PackSource

    @property
    def name(self) -> str:
        """``rvu-cy2027`` or ``rvu-cy2027-q2``: the pack's file stem and its name in reports."""
        quarter = f"-q{self.quarter}" if self.quarter else ""
        return f"{self.kind}-cy{self.year}{quarter}"

    @property
    def label(self) -> str:
        """How a finding or report names the pack: name, source file and digest prefix."""
        return f"policy pack {self.name} ({self.source.file}, sha256 {self.source.sha256[:12]})"


class RatePack(_Pack):
    """One year's national RVUs and conversion factor from a PPRRVU file."""

    kind: Literal["rvu"]
    conversion_factor: Decimal = Field(gt=0)
    #: code -> [non-facility total RVU, facility total RVU]
    rvu: dict[str, list[Decimal]]


class MueEdit(BaseModel):
    """One practitioner MUE: the most units, and how they are counted (MAI 1, 2 or 3)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: int = Field(ge=0)
    mai: int = Field(ge=1, le=3)
    rationale: str = ""


class MuePack(_Pack):
    """The practitioner MUE table's rows for the codes bhi-audit audits."""

    kind: Literal["mue-practitioner"]
    mue: dict[str, MueEdit]


class PtpEdit(BaseModel):
    """One practitioner PTP edit: column 2 is denied beside column 1 on one date of service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column1: str
    column2: str
    effective: date
    #: the first date of service the edit no longer applies (CMS "Deletion Date"); None: none
    deleted: date | None = None
    #: 0 = no modifier bypasses it, 1 = an NCCI-associated modifier may, 9 = not applicable
    modifier: Literal[0, 1, 9]
    rationale: str = ""

    def in_force(self, day: date) -> bool:
        """Whether the edit applies to a date of service."""
        return self.effective <= day and (self.deleted is None or day < self.deleted)


class PtpPack(_Pack):
    """The practitioner PTP pairs among the codes bhi-audit audits (rulebook §4.11)."""

    kind: Literal["ptp-practitioner"]
    #: CMS splits the practitioner table over several files; the further ones are listed here
    also: list[PackSource] = Field(default_factory=list)
    edits: list[PtpEdit]


class AocEdit(BaseModel):
    """One add-on code edit: the add-on is paid only beside one of its primary codes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    addon: str
    #: the primary code; None for CMS's ``CCCCC`` (no primary defined: contractor-defined)
    primary: str | None = None
    #: 1 = the listed primaries only; 2 = none defined; 3 = some defined, others allowed
    type: Literal[1, 2, 3]
    effective: date | None = None
    deleted: date | None = None

    def in_force(self, day: date) -> bool:
        """Whether the edit applies to a date of service."""
        return (self.effective is None or self.effective <= day) and (
            self.deleted is None or day < self.deleted
        )


class AocPack(_Pack):
    """The add-on code edits whose add-on bhi-audit audits (rulebook §4.12)."""

    kind: Literal["aoc"]
    edits: list[AocEdit]


Pack = Annotated[RatePack | MuePack | PtpPack | AocPack, Field(discriminator="kind")]
AnyPack = RatePack | MuePack | PtpPack | AocPack
_PACK: TypeAdapter[AnyPack] = TypeAdapter(Pack)
KINDS = ("rvu", "mue-practitioner", "ptp-practitioner", "aoc")


class LoadedPack(BaseModel):
    """A pack and the file it was read from (for ``bhi-audit policy list``)."""

    model_config = ConfigDict(frozen=True)

    path: str
    pack: AnyPack


def pack_size(pack: AnyPack) -> str:
    """What a pack holds, for ``policy import`` and ``policy list``: ``32 codes``, ``4 pairs``."""
    if isinstance(pack, RatePack):
        return f"{len(pack.rvu)} codes"
    if isinstance(pack, MuePack):
        return f"{len(pack.mue)} codes"
    return f"{len(pack.edits)} pairs"  # PTP: column 1/2 pairs; AOC: add-on/primary pairs


# --------------------------------------------------------------------------- import


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # CMS files are Windows-encoded


def _header(path: Path, rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The row index of the last header row and each needed column's position.

    The PPRRVU header is split over rows: ``STATUS`` above ``CODE``, ``NON-FACILITY`` above
    ``TOTAL``, ``CONV`` above ``FACTOR``. The last header row starts with ``HCPCS``; each column
    is named by the row above and that row read together, so a column added by CMS (as the
    pricing indicator was) moves the others without breaking the import.
    """
    for index, row in enumerate(rows):
        if row and row[0].strip().upper() == HCPCS:
            above = rows[index - 1] if index > 0 else []
            names: dict[str, int] = {}
            for col, cell in enumerate(row):
                top = above[col].strip() if col < len(above) else ""
                name = " ".join(part for part in (top, cell.strip()) if part).upper()
                names.setdefault(name, col)
            missing = [c for c in RVU_COLUMNS if c not in names]
            if missing:
                raise InputError(
                    str(path),
                    f"not the PPRRVU layout: no {', '.join(missing)} column(s) in the header",
                    row=index + 1,
                    field=missing[0],
                )
            return index, names
    raise InputError(
        str(path), "not the PPRRVU layout: no header row starting with HCPCS", field=HCPCS
    )


def _decimal(path: Path, row: int, column: str, value: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        raise InputError(
            str(path), f"{value.strip()!r} is not a non-negative number", row=row, field=column
        )
    return number


def parse_pprrvu(path: Path, codes: Iterable[str]) -> tuple[Decimal, dict[str, list[Decimal]]]:
    """The conversion factor and ``code -> [non-facility, facility]`` RVUs of ``codes``.

    Only rows without a modifier are kept (a professional/technical component row is not the
    national amount of a care-management code). Every row must have the header's width and one
    conversion factor must hold for the whole file; a row that breaks the layout is an
    ``InputError`` naming ``file:row: column``.
    """
    wanted = set(codes)
    rows = list(csv.reader(io.StringIO(_read_text(path))))
    start, col = _header(path, rows)
    width = len(rows[start])
    factors: set[Decimal] = set()
    rvu: dict[str, list[Decimal]] = {}
    for index in range(start + 1, len(rows)):
        row = rows[index]
        number = index + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < width:
            raise InputError(
                str(path), f"{len(row)} columns, the header has {width}", row=number, field=HCPCS
            )
        code = row[col[HCPCS]].strip().upper()
        if not code or len(code) != 5 or not code.isalnum():
            raise InputError(str(path), f"{code!r} is not a HCPCS code", row=number, field=HCPCS)
        factors.add(_decimal(path, number, CONV_FACTOR, row[col[CONV_FACTOR]]))
        if code not in wanted or row[col[MOD]].strip():
            continue
        if code in rvu:
            raise InputError(str(path), f"{code} listed twice", row=number, field=HCPCS)
        rvu[code] = [
            _decimal(path, number, NON_FACILITY, row[col[NON_FACILITY]]),
            _decimal(path, number, FACILITY, row[col[FACILITY]]),
        ]
    if not factors:
        raise InputError(str(path), "no data rows after the header", row=start + 1, field=HCPCS)
    if len(factors) > 1:
        values = ", ".join(str(f) for f in sorted(factors))
        raise InputError(
            str(path), f"more than one conversion factor ({values})", field=CONV_FACTOR
        )
    return factors.pop(), dict(sorted(rvu.items()))


def _title(path: Path) -> str:
    """The release title CMS puts above the header (``2027 National ... January Release``)."""
    for row in csv.reader(io.StringIO(_read_text(path))):
        if row and row[0].strip().upper() in (HCPCS, MUE_CODE.upper()):
            break
        text = " ".join(cell.strip() for cell in row if cell.strip())
        if "RELEASE" in text.upper():
            return text
    return ""


def import_rvu(path: Path, year: int, quarter: int | None, codes: Iterable[str]) -> RatePack:
    """A rate pack from a PPRRVU CSV (the file inside CMS's RVU zip)."""
    factor, rvu = parse_pprrvu(path, codes)
    if not rvu:
        raise InputError(
            str(path), "none of the codes bhi-audit prices is in the file", field=HCPCS
        )
    source = _source(path)
    return RatePack(
        format=PACK_FORMAT,
        kind="rvu",
        year=year,
        quarter=quarter,
        source=source,
        conversion_factor=factor,
        rvu=rvu,
    )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _source_lines(source: PackSource) -> list[str]:
    return [
        f"file = {_quote(source.file)}",
        f"date = {source.date.isoformat()}",
        f"sha256 = {_quote(source.sha256)}",
        f"title = {_quote(source.title)}",
    ]


def pack_toml(pack: AnyPack) -> str:
    """The pack as TOML, byte-identical for the same input (sorted codes, no timestamps)."""
    lines = [
        f"# bhi-audit policy pack {pack.name}: written by `bhi-audit policy import`; do not edit.",
        f"format = {pack.format}",
        f"kind = {_quote(pack.kind)}",
        f"year = {pack.year}",
    ]
    if pack.quarter is not None:
        lines.append(f"quarter = {pack.quarter}")
    if isinstance(pack, RatePack):
        lines.append(f"conversion_factor = {_quote(str(pack.conversion_factor))}")
    if isinstance(pack, AocPack):
        lines += ["# addon, primary (omitted: none defined), AOC edit type, dates", "edits = ["]
        for a in pack.edits:
            parts = [f"addon = {_quote(a.addon)}"]
            parts += [f"primary = {_quote(a.primary)}"] if a.primary else []
            parts.append(f"type = {a.type}")
            parts += [f"effective = {a.effective.isoformat()}"] if a.effective else []
            parts += [f"deleted = {a.deleted.isoformat()}"] if a.deleted else []
            lines.append("  {" + ", ".join(parts) + "},")
        lines.append("]")
    if isinstance(pack, PtpPack):  # top-level keys come before the first table
        lines += [
            "# column1, column2, effective, deleted, modifier indicator (0, 1, 9)",
            "edits = [",
        ]
        for e in pack.edits:
            deleted = f", deleted = {e.deleted.isoformat()}" if e.deleted else ""
            lines.append(
                f"  {{column1 = {_quote(e.column1)}, column2 = {_quote(e.column2)}, "
                f"effective = {e.effective.isoformat()}{deleted}, modifier = {e.modifier}, "
                f"rationale = {_quote(e.rationale)}}},"
            )
        lines.append("]")
    lines += ["", "[source]", *_source_lines(pack.source), ""]
    if isinstance(pack, PtpPack):
        for more in pack.also:
            lines += ["[[also]]", *_source_lines(more), ""]
    elif isinstance(pack, AocPack):
        pass
    elif isinstance(pack, RatePack):
        lines += ["# code = [non-facility total RVU, facility total RVU]", "[rvu]"]
        lines += [f"{c} = [{_quote(str(a))}, {_quote(str(b))}]" for c, (a, b) in pack.rvu.items()]
    else:
        lines += ["# code = {value = most units, mai = MUE adjudication indicator}", "[mue]"]
        lines += [
            f"{c} = {{value = {e.value}, mai = {e.mai}, rationale = {_quote(e.rationale)}}}"
            for c, e in pack.mue.items()
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- MUE

MUE_CODE = "HCPCS/CPT Code"
MUE_VALUE = "Practitioner Services MUE Values"
MUE_MAI = "MUE Adjudication Indicator"
MUE_RATIONALE = "MUE Rationale"


def _named_header(
    path: Path, rows: list[list[str]], first: str, needed: Sequence[str]
) -> tuple[int, dict[str, int]]:
    """The header row (the first with a cell ``first``) and its columns by name."""
    for index, row in enumerate(rows):
        names = {" ".join(cell.split()).lower(): col for col, cell in enumerate(row)}
        if first.lower() in names:
            missing = [c for c in needed if c.lower() not in names]
            if missing:
                raise InputError(
                    str(path),
                    f"not the CMS layout: no {', '.join(missing)} column(s) in the header",
                    row=index + 1,
                    field=missing[0],
                )
            return index, {c: names[c.lower()] for c in needed}
    raise InputError(
        str(path), f"not the CMS layout: no header row starting with {first}", field=first
    )


def parse_mue(path: Path, codes: Iterable[str]) -> dict[str, MueEdit]:
    """``code -> MueEdit`` of ``codes`` from the practitioner MUE CSV (see docs/policy-data.md).

    The MAI cell reads ``2 Date of Service Edit: Policy``: its leading digit is the indicator.
    """
    wanted = set(codes)
    rows = list(csv.reader(io.StringIO(_read_text(path))))
    start, col = _named_header(path, rows, MUE_CODE, (MUE_CODE, MUE_VALUE, MUE_MAI))
    rationale = next(
        (i for i, c in enumerate(rows[start]) if c.strip().lower() == MUE_RATIONALE.lower()), None
    )
    edits: dict[str, MueEdit] = {}
    for index in range(start + 1, len(rows)):
        row, number = rows[index], index + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(col.values()):
            raise InputError(
                str(path), f"{len(row)} columns, the header has more", row=number, field=MUE_CODE
            )
        code = row[col[MUE_CODE]].strip().upper()
        if len(code) != 5 or not code.isalnum():
            raise InputError(str(path), f"{code!r} is not a HCPCS code", row=number, field=MUE_CODE)
        value = row[col[MUE_VALUE]].strip()
        if not value.isdigit():
            raise InputError(
                str(path), f"{value!r} is not a whole number of units", row=number, field=MUE_VALUE
            )
        mai = row[col[MUE_MAI]].strip()
        if mai[:1] not in ("1", "2", "3"):
            raise InputError(
                str(path), f"{mai!r} does not start with 1, 2 or 3", row=number, field=MUE_MAI
            )
        if code not in wanted:
            continue
        if code in edits:
            raise InputError(str(path), f"{code} listed twice", row=number, field=MUE_CODE)
        why = row[rationale].strip() if rationale is not None and rationale < len(row) else ""
        edits[code] = MueEdit(value=int(value), mai=int(mai[0]), rationale=why)
    if not edits:
        raise InputError(
            str(path), "none of the codes bhi-audit audits is in the file", field=MUE_CODE
        )
    return dict(sorted(edits.items()))


def _source(path: Path) -> PackSource:
    return PackSource(
        file=path.name,
        date=datetime.fromtimestamp(path.stat().st_mtime, UTC).date(),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        title=_title(path),
    )


def import_mue(path: Path, year: int, quarter: int | None, codes: Iterable[str]) -> MuePack:
    """An MUE pack from the practitioner MUE CSV."""
    edits = parse_mue(path, codes)
    return MuePack(
        format=PACK_FORMAT,
        kind="mue-practitioner",
        year=year,
        quarter=quarter,
        source=_source(path),
        mue=edits,
    )


def ncci_codes() -> frozenset[str]:
    """The codes whose NCCI edits bhi-audit keeps: the priced codes, the monthly base codes,
    99494, psychotherapy 90785-90899 and office visits 99202-99215 (rulebook §4.11)."""
    from bhi_audit.codes import COCM_ADDON, MONTHLY_ONCE

    return frozenset(
        {
            *priced_codes(),
            *MONTHLY_ONCE,
            COCM_ADDON,
            *(str(n) for n in range(90785, 90900)),
            *(str(n) for n in range(99202, 99216)),
        }
    )


def import_pack(kind: str, paths: Sequence[Path], year: int, quarter: int | None) -> AnyPack:
    """Import the CMS file(s) of ``kind`` (one of ``KINDS``); only PTP takes several files."""
    if kind != "ptp-practitioner" and len(paths) != 1:
        raise InputError(kind, f"give exactly one file ({len(paths)} given)")
    if kind == "rvu":
        return import_rvu(paths[0], year, quarter, priced_codes())
    if kind == "mue-practitioner":
        return import_mue(paths[0], year, quarter, ncci_codes())
    if kind == "aoc":
        return import_aoc(paths[0], year, quarter, ncci_codes())
    return import_ptp(paths, year, quarter, ncci_codes())


# --------------------------------------------------------------------------- AOC

AOC_COLUMNS = ("Add-on Code", "Primary Code", "AOC Edit Type")
AOC_EFFECTIVE = "AOC Edit Eff Dt"
AOC_DELETED = "AOC Edit Del Dt"
NO_PRIMARY = "CCCCC"


def _aoc_date(path: Path, row: int, column: str, value: str) -> date | None:
    if value in ("", "*"):
        return None
    for pattern in ("%Y%m%d", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise InputError(str(path), f"{value!r} is not a date", row=row, field=column)


def parse_aoc(path: Path, codes: frozenset[str]) -> list[AocEdit]:
    """The edits whose add-on is in ``codes``, from a CSV export of CMS's AOC spreadsheet."""
    rows = list(csv.reader(io.StringIO(_read_text(path))))
    start, col = _named_header(path, rows, AOC_COLUMNS[0], AOC_COLUMNS)
    names = {" ".join(c.split()).lower(): i for i, c in enumerate(rows[start])}
    eff, gone = names.get(AOC_EFFECTIVE.lower()), names.get(AOC_DELETED.lower())
    edits: list[AocEdit] = []
    for index in range(start + 1, len(rows)):
        row, number = rows[index], index + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(col.values()):
            raise InputError(
                str(path),
                f"{len(row)} columns, the header has more",
                row=number,
                field="Add-on Code",
            )
        addon = row[col["Add-on Code"]].strip().upper()
        primary = row[col["Primary Code"]].strip().upper()
        for name, code in (("Add-on Code", addon), ("Primary Code", primary)):
            if len(code) != 5 or not code.isalnum():
                raise InputError(str(path), f"{code!r} is not a HCPCS code", row=number, field=name)
        kind = row[col["AOC Edit Type"]].strip()
        if kind not in ("1", "2", "3"):
            raise InputError(
                str(path), f"{kind!r} is not 1, 2 or 3", row=number, field="AOC Edit Type"
            )
        if addon not in codes:
            continue
        edits.append(
            AocEdit(
                addon=addon,
                primary=None if primary == NO_PRIMARY else primary,
                type=int(kind),  # type: ignore[arg-type]
                effective=_aoc_date(path, number, AOC_EFFECTIVE, row[eff].strip())
                if eff is not None and eff < len(row)
                else None,
                deleted=_aoc_date(path, number, AOC_DELETED, row[gone].strip())
                if gone is not None and gone < len(row)
                else None,
            )
        )
    edits.sort(key=lambda e: (e.addon, e.primary or "", e.effective or date.min))
    return edits


def import_aoc(path: Path, year: int, quarter: int | None, codes: frozenset[str]) -> AocPack:
    """An AOC pack from a CSV export of CMS's add-on code edit file."""
    return AocPack(
        format=PACK_FORMAT,
        kind="aoc",
        year=year,
        quarter=quarter,
        source=_source(path),
        edits=parse_aoc(path, codes),
    )


# --------------------------------------------------------------------------- PTP

#: The NCCI PTP-associated modifiers: with one of them on either line, an edit whose modifier
#: indicator is 1 does not apply (CMS, *NCCI Policy Manual for Medicare Services*, chapter I,
#: section E; CMS MLN *How to Use the Medicare NCCI Tools*). Anatomic (E1-E4, FA, F1-F9, LC,
#: LD, LM, LT, RC, RI, RT, TA, T1-T9), global surgery (24, 25, 57, 58, 78, 79) and others
#: (27, 59, 91, XE, XS, XP, XU).
NCCI_MODIFIERS = frozenset(
    {
        *("E1", "E2", "E3", "E4", "FA", "LC", "LD", "LM", "LT", "RC", "RI", "RT", "TA"),
        *(f"F{n}" for n in range(1, 10)),
        *(f"T{n}" for n in range(1, 10)),
        *("24", "25", "27", "57", "58", "59", "78", "79", "91", "XE", "XS", "XP", "XU"),
    }
)

PTP_COLUMNS = ("Column 1", "Column 2", "Effective Date", "Deletion Date", "Modifier")
PTP_RATIONALE = "PTP Edit Rationale"


def _ptp_date(path: Path, row: int, column: str, value: str) -> date:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise InputError(
            str(path), f"{value!r} is not a date (YYYYMMDD)", row=row, field=column
        ) from None


def parse_ptp(path: Path, codes: frozenset[str]) -> list[PtpEdit]:
    """The edits whose two codes are both in ``codes``, from one practitioner PTP file.

    CMS publishes the table as tab-delimited text and as a spreadsheet; a CSV export of the
    spreadsheet is read too (the delimiter is that of the header row). Header cells carry their
    legend (``Deletion Date *=no data``, ``Modifier 0=not allowed 1=allowed 9=not
    applicable``), so a column is found by the start of its name.
    """
    lines = _read_text(path).splitlines()
    header_at = next(
        (i for i, line in enumerate(lines) if line.lower().lstrip('"').startswith("column 1")), None
    )
    if header_at is None:
        raise InputError(
            str(path), "not the CMS layout: no header row starting with Column 1", field="Column 1"
        )
    delimiter = "\t" if "\t" in lines[header_at] else ","
    rows = list(csv.reader(lines[header_at:], delimiter=delimiter))
    header = [" ".join(c.split()).lower() for c in rows[0]]
    col: dict[str, int] = {}
    for name in PTP_COLUMNS:
        found = next((i for i, cell in enumerate(header) if cell.startswith(name.lower())), None)
        if found is None:
            raise InputError(
                str(path),
                f"not the CMS layout: no {name} column in the header",
                row=header_at + 1,
                field=name,
            )
        col[name] = found
    why = next((i for i, c in enumerate(header) if c.startswith(PTP_RATIONALE.lower())), None)
    edits: list[PtpEdit] = []
    for offset, row in enumerate(rows[1:], start=1):
        number = header_at + offset + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(col.values()):
            raise InputError(
                str(path), f"{len(row)} columns, the header has more", row=number, field="Column 1"
            )
        first, second = row[col["Column 1"]].strip(), row[col["Column 2"]].strip()
        for name, code in (("Column 1", first), ("Column 2", second)):
            if len(code) != 5 or not code.isalnum():
                raise InputError(str(path), f"{code!r} is not a HCPCS code", row=number, field=name)
        effective = _ptp_date(path, number, "Effective Date", row[col["Effective Date"]].strip())
        gone = row[col["Deletion Date"]].strip()
        deleted = None if gone in ("", "*") else _ptp_date(path, number, "Deletion Date", gone)
        indicator = row[col["Modifier"]].strip()
        if indicator not in ("0", "1", "9"):
            raise InputError(
                str(path), f"{indicator!r} is not 0, 1 or 9", row=number, field="Modifier"
            )
        if first not in codes or second not in codes:
            continue
        rationale = row[why].strip() if why is not None and why < len(row) else ""
        edits.append(
            PtpEdit(
                column1=first,
                column2=second,
                effective=effective,
                deleted=deleted,
                modifier=int(indicator),  # type: ignore[arg-type]
                rationale=rationale,
            )
        )
    return edits


def import_ptp(
    paths: Sequence[Path], year: int, quarter: int | None, codes: frozenset[str]
) -> PtpPack:
    """A PTP pack from one or more practitioner PTP files (CMS splits the table by code range)."""
    if not paths:
        raise InputError("ptp-practitioner", "give at least one file")
    edits = [e for path in paths for e in parse_ptp(path, codes)]
    edits.sort(key=lambda e: (e.column1, e.column2, e.effective))
    sources = [_source(p) for p in paths]
    return PtpPack(
        format=PACK_FORMAT,
        kind="ptp-practitioner",
        year=year,
        quarter=quarter,
        source=sources[0],
        also=sources[1:],
        edits=edits,
    )


# --------------------------------------------------------------------------- loading


def read_pack(path: Path) -> AnyPack:
    """One pack file, validated (an unusable pack is an ``InputError``, exit 2)."""
    try:
        table = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"not a policy pack: {error}") from None
    try:
        return _PACK.validate_python(table)
    except ValidationError as error:
        first = error.errors()[0]
        loc = first["loc"][1:] if first["loc"][:1] and first["loc"][0] in KINDS else first["loc"]
        field = ".".join(str(p) for p in loc) or "kind"
        raise InputError(str(path), f"not a policy pack: {first['msg']}", field=field) from None


def load_packs(dirs: Sequence[Path]) -> tuple[LoadedPack, ...]:
    """Every ``*.toml`` pack in ``dirs``, in name order; two packs for one year is an error.

    Why one pack per year: a quarterly release replaces the earlier one; keeping both loaded
    would make the price depend on file order. The user deletes the superseded pack.
    """
    loaded: list[LoadedPack] = []
    seen: dict[tuple[str, int], str] = {}
    for directory in dirs:
        if not directory.is_dir():
            raise InputError(str(directory), "policy-dirs: no such directory")
        for path in sorted(directory.glob("*.toml")):
            pack = read_pack(path)
            key = (pack.kind, pack.year)
            if key in seen:
                raise InputError(
                    str(path),
                    f"a second {pack.kind} pack for CY{pack.year} (the first is {seen[key]}); "
                    "remove the superseded one",
                )
            seen[key] = str(path)
            loaded.append(LoadedPack(path=str(path), pack=pack))
    return tuple(loaded)


#: MUE packs in use, by year (set once per run by ``install``; see ``use_rate_packs`` for why).
_MUE: dict[int, MuePack] = {}


def install(loaded: Sequence[LoadedPack]) -> None:
    """Make the loaded packs govern their years for the rest of the run (replacing any others)."""
    from bhi_audit.policy import YearRates, use_rate_packs

    use_rate_packs(
        YearRates(
            year=p.pack.year,
            label=p.pack.label,
            conversion_factor=p.pack.conversion_factor,
            rvu=p.pack.rvu,
        )
        for p in loaded
        if isinstance(p.pack, RatePack)
    )
    _MUE.clear()
    _MUE.update({p.pack.year: p.pack for p in loaded if isinstance(p.pack, MuePack)})
    _PTP.clear()
    _PTP.update({p.pack.year: p.pack for p in loaded if isinstance(p.pack, PtpPack)})
    _AOC.clear()
    _AOC.update({p.pack.year: p.pack for p in loaded if isinstance(p.pack, AocPack)})


#: AOC packs in use, by year.
_AOC: dict[int, AocPack] = {}


def aoc_pack(day: date) -> AocPack | None:
    """The AOC pack governing a date of service (its calendar year), or None."""
    return _AOC.get(day.year)


#: PTP packs in use, by year.
_PTP: dict[int, PtpPack] = {}


def ptp_pack(day: date) -> PtpPack | None:
    """The PTP pack governing a date of service (its calendar year), or None."""
    return _PTP.get(day.year)


def mue_pack(day: date) -> MuePack | None:
    """The MUE pack governing a date of service (its calendar year), or None."""
    return _MUE.get(day.year)


def priced_codes() -> tuple[str, ...]:
    """The codes bhi-audit prices: every code with an RVU in a built-in yearly file."""
    from bhi_audit.policy import available_years, load_year

    return tuple(sorted({code for y in available_years() for code in load_year(y).rvu}))
