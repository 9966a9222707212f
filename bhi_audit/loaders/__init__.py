"""Loaders: turn input paths into a validated :class:`Bundle`.

One module per input format; this module only dispatches on what a path is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bhi_audit.errors import InputError, InputErrors, OutputError
from bhi_audit.loaders.bundle import Bundle, BundleBuilder, InputFile, Rejection
from bhi_audit.loaders.csv_bundle import load_csv_directory, load_csv_file
from bhi_audit.loaders.document import load_document
from bhi_audit.loaders.fhir import (
    FhirSession,
    Validator,
    is_fhir_document,
    is_ndjson,
    ndjson_files,
    parse_json_document,
)
from bhi_audit.loaders.spill import SpillingBuilder
from bhi_audit.loaders.x12 import X12Options, is_x12, load_x12
from bhi_audit.models import KIND_BY_NAME, REQUIRED_KINDS
from bhi_audit.spill import SpilledInput, partitions_for

__all__ = ["Bundle", "InputFile", "Rejection", "X12Options", "load_paths", "load_spilled"]

DOCUMENT_SUFFIXES = {".json", ".yaml", ".yml"}


def load_path(
    path: Path,
    builder: BundleBuilder,
    fhir: FhirSession | None = None,
    display: str | None = None,
) -> None:
    """Load one input path (bundle directory, single CSV, JSON or YAML document, FHIR).

    ``display`` names the path in locations (``<stdin>`` for standard input spooled to a
    temporary file); by default the path as given.
    """
    display = display or str(path)
    if fhir is None:  # a path loaded on its own resolves its own FHIR references
        fhir = FhirSession()
        load_path(path, builder, fhir, display)
        fhir.finish(builder)
        return
    if path.is_dir():
        bulk = ndjson_files(path)
        for file in bulk:
            fhir.load_ndjson(file, f"{display.rstrip('/')}/{file.name}", builder)
        if not bulk or any(p.suffix.lower() == ".csv" for p in path.iterdir()):
            load_csv_directory(path, display, builder)
    elif not path.exists():
        raise InputError(display, "no such file or directory")
    elif is_ndjson(path):
        fhir.load_ndjson(path, display, builder)
    elif path.suffix.lower() == ".json":
        document, positions = parse_json_document(path, display)
        if is_fhir_document(document):
            fhir.load_document(path, display, builder, document, positions)
        else:
            # parsed again, numbers as text (bundle documents are small); positions kept
            load_document(path, display, builder, positions)
    elif path.suffix.lower() in DOCUMENT_SUFFIXES:
        load_document(path, display, builder)
    elif path.suffix.lower() == ".csv" and path.stem in KIND_BY_NAME:
        load_csv_file(path, display, path.stem, builder)
    else:
        raise InputError(
            display,
            "unrecognised input: give a bundle directory of CSV files, a <kind>.csv file, "
            "a .json/.yaml bundle document, FHIR (.ndjson, a Bundle .json) or an X12 837P "
            "file (.837/.x12/.edi)",
        )


def load_paths(
    paths: Iterable[Path],
    x12: X12Options | None = None,
    fhir_validator: Validator | None = None,
    names: Mapping[Path, str] | None = None,
) -> Bundle:
    """Load and combine every input path; raise InputErrors for unusable input.

    X12 837P files are loaded last, after FHIR references are resolved, so their member ids
    and NPIs can be matched against the patients and staff of the documentation given with
    them. ``fhir_validator`` (``--fhir-validate``) fully validates every FHIR resource first.
    ``names`` gives a path another name in locations (``<stdin>``, see ``loaders/stdin.py``).
    """
    builder = BundleBuilder()
    load_into(paths, builder, x12, fhir_validator, names)
    return builder.build()


def load_spilled(
    paths: Iterable[Path],
    jobs: int = 1,
    phi: bool = False,
    x12: X12Options | None = None,
    fhir_validator: Validator | None = None,
    names: Mapping[Path, str] | None = None,
    partitions: int | None = None,
    directory: Path | None = None,
) -> SpilledInput:
    """Load every input path as :func:`load_paths` does, filed by patient partition on disk.

    The number of partitions follows the input's size (``bhi_audit.spill.partitions_for``)
    unless ``partitions`` is given; ``phi`` captures what ``--redact`` needs while loading.
    The caller closes the result (``SpilledInput.close``); on an input error nothing is left.
    The spill files go to a new private directory inside ``directory`` (default: the system's
    temporary directory; a Dask cluster needs one that every worker mounts).
    """
    paths = list(paths)
    if partitions is None:
        partitions = partitions_for(sum(map(_size, paths)), jobs)
    builder = SpillingBuilder(partitions, phi=phi, directory=directory)
    try:
        load_into(paths, builder, x12, fhir_validator, names)
        return builder.spilled()
    except OSError as exc:  # the loaders report unreadable input; this is the spill itself
        builder.discard()
        raise OutputError(
            str(builder.directory),
            f"cannot write the temporary partition files ({exc.strerror or type(exc).__name__}); "
            "point TMPDIR at a private folder with room",
        ) from None
    except BaseException:
        builder.discard()
        raise


def _size(path: Path) -> int:
    """Bytes of a file, or of the files directly in a directory (0 if unreadable)."""
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
        return path.stat().st_size
    except OSError:
        return 0


def load_into(
    paths: Iterable[Path],
    builder: BundleBuilder,
    x12: X12Options | None = None,
    fhir_validator: Validator | None = None,
    names: Mapping[Path, str] | None = None,
) -> None:
    """Load every input path into ``builder`` (see :func:`load_paths`)."""
    paths = list(paths)
    names = names or {}
    fhir = FhirSession(validator=fhir_validator)
    errors: list[InputError] = []
    x12_paths = [path for path in paths if not path.is_dir() and is_x12(path)]
    for path in [p for p in paths if p not in x12_paths]:
        try:
            load_path(path, builder, fhir, names.get(path))
        except InputError as exc:
            errors.append(exc)
        except InputErrors as exc:
            errors.extend(exc.errors)
    fhir.finish(builder)
    for path in x12_paths:
        try:
            load_x12(path, names.get(path, str(path)), builder, x12 or X12Options())
        except InputError as exc:
            errors.append(exc)
        except InputErrors as exc:
            errors.extend(exc.errors)
    if not errors:
        for kind in sorted(REQUIRED_KINDS - builder.provided):
            errors.append(
                InputError(
                    " ".join(names.get(p, str(p)) for p in paths),
                    f"required record file {kind}.csv (or key {kind!r}) is missing",
                )
            )
    if errors:
        raise InputErrors(errors)
