"""ICD-10-CM lookups behind BHI-DX-001/002: billable leaves, chapter 5, the shipped code sets."""

from __future__ import annotations

import gzip
import importlib.util
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from bhi_audit.diagnoses import billable_status, in_chapter_5
from bhi_audit.loaders import load_paths
from bhi_audit.models import Claim

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "bhi_audit" / "data" / "icd10cm_codes.txt.gz"

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as icd


def _library_status(code: str) -> str:
    """What billable_status answered when it asked simple-icd-10-cm at run time."""
    if not icd.is_valid_item(code):
        return "unknown"
    if icd.is_leaf(code):
        return "billable"
    if icd.is_category_or_subcategory(code) or icd.is_extended_subcategory(code):
        return "header"
    return "unknown"


def _generator_script():
    spec = importlib.util.spec_from_file_location(
        "gen_icd10cm_codes", REPO / "scripts" / "gen_icd10cm_codes.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def test_shipped_file_is_what_the_code_set_gives():
    # A new simple-icd-10-cm release fails here until scripts/gen_icd10cm_codes.py is rerun.
    shipped = gzip.decompress(SHIPPED.read_bytes()).decode("utf-8").splitlines()
    assert shipped == _generator_script().classify()


def test_shipped_file_bytes_are_reproducible():
    script = _generator_script()
    assert script.render(["b F32.1", "h F32"]) == script.render(["b F32.1", "h F32"])
    assert gzip.decompress(script.render(["b F32.1", "h F32"])) == b"b F32.1\nh F32\n"


def test_every_code_in_stored_form_answers_as_the_library_did():
    # Every code a check can see is in the models' dotted form: all of them, F-codes included.
    stored = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")
    codes = [code for code in icd.get_all_codes(True) if stored.fullmatch(code)]
    assert sum(1 for code in codes if code.startswith("F")) > 700
    assert [billable_status(c) for c in codes] == [_library_status(c) for c in codes]


@pytest.mark.parametrize("code", ["F39.9", "F32.Z", "Z99.99", "F00", "U99", "F32.1000"])
def test_codes_outside_the_code_set_are_unknown_as_before(code):
    assert billable_status(code) == _library_status(code) == "unknown"


def test_sample_practice_codes_answer_as_the_library_did():
    claims = load_paths([REPO / "sample_claims"]).of(Claim)
    codes = sorted({code for claim in claims for code in claim.diagnoses})
    assert "F32" in codes and "Z63.0" in codes
    assert [billable_status(c) for c in codes] == [_library_status(c) for c in codes]


def test_code_set_library_not_imported_by_an_audit():
    # The library takes seconds and ~170 MB to import: a whole audit must not load it.
    script = (
        "import sys; from click.testing import CliRunner; from bhi_audit.cli import main;"
        " r = CliRunner().invoke(main, ['check', 'sample_claims', '--format', 'json']);"
        " print(r.exit_code in (0, 1), 'simple_icd_10_cm' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "True False"
