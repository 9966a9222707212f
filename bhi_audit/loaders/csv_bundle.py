"""Read an audit bundle directory: one CSV file per kind of record.

CSV as users really export it: UTF-8 with or without a BOM, quoted fields (with embedded
commas and line breaks), blank lines anywhere, any column order. Anything that makes a whole
file unusable (not UTF-8, binary, missing or unknown columns) is an :class:`InputError`;
anything wrong inside one row rejects that row only.
"""

from __future__ import annotations

import codecs
import csv
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from bhi_audit.errors import InputError, InputErrors
from bhi_audit.loaders.bundle import BundleBuilder, claim_id_of
from bhi_audit.loaders.csv_columns import ColumnValidator
from bhi_audit.models import KIND_BY_NAME, Location, Record

#: Bytes read at a time when a CSV file is checked before it is parsed.
READ_BLOCK = 1 << 20
#: Rows validated together, column by column: large enough to amortise a column pass, small
#: enough that the raw cells waiting never weigh much next to the records built.
CHUNK_ROWS = 2048


def suggest(name: str, choices: list[str]) -> str:
    """`` (did you mean X?)`` when a close match exists, else an empty string."""
    close = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def required_columns(model: type[Record]) -> list[str]:
    """Columns a CSV file of this kind must have."""
    return [name for name, info in model.model_fields.items() if info.is_required()]


def read_text(path: Path, display: str) -> str:
    """Read a file as UTF-8 (BOM allowed) or raise an InputError saying why not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError.unreadable(display, exc) from None
    if b"\x00" in raw:
        raise binary_file(display)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise not_utf8(display, raw[exc.start], line) from None


def binary_file(display: str) -> InputError:
    """A file with NUL bytes: not text at all."""
    return InputError(display, "binary file, not CSV/JSON text (contains NUL bytes)")


def not_utf8(display: str, byte: int, line: int) -> InputError:
    """A text file in another encoding, named by its first bad byte and that byte's line."""
    return InputError(
        display, f"not UTF-8 text (byte 0x{byte:02x}); export the file as UTF-8", row=line
    )


def check_text(path: Path, display: str) -> None:
    """Raise the InputError :func:`read_text` would, reading the file a block at a time.

    Why not :func:`read_text`: a CSV file is parsed as a stream (:func:`load_csv_file`).
    Reading it whole, decoding it and wrapping the text in a ``StringIO`` (which stores four
    bytes per character) held about six times the file at once: 0.7 GB for the time entries of
    a 100,000-patient year. The checks and their order are read_text's: NUL bytes anywhere,
    then the first byte that is not UTF-8, named by its line.
    """
    # NOTE: plain UTF-8, not utf-8-sig: a BOM is valid UTF-8, and this way the position of a
    # bad byte is its position in the file.
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines = 0
    bad: tuple[int, int] | None = None
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(READ_BLOCK), b""):
                if b"\x00" in block:
                    raise binary_file(display)
                if bad is None:
                    waiting = decoder.getstate()[0]
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError as exc:
                        data = waiting + block
                        bad = (newlines + data[: exc.start].count(b"\n") + 1, data[exc.start])
                newlines += block.count(b"\n")
            if bad is None:
                waiting = decoder.getstate()[0]
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError as exc:
                    bad = (newlines + 1, waiting[exc.start])
    except OSError as exc:
        raise InputError.unreadable(display, exc) from None
    if bad is not None:
        line, byte = bad
        raise not_utf8(display, byte, line)


def load_csv_file(path: Path, display: str, kind: str, builder: BundleBuilder) -> None:
    """Validate every row of one CSV file into the builder, reading it as a stream."""
    model = KIND_BY_NAME[kind]
    check_text(path, display)
    builder.add_file(path, display, "csv")
    builder.mark_provided(kind)
    try:
        # NOTE: newline="" splits rows only at \n, \r\n and \r, as the csv module expects;
        # str.splitlines would also split at U+2028, U+0085, \f ... inside a field.
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError.unreadable(display, exc) from None
    with handle:
        reader = csv.reader(_text_lines(handle, display), strict=True)
        _read_rows(reader, display, kind, model, builder)


def _text_lines(handle: TextIO, display: str) -> Iterator[str]:
    """The file's lines, a failed read an InputError (and only a read: the spill's own write
    errors, raised while the rows are kept, must stay what they are)."""
    try:
        yield from handle
    except OSError as exc:
        raise InputError.unreadable(display, exc) from None
    except UnicodeDecodeError:  # NOTE: only if the file changed since check_text read it
        raise InputError(display, "not UTF-8 text; export the file as UTF-8") from None


