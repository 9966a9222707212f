"""Read an audit bundle as one JSON or YAML document.

The document mirrors the CSV bundle exactly: each top-level key is a record kind (``claims``,
``claim_lines``, ``time_entries``, ...) holding a list of objects whose keys are the CSV
columns. Lists may be real arrays or ``;``-separated strings. ``period`` may be one object.
Each record's location is its JSON pointer (``/claims/3``) plus the line and column where
the record starts in the text (:mod:`bhi_audit.loaders.positions`), which editors follow.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bhi_audit.errors import InputError
from bhi_audit.loaders.bundle import BundleBuilder
from bhi_audit.loaders.csv_bundle import read_text, suggest
from bhi_audit.loaders.positions import Position, load_json, position_of, yaml_positions
from bhi_audit.models import KIND_BY_NAME, Location, Period
from bhi_audit.yamltext import TextYamlLoader

#: Every plain scalar stays text, as in the CSV bundle (see bhi_audit/yamltext.py).
BundleYamlLoader = TextYamlLoader


def parse_document(
    path: Path, display: str, positions: Mapping[str, Position] | None = None
) -> tuple[Any, Mapping[str, Position]]:
    """Parse JSON or YAML text, turning syntax errors into an InputError with the line.

    Returns the document and where its records start (``/claims/3`` -> (line, column)):
    ``positions`` when the caller has them already (a ``.json`` file parsed to tell FHIR from
    a bundle document: positions do not depend on how numbers are read), else found here.
    """
    text = read_text(path, display)
    if path.suffix.lower() == ".json":
        try:
            # NOTE: a number with a fraction or an exponent stays its literal text, so that
            # ``"minutes": 1e1`` is rejected like "1e1" in CSV, and money keeps its digits.
            if positions is not None:
                return json.loads(text, parse_float=str), positions
            return load_json(text, parse_float=str)
        except json.JSONDecodeError as exc:
            raise InputError(
                display, f"not valid JSON ({exc.msg}, column {exc.colno})", row=exc.lineno
            ) from None
        except ValueError as exc:  # e.g. an integer literal of more than 4300 digits
            raise InputError(display, f"not usable JSON ({str(exc).split(';')[0]})") from None
        except RecursionError:
            raise InputError(display, "not usable JSON (nested too deeply)") from None
    try:
        return _load_yaml(text)
    except RecursionError:
        raise InputError(display, "not usable YAML (nested too deeply)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputError(display, f"not valid YAML ({problem})", row=row) from None
    except ValueError as exc:  # e.g. an explicit !!timestamp that is not a date, a huge integer
        raise InputError(display, f"not usable YAML ({str(exc).split(';')[0]})") from None


def _load_yaml(text: str) -> tuple[Any, dict[str, Position]]:
    """What ``yaml.load`` does, in two steps, so that the composed nodes' marks give the
    records' lines without a second parse."""
    loader = BundleYamlLoader(text)
    try:
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
        return document, yaml_positions(node)
    finally:
        loader.dispose()


def load_document(
    path: Path,
    display: str,
    builder: BundleBuilder,
    positions: Mapping[str, Position] | None = None,
) -> None:
    """Validate every record of a JSON/YAML bundle document into the builder."""
    document, positions = parse_document(path, display, positions)
    if not isinstance(document, dict):
        raise InputError(
            display,
            "expected an object whose keys are record kinds (claims, claim_lines, ...), "
            f"got {type(document).__name__}",
        )
    builder.add_file(path, display, path.suffix.lower().lstrip("."))
    known = sorted(KIND_BY_NAME)
    for kind in document:
        if kind not in KIND_BY_NAME:
            raise InputError(
                display, f"unknown record kind{suggest(str(kind), known)}", field=str(kind)
            )
    for kind in sorted(document, key=known.index):
        rows = document[kind]
        if kind == Period.KIND and isinstance(rows, dict):
            rows = [rows]
        if rows is None:
            rows = []
        if not isinstance(rows, list):
            raise InputError(
                display, f"expected a list of records, got {type(rows).__name__}", field=f"/{kind}"
            )
        builder.mark_provided(kind)
        for index, row in enumerate(rows):
            pointer = f"/{kind}/{index}"
            start = position_of(positions, pointer)
            builder.add_row(kind, row, Location(file=display, pointer=pointer, start=start))
