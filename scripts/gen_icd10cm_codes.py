"""Write bhi_audit/data/icd10cm_codes.txt.gz: the billable and header ICD-10-CM codes.

Why: importing ``simple-icd-10-cm`` at run time costs about two seconds and 170 MB for two
sets of strings. The code set stays the source: this script derives the file from it, and
tests/test_diagnoses.py fails if the shipped file and the installed library ever disagree.
Run it after upgrading ``simple-icd-10-cm`` (a new fiscal-year release) and commit the file.

    python scripts/gen_icd10cm_codes.py

Format (gzip, UTF-8, deterministic: no name or time in the gzip header): one line per code in
the dotted form the models store (``F32.1``), ``b <code>`` for a billable code (a leaf of the
tabular) and ``h <code>`` for a header (a category or subcategory that has children), sorted.
Chapters and block ranges (``F01-F09``) are left out: no stored code can take that form.
"""

from __future__ import annotations

import gzip
import re
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "bhi_audit" / "data" / "icd10cm_codes.txt.gz"
#: The dotted form ``bhi_audit.models._normalise_icd10`` stores: every code a check can see.
STORED_FORM = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")


def classify() -> list[str]:
    """``"b CODE"`` / ``"h CODE"`` lines, as ``simple-icd-10-cm`` classifies every code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as icd

    lines = []
    for code in icd.get_all_codes(True):
        if not STORED_FORM.fullmatch(code):
            continue
        if icd.is_leaf(code):
            lines.append(f"b {code}")
        elif icd.is_category_or_subcategory(code) or icd.is_extended_subcategory(code):
            lines.append(f"h {code}")
    return sorted(set(lines))  # NOTE: the library lists F99 twice (block and category)


def render(lines: list[str]) -> bytes:
    """The file's bytes: the same lines always give the same bytes (``mtime=0``, no name)."""
    text = "".join(f"{line}\n" for line in lines).encode("utf-8")
    return gzip.compress(text, compresslevel=9, mtime=0)


def main() -> int:
    """Write the file and say how many codes of each kind it holds."""
    lines = classify()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(render(lines))
    billable = sum(1 for line in lines if line.startswith("b "))
    sys.stdout.write(f"{TARGET}: {billable} billable, {len(lines) - billable} header codes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
