"""Where a record starts in a JSON or YAML document's text: (line, column) by JSON pointer.

Why: a finding on a record of a bundle document or a FHIR Bundle points at it the way a
compiler points at source, ``file:line:col:``, so editors and CI problem matchers can jump to
it (docs/reports.md, "Text report"). A JSON pointer alone (``/claim_lines/6``) is not
something ``%f:%l:%c`` can follow.

How, for JSON: after ``json.loads`` has accepted the text, a light scan walks only the first
``depth`` levels of containers by hand and lets the C decoder (``raw_decode``) skip every value
below them, so the extra cost is one more C-speed pass over the records, whatever the layout:
pretty-printed, minified on one line (line 1 and the object's column are then the honest
answer), with or without a BOM. Lines and columns are 1-based; columns count Unicode code
points, as SARIF's ``columnKind: unicodeCodePoints`` does. Any surprise gives no positions
rather than an error: the document was already judged valid by the parser that loads it.

For YAML the composed node tree carries the marks already (see :func:`yaml_positions`).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

import yaml

#: A position: 1-based line and 1-based column (code points) where a value starts.
Position = tuple[int, int]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)


def _escape(token: str) -> str:
    """A key as a JSON pointer reference token (RFC 6901: ``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return token.replace("~", "~0").replace("/", "~1")


class _Scanner:
    """Records the offset of every value down to ``depth`` levels below the root."""

    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.offsets: dict[str, int] = {}

    def skip(self, pos: int) -> int:
        match = _WHITESPACE.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int, pointer: str, level: int) -> int:
        """Scan the value at ``pos`` (whitespace before it allowed); return where it ends."""
        pos = self.skip(pos)
        self.offsets[pointer] = pos
        char = self.text[pos : pos + 1]
        if level < self.depth and char == "{":
            return self.members(pos + 1, pointer, level + 1)
        if level < self.depth and char == "[":
            return self.elements(pos + 1, pointer, level + 1)
        _, end = _DECODER.raw_decode(self.text, pos)
        return int(end)

    def members(self, pos: int, pointer: str, level: int) -> int:
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "}":
            return pos + 1
        while True:
            key, pos = _DECODER.raw_decode(self.text, self.skip(pos))
            pos = self.skip(pos)
            if self.text[pos : pos + 1] != ":":
                raise ValueError("':' expected")
            pos = self.skip(self.value(pos + 1, f"{pointer}/{_escape(str(key))}", level))
            char = self.text[pos : pos + 1]
            if char == "}":
                return pos + 1
            if char != ",":
                raise ValueError("',' or '}' expected")
            pos += 1

    def elements(self, pos: int, pointer: str, level: int) -> int:
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "]":
            return pos + 1
        index = 0
        while True:
            pos = self.skip(self.value(pos, f"{pointer}/{index}", level))
            char = self.text[pos : pos + 1]
            if char == "]":
                return pos + 1
            if char != ",":
                raise ValueError("',' or ']' expected")
            pos, index = pos + 1, index + 1


def json_positions(text: str, depth: int) -> dict[str, Position]:
    """The (line, column) of every value of valid JSON ``text`` down to ``depth`` levels.

    ``depth`` 2 reaches the records of a bundle document (``/claims/3``), 3 the resources of
    a FHIR Bundle (``/entry/3/resource``). The root is ``""``. Empty if the scan fails.
    """
    scanner = _Scanner(text, depth)
    try:
        scanner.value(0, "", 0)
    except (ValueError, IndexError, RecursionError):
        return {}
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    positions = {}
    for pointer, offset in scanner.offsets.items():
        line = bisect_right(line_starts, offset)
        positions[pointer] = (line, offset - line_starts[line - 1] + 1)
    return positions


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
