"""Where a record starts in a JSON or YAML document's text: (line, column) by JSON pointer.

Why: a finding on a record of a bundle document or a FHIR Bundle points at it the way a
compiler points at source, ``file:line:col:``, so editors and CI problem matchers can jump to
it (docs/reports.md, "Text report"). A JSON pointer alone (``/claim_lines/6``) is not
something ``%f:%l:%c`` can follow.

How, for JSON: :func:`load_json` parses the document itself, walking by hand only the
containers records sit in — the root, each of its members (a bundle document's record lists,
``/claims``) and a FHIR Bundle's entries (``/entry/3``) — and letting the C decoder
(``raw_decode``) parse every value below them. It notes the offset where each value starts,
so positions cost a few Python steps per record, not a second parse, whatever the layout:
pretty-printed, minified on one line (line 1 and the object's column are then the honest
answer), CRLF. Lines and columns are 1-based; columns count Unicode code points, as SARIF's
``columnKind: unicodeCodePoints`` does (a BOM, stripped when the file is read, is not one).
Text this walk refuses is handed to ``json.loads``, so errors read exactly as before.

For YAML the composed node tree carries the marks already (see :func:`yaml_positions`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from json.scanner import make_scanner
from typing import Any

import yaml

#: A position: 1-based line and 1-based column (code points) where a value starts.
Position = tuple[int, int]

_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _escape(token: str) -> str:
    """A key as a JSON pointer reference token (RFC 6901: ``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return token.replace("~", "~0").replace("/", "~1")


def _walked(level: int, pointer: str) -> bool:
    """Whether the container at ``pointer`` is walked by hand: the root, its members, and the
    entries of a FHIR Bundle (``/entry/N``, whose ``resource`` is then located)."""
    return level < 2 or (level == 2 and pointer.startswith("/entry/"))


class _Scanner:
    """Parses JSON text as ``json.loads`` does, noting where the walked values start."""

    def __init__(self, text: str, parse_float: Callable[[str], Any] | None) -> None:
        self.text = text
        self.decoder = json.JSONDecoder(parse_float=parse_float)
        #: The decoder's own C scanner: what ``raw_decode`` calls, without its wrapper
        #: (typeshed types ``make_scanner``'s argument as itself; it takes the decoder).
        self.scan: Callable[[str, int], tuple[Any, int]] = make_scanner(self.decoder)  # type: ignore[arg-type]
        self.offsets: dict[str, int] = {}

    def skip(self, pos: int) -> int:
        match = _WHITESPACE.match(self.text, pos)
        return match.end() if match else pos

    def document(self) -> Any:
        value, end = self.value(0, "", 0)
        if self.skip(end) != len(self.text):
            raise ValueError("extra data")
        return value

    def value(self, pos: int, pointer: str, level: int) -> tuple[Any, int]:
        """The value at ``pos`` (whitespace before it allowed) and where it ends."""
        pos = self.skip(pos)
        self.offsets[pointer] = pos
        char = self.text[pos : pos + 1]
        if char == "{" and _walked(level, pointer):
            return self.members(pos + 1, pointer, level + 1)
        if char == "[" and _walked(level, pointer):
            return self.elements(pos + 1, pointer, level + 1)
        value, end = self.decoder.raw_decode(self.text, pos)
        return value, int(end)

    def members(self, pos: int, pointer: str, level: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "}":
            return result, pos + 1
        while True:
            pos = self.skip(pos)
            if self.text[pos : pos + 1] != '"':
                raise ValueError("a key expected")
            key, pos = self.decoder.raw_decode(self.text, pos)
            pos = self.skip(pos)
            if self.text[pos : pos + 1] != ":":
                raise ValueError("':' expected")
            result[key], pos = self.value(pos + 1, f"{pointer}/{_escape(key)}", level)
            pos = self.skip(pos)
            char = self.text[pos : pos + 1]
            if char == "}":
                return result, pos + 1
            if char != ",":
                raise ValueError("',' or '}' expected")
            pos += 1

    def elements(self, pos: int, pointer: str, level: int) -> tuple[list[Any], int]:
        if level < 2 or (level == 2 and pointer == "/entry"):
            return self.walked_elements(pos, pointer, level)
        # NOTE: the hot loop (one turn per record of a bundle document): items are parsed
        # whole by the C scanner, with as few Python steps around it as possible.
        text, offsets, scan = self.text, self.offsets, self.scan
        result: list[Any] = []
        pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == "]":
            return result, pos + 1
        while True:
            pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
            offsets[f"{pointer}/{len(result)}"] = pos
            try:
                item, pos = scan(text, pos)
            except StopIteration:
                raise ValueError("a value expected") from None
            result.append(item)
            pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
            char = text[pos : pos + 1]
            if char == "]":
                return result, pos + 1
            if char != ",":
                raise ValueError("',' or ']' expected")
            pos += 1

    def walked_elements(self, pos: int, pointer: str, level: int) -> tuple[list[Any], int]:
        result: list[Any] = []
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "]":
            return result, pos + 1
        while True:
            item, pos = self.value(pos, f"{pointer}/{len(result)}", level)
            result.append(item)
            pos = self.skip(pos)
            char = self.text[pos : pos + 1]
            if char == "]":
                return result, pos + 1
            if char != ",":
                raise ValueError("',' or ']' expected")
            pos += 1

    def positions(self) -> dict[str, Position]:
        """The offsets as (line, column); offsets were noted in increasing order."""
        text, positions = self.text, {}
        line, counted, newline = 1, 0, -1
        for pointer, offset in self.offsets.items():
            if offset < counted:  # a duplicate key noted again later: count from the start
                line, counted, newline = 1, 0, -1
            line += text.count("\n", counted, offset)
            last = text.rfind("\n", counted, offset)
            newline = last if last >= 0 else newline
            counted = offset
            positions[pointer] = (line, offset - newline)
        return positions


def load_json(
    text: str, parse_float: Callable[[str], Any] | None = None
) -> tuple[Any, dict[str, Position]]:
    """``json.loads(text, parse_float=...)`` and where the records start (pointer -> position).

    Located: the root (``""``), each member of the root and each item of a list there
    (``/claims/3``), and in a FHIR Bundle each entry and its resource (``/entry/3/resource``).
    Raises what ``json.loads`` raises for text that is not (usable) JSON.
    """
    scanner = _Scanner(text, parse_float)
    try:
        document = scanner.document()
    except (ValueError, IndexError, RecursionError):
        # NOTE: json.loads says why (the message and line users know); should it accept
        # what the walk refused, the document is used without positions.
        return json.loads(text, parse_float=parse_float), {}
    return document, scanner.positions()


def yaml_positions(node: yaml.Node | None) -> dict[str, Position]:
    """The (line, column) of each record of a composed YAML bundle document.

    Covers the root, each top-level key's value and the items of a top-level sequence: the
    places a bundle document's records sit (``/claims/3``, or ``/period`` as one object).
    """
    if node is None:
        return {}
    positions = {"": _mark(node)}
    if not isinstance(node, yaml.MappingNode):
        return positions
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        pointer = f"/{_escape(str(key.value))}"
        positions[pointer] = _mark(value)
        if isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                positions[f"{pointer}/{index}"] = _mark(item)
    return positions


def _mark(node: Any) -> Position:
    mark = node.start_mark
    return (int(mark.line) + 1, int(mark.column) + 1)


def position_of(positions: Mapping[str, Position], pointer: str) -> Position | None:
    """Where ``pointer`` starts, else where its nearest located ancestor starts (None if none).

    Why the ancestor: a problem deep inside a FHIR resource (``/entry/3/resource/code``) is
    best shown at the resource, and ``period`` given as one object is record ``/period/0``.
    """
    while True:
        if pointer in positions:
            return positions[pointer]
        if not pointer:
            return None
        pointer = pointer.rpartition("/")[0]
