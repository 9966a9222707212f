"""Validate an 837P against the implementation guide with pyx12 (``--x12-validate``).

Why optional: pyx12 checks every segment and element against the 005010X222A1 map (required
segments, code values, dates, counts), which the focused reader does not, but it reads a few
hundred claims per second (``docs/x12.md``). It is installed with the ``x12`` extra
(``pip install "bhi-audit[x12]"``). Its errors come back keyed by segment number — the same
numbering the reader uses — so the loader can reject the claim each error falls in.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

from bhi_audit.errors import InputError


def _collect(node: Any, found: dict[int, list[str]], line: int | None = None) -> None:
    """Walk pyx12's JSON error tree; element errors take their segment's number."""
    if isinstance(node, list):
        for item in node:
            _collect(item, found, line)
        return
    if not isinstance(node, dict):
        return
    here = node.get("cur_line", line)
    for error in node.get("errors") or []:
        where = f"{node['seg_id']}: " if node.get("seg_id") else ""
        text = f"error {error.get('err_cde', '?')}: {where}{error.get('err_str', '')}"
        found.setdefault(int(here or 0), []).append(text)
    for key in ("groups", "transactions", "segments", "elements", "interchanges"):
        if key in node:
            _collect(node[key], found, here)


def validate_with_pyx12(path: Path, display: str) -> dict[int, list[str]]:
    """Run pyx12 on ``path``; return its error messages by segment number (1 = ISA).

    Raises InputError when pyx12 is not installed or cannot process the file at all, so that
    a requested validation never silently does nothing.
    """
    try:
        import pyx12.params
        import pyx12.x12n_document
    except ImportError:
        raise InputError(
            display,
            '--x12-validate needs pyx12 4.x, which is not installed (pip install "bhi-audit[x12]")',
        ) from None
    logger = logging.getLogger("pyx12")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers[:] = [logging.NullHandler()]
    logger.propagate = False
    report = io.StringIO()
    try:
        pyx12.x12n_document.x12n_document(
            pyx12.params.params(), str(path), None, None, None, report
        )
    except Exception as exc:  # NOTE: pyx12 raises bare engine errors on unknown maps
        raise InputError(display, f"pyx12 could not validate the file ({exc})") from None
    finally:
        logger.handlers[:], logger.propagate, _ = saved[0], saved[1], saved[2]
    text = report.getvalue()
    if not text:
        raise InputError(display, "pyx12 could not read the file as X12")
    found: dict[int, list[str]] = {}
    _collect(json.loads(text), found)
    return found