def _read_rows(
    reader: Any, display: str, kind: str, model: type[Record], builder: BundleBuilder
) -> None:
    """Every row of one CSV reader into the builder, a chunk at a time."""
    # NOTE: rows wait in ``pending`` to be validated a chunk at a time, column by column
    # (csv_columns); every flush keeps the file's row order for duplicates and rejections.
    pending: list[tuple[int, list[str]]] = []
    columns = ColumnValidator(model)
    try:
        header: list[str] | None = None
        start = 1
        for cells in reader:
            line_start, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = check_header(cells, model, display, line_start)
                columns.set_header(header)
                continue
            if len(cells) <= len(header):
                pending.append((line_start, cells))
                if len(pending) >= CHUNK_ROWS:
                    add_rows(builder, kind, display, columns, pending)
                continue
            add_rows(builder, kind, display, columns, pending)
            if len(cells) > len(header):
                builder.reject(
                    kind,
                    Location(file=display, row=line_start),
                    [("", f"row has {len(cells)} cells but the header has {len(header)}")],
                    claim_id=claim_id_of(kind, dict(zip(header, cells, strict=False))),
                )
                continue
    except csv.Error as exc:
        line = reader.line_num
        add_rows(builder, kind, display, columns, pending)
        raise InputError(display, f"not valid CSV ({exc})", row=line) from None
    if header is None:
        raise InputError(display, "empty file: no header row")
    add_rows(builder, kind, display, columns, pending)


def add_rows(
    builder: BundleBuilder,
    kind: str,
    display: str,
    columns: ColumnValidator,
    pending: list[tuple[int, list[str]]],
) -> None:
    """Keep the pending rows proven valid column by column; send the others through the model.

    Why the model for the others: it alone words the rejection reasons, so they stay exactly
    what they were. Empties ``pending``.
    """
    records = columns.validate([cells for _, cells in pending])
    for (line_start, cells), record in zip(pending, records, strict=True):
        location = Location(file=display, row=line_start)
        if record is not None:
            builder.keep(kind, record, location)
            continue
        row = {
            column: cell
            for column, cell in zip(columns.header, cells, strict=False)
            if cell.strip() != ""
        }
        builder.add_row(kind, row, location)
    pending.clear()


def check_header(cells: list[str], model: type[Record], display: str, row: int) -> list[str]:
    """Validate a header row: no blank, duplicate, unknown or missing columns."""
    header = [cell.strip() for cell in cells]
    known = list(model.model_fields)
    if not set(header) & set(known):
        # NOTE: not a header of this kind at all (garbage, another export): one clear line,
        # not one per unknown and missing column.
        raise InputError(
            display,
            f"not a {model.KIND} file: no known column in the first line; expected a header "
            f"such as {','.join(required_columns(model))}",
            row=row,
        )
    errors: list[InputError] = []
    seen: set[str] = set()
    for column in header:
        if not column:
            errors.append(InputError(display, "blank column name in header", row=row))
        elif column in seen:
            errors.append(InputError(display, "column appears twice", row=row, field=column))
        elif column not in known:
            errors.append(
                InputError(
                    display, f"unknown column{suggest(column, known)}", row=row, field=column
                )
            )
        seen.add(column)
    for column in required_columns(model):
        if column not in seen:
            errors.append(InputError(display, "required column is missing", row=row, field=column))
    if errors:
        raise InputErrors(errors)
    return header


def load_csv_directory(directory: Path, display: str, builder: BundleBuilder) -> None:
    """Load every ``<kind>.csv`` in ``directory``; an unknown ``.csv`` name is an error."""
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    known = sorted(f"{kind}.csv" for kind in KIND_BY_NAME)
    if not files:
        raise InputError(display, "no bundle CSV files in this directory (claims.csv, ...)")
    # NOTE: report every unusable file of the bundle at once, so it can be fixed in one pass.
    errors: list[InputError] = []
    for path in files:
        name = path.name
        if name not in known:
            errors.append(
                InputError(
                    f"{display.rstrip('/')}/{name}",
                    f"not a bhi-audit record file{suggest(name, known)}; "
                    f"expected one of: {', '.join(known)}",
                )
            )
    for path in files:
        if path.name not in known:
            continue
        try:
            load_csv_file(path, f"{display.rstrip('/')}/{path.name}", path.stem, builder)
        except InputError as exc:
            errors.append(exc)
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)
