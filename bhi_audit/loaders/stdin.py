"""Standard input as an input path (``-``): a bundle document (JSON/YAML) or an X12 837P.

Why: pipelines pipe (``curl … | bhi-audit check -``, pre-commit and editors hand text over
standard input), as with ruff and flake8. The loaders read files, so the bytes are spooled to
a private temporary file whose ending says what it is, and every location names it
``<stdin>``, never the temporary path.

What it is, from its first non-blank bytes: ``ISA`` is an X12 interchange; ``{`` or ``[``
JSON (a bundle document or a FHIR Bundle, told apart by the JSON loader); anything else YAML.
"""

from __future__ import annotations

from pathlib import Path

from bhi_audit.errors import InputError

#: The path that means standard input, and the name its records are located by.
STDIN = Path("-")
STDIN_NAME = "<stdin>"


def sniff_suffix(data: bytes) -> str:
    """The file ending the loaders dispatch on: ``.837``, ``.json`` or ``.yaml``."""
    head = data[:256].removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head:
        raise InputError(STDIN_NAME, "standard input is empty")
    if head.startswith(b"ISA"):
        return ".837"
    if head[:1] in (b"{", b"["):
        return ".json"
    return ".yaml"


def spool(data: bytes, directory: Path) -> Path:
    """Write standard input's bytes to ``directory/stdin.<ending>`` and return that path."""
    path = directory / f"stdin{sniff_suffix(data)}"
    path.write_bytes(data)
    return path
