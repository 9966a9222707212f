"""ICD-10-CM lookups behind BHI-DX-001/002: billable leaves, chapter 5, pointers, lazy import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bhi_audit.diagnoses import billable_status, in_chapter_5


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("F32.1", "billable"),
        ("F32.A", "billable"),  # added in FY2022: a stale hand list would miss it
        ("F32", "header"),
        ("F10.20", "billable"),
        ("F10.2", "header"),
        ("F99", "billable"),  # a one-category block that is also a billable code
        ("F39", "billable"),
        ("F39.9", "unknown"),
        ("R45.851", "billable"),
        ("Z99.99", "unknown"),
    ],
)
def test_billable_status(code, status):
    assert billable_status(code) == status


@pytest.mark.parametrize(
    ("code", "inside"),
    [("F01.50", True), ("F99", True), ("F00", False), ("E11.9", False), ("R45.851", False)],
)
def test_in_chapter_5(code, inside):
    assert in_chapter_5(code) is inside


def test_code_set_not_imported_at_startup():
    # The code set takes seconds to load: importing the tool and its checks must not load it.
    script = (
        "import sys; from bhi_audit.registry import load_registry; load_registry(plugins=False);"
        " print('simple_icd_10_cm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
