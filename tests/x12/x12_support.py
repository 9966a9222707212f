"""Helpers for the X12 tests: write the source fixture as 837P, edit it, load it back."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bhi_audit.loaders import load_paths
from bhi_audit.loaders.bundle import Bundle
from bhi_audit.writers.x12 import Delimiters, documents_from_bundle, write_837

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCE = FIXTURES / "source.json"
DOCS = FIXTURES / "docs.json"


def source_bundle() -> Bundle:
    """The JSON bundle every generated 837P is made from."""
    return load_paths([SOURCE])


def render_source(
    delimiters: Delimiters | None = None,
    line_breaks: bool = True,
    claims_per_set: int = 2,
    sets_per_group: int = 0,
) -> str:
    """The source claims as 837P text (by default two transaction sets of two claims)."""
    out = io.StringIO()
    write_837(
        documents_from_bundle(source_bundle()),
        out,
        delimiters=delimiters,
        line_breaks=line_breaks,
        claims_per_set=claims_per_set,
        sets_per_group=sets_per_group,
    )
    return out.getvalue()


def segments(text: str) -> list[str]:
    """Segments (without ``~``) of ``*``/``~`` text written one per line."""
    return [line.removesuffix("~") for line in text.splitlines() if line]


def segment_of(text: str, prefix: str, nth: int = 0) -> int:
    """1-based segment number of the ``nth`` segment starting with ``prefix``."""
    numbers = [i for i, seg in enumerate(segments(text), start=1) if seg.startswith(prefix)]
    return numbers[nth]


def recount(text: str) -> str:
    """Fix every SE01 after an edit added or removed segments (``*``/``~``, one per line)."""
    lines = segments(text)
    start = 0
    for index, line in enumerate(lines):
        if line.startswith("ST*"):
            start = index
        elif line.startswith("SE*"):
            control = line.split("*")[2]
            lines[index] = f"SE*{index - start + 1}*{control}"
    return "~\n".join(lines) + "~\n"


def drop(text: str, pattern: str, count: int = 1) -> str:
    """Remove the first ``count`` segments matching the regex ``pattern``."""
    out, removed = [], 0
    for line in segments(text):
        if removed < count and re.match(pattern, line):
            removed += 1
            continue
        out.append(line)
    assert removed == count, f"{pattern!r} matched {removed} segments"
    return "~\n".join(out) + "~\n"


def drop_segments(text: str, *numbers: int) -> str:
    """Remove the segments with these 1-based numbers."""
    kept = [seg for i, seg in enumerate(segments(text), start=1) if i not in numbers]
    return "~\n".join(kept) + "~\n"


def replace(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence (so a fixture change cannot pass silently)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def write(tmp_path: Path, text: str, name: str = "batch.837") -> Path:
    """Write 837P text to ``tmp_path/name``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def load(path: Path, *more: Path) -> Bundle:
    """Load an 837P file with the documentation fixture."""
    return load_paths([path, *more, DOCS])


def rows(bundle: Bundle, kind: str) -> list[dict[str, object]]:
    """Records of one kind as plain dicts, sorted, without locations."""
    dumped = [r.model_dump() for r in bundle.records.get(kind, [])]
    return sorted(dumped, key=lambda d: (str(d.get("claim_id")), str(d.get("line_number"))))


def rejections(bundle: Bundle) -> set[tuple[str, int | None, str]]:
    """``(kind, segment, message)`` of every rejected record."""
    return {(r.kind, r.location.segment, r.message) for r in bundle.rejected}
