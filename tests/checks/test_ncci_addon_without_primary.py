"""BHI-NCCI-003: add-on code without a primary from the AOC file (rulebook §4.3a, §4.12).

The AOC edits are a synthetic CSV export in the AOC spreadsheet's layout, imported through the
real importer; the claims go through the real JSON loader.
"""

from __future__ import annotations

import pytest
from checkcases import install_pack, practitioner_lines_bundle

from bhi_audit.policy.packs import import_pack, install
from checks import ncci_addon_without_primary as check

from conftest import run_audit

HEADER = (
    "Add-on Code,AOC Del Dt,Primary Code,Primary Code Del Dt,AOC Edit Type,AOC Edit Eff Dt,"
    "AOC Edit Del Dt,Special Instruction Notes"
)
TYPE_1 = ["99494,*,99492,*,1,20180101,*,", "99494,*,99493,*,1,20180101,*,"]


@pytest.fixture
def aoc(tmp_path):
    """Install an AOC pack for CY2027 from CSV rows; remove it afterwards."""

    def make(rows):
        source = tmp_path / "AOC_V2027Q1-MCR.csv"
        source.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        return install_pack(tmp_path, "aoc", source)

    yield make
    install(())


def bundle(tmp_path, lines):
    """P1's claims from ``(claim, practitioner, code, date)``, one line each."""
    return practitioner_lines_bundle(tmp_path, ((c, d, code, day, {}) for c, d, code, day in lines))


def keys(result):
    return {(f.claim_id, f.line_number, f.severity.value, f.variant) for f in result.findings}


ADDON = ("C1", "D1", "99494", "2027-03-02")
CASES = [
    ("primary-same-date", TYPE_1, [("C1", "D1", "99493", "2027-03-02"), ADDON], set()),
    (
        "primary-the-day-before",
        TYPE_1,
        [("C0", "D1", "99493", "2027-03-01"), ADDON],
        {("C1", 2, "error", None)},
    ),
    (
        "primary-by-another-practitioner",
        TYPE_1,
        [("C2", "D2", "99493", "2027-03-02"), ADDON],
        {("C1", 2, "error", None)},
    ),
    ("no-primary-at-all", TYPE_1, [ADDON], {("C1", 1, "error", None)}),
    (
        "type-3-warning",
        ["99494,*,99492,*,3,20180101,*,"],
        [ADDON],
        {("C1", 1, "warning", "type-3")},
    ),
    ("type-2-not-judged", ["99494,*,CCCCC,*,2,20180101,*,"], [ADDON], set()),
    ("edit-deleted-on-the-date", ["99494,*,99492,*,1,20180101,20270302,"], [ADDON], set()),
    (
        "edit-deleted-the-day-after",
        ["99494,*,99492,*,1,20180101,20270303,"],
        [ADDON],
        {("C1", 1, "error", None)},
    ),
    ("year-without-a-pack", TYPE_1, [("C1", "D1", "99494", "2026-03-02")], set()),
]


@pytest.mark.parametrize(
    ("rows", "lines", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_addon_without_primary(aoc, tmp_path, rows, lines, expected):
    aoc(rows)
    result = run_audit(bundle(tmp_path, lines), select=[check.ID])
    assert result.rejected == ()
    assert keys(result) == expected


def test_without_a_pack_nothing_is_guessed(tmp_path):
    assert run_audit(bundle(tmp_path, [ADDON]), select=[check.ID]).findings == ()


def test_message_names_the_primaries_and_pack(aoc, tmp_path):
    label = aoc(TYPE_1)
    (finding,) = run_audit(bundle(tmp_path, [ADDON]), select=[check.ID]).findings
    assert finding.message == (
        "99494 on 2027-03-02 without a primary code (99492, 99493) by the same practitioner "
        f"that day: NCCI add-on Type 1 ({label})"
    )
    assert label.startswith("policy pack aoc-cy2027-q1 (AOC_V2027Q1-MCR.csv, sha256 ")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("99494,*,99492,*,4,20180101,*,", "{p}:2: AOC Edit Type: '4' is not 1, 2 or 3"),
        ("9949,*,99492,*,1,20180101,*,", "{p}:2: Add-on Code: '9949' is not a HCPCS code"),
        ("99494,*,99492,*,1,2018-13-45,*,", "{p}:2: AOC Edit Eff Dt: '2018-13-45' is not a date"),
    ],
    ids=["bad-type", "bad-code", "bad-date"],
)
def test_an_aoc_file_off_the_layout_is_one_error(tmp_path, row, message):
    from bhi_audit.errors import InputError

    source = tmp_path / "aoc.csv"
    source.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        import_pack("aoc", [source], 2027, None)
    assert str(error.value) == message.format(p=source)
