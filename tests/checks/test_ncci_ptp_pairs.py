"""BHI-NCCI-001: practitioner PTP pairs on one date of service (rulebook §4.11).

The PTP table is a synthetic file in CMS's practitioner layout (tab-delimited, legends in the
header cells), imported through the real importer; the claims go through the real JSON loader.
No CMS file is used: the real table carries AMA-licensed CPT codes.
"""

from __future__ import annotations

import pytest
from checkcases import install_pack, practitioner_lines_bundle

from bhi_audit.policy.packs import install
from checks import ncci_ptp_pairs as check

from conftest import run_audit

HEADER = (
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\t"
    "Deletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\t"
    "PTP Edit Rationale"
)


@pytest.fixture
def ptp(tmp_path):
    """Install a PTP pack for CY2027 from ``(col1, col2, effective, deleted, indicator)``."""

    def make(edits):
        rows = [
            f"{a}\t{b}\t\t{eff}\t{gone}\t{ind}\tSynthetic rationale"
            for a, b, eff, gone, ind in edits
        ]
        source = tmp_path / "ccipra-v331r0-f4.txt"
        banner = "CPT only copyright (synthetic test file)."
        source.write_text("\r\n".join([banner, "", "", HEADER, *rows]) + "\r\n", encoding="latin-1")
        return install_pack(tmp_path, "ptp-practitioner", source)

    yield make
    install(())


def bundle(tmp_path, lines):
    """P1's claims from ``(claim, practitioner, code, modifiers, date)``, one line each."""
    return practitioner_lines_bundle(
        tmp_path, ((c, d, code, day, {"modifiers": mods}) for c, d, code, mods, day in lines)
    )


def keys(result):
    return {(f.claim_id, f.line_number, f.severity.value) for f in result.findings}


EDIT_1 = ("99492", "99484", "20200101", "*", "1")
EDIT_0 = ("99492", "99484", "20200101", "*", "0")
BASE = ("C1", "D1", "99492", [], "2027-03-02")
CASES = [
    # (id, edits, lines, expected)
    (
        "indicator-1-no-modifier",
        [EDIT_1],
        [BASE, ("C1", "D1", "99484", [], "2027-03-02")],
        {("C1", 2, "error")},
    ),
    ("indicator-1-with-59", [EDIT_1], [BASE, ("C1", "D1", "99484", ["59"], "2027-03-02")], set()),
    ("indicator-1-with-xu", [EDIT_1], [BASE, ("C1", "D1", "99484", ["XU"], "2027-03-02")], set()),
    (
        "indicator-1-modifier-on-column-1",
        [EDIT_1],
        [("C1", "D1", "99492", ["25"], "2027-03-02"), ("C1", "D1", "99484", [], "2027-03-02")],
        set(),
    ),
    (
        "indicator-1-non-ncci-modifier",
        [EDIT_1],
        [BASE, ("C1", "D1", "99484", ["95"], "2027-03-02")],
        {("C1", 2, "error")},
    ),
    (
        "indicator-0-with-59",
        [EDIT_0],
        [BASE, ("C1", "D1", "99484", ["59"], "2027-03-02")],
        {("C1", 2, "error")},
    ),
    (
        "indicator-9",
        [("99492", "99484", "20200101", "*", "9")],
        [BASE, ("C1", "D1", "99484", [], "2027-03-02")],
        set(),
    ),
    ("different-dates", [EDIT_1], [BASE, ("C2", "D1", "99484", [], "2027-03-03")], set()),
    ("different-practitioners", [EDIT_1], [BASE, ("C2", "D2", "99484", [], "2027-03-02")], set()),
    (
        "reverse-order-is-not-the-edit",
        [("99484", "99492", "20200101", "*", "1")],
        [BASE, ("C1", "D1", "99484", [], "2027-03-02")],
        {("C1", 1, "error")},
    ),
    (
        "deleted-on-the-date-of-service",
        [("99492", "99484", "20200101", "20270302", "1")],
        [BASE, ("C1", "D1", "99484", [], "2027-03-02")],
        set(),
    ),
    (
        "deleted-the-day-after",
        [("99492", "99484", "20200101", "20270303", "1")],
        [BASE, ("C1", "D1", "99484", [], "2027-03-02")],
        {("C1", 2, "error")},
    ),
    (
        "effective-the-day-after",
        [("99492", "99484", "20270303", "*", "1")],
        [BASE, ("C1", "D1", "99484", [], "2027-03-02")],
        set(),
    ),
    (
        "effective-on-the-date",
        [("99492", "99484", "20270302", "*", "1")],
        [BASE, ("C1", "D1", "99484", [], "2027-03-02")],
        {("C1", 2, "error")},
    ),
    (
        "year-without-a-pack",
        [EDIT_1],
        [("C1", "D1", "99492", [], "2026-03-02"), ("C1", "D1", "99484", [], "2026-03-02")],
        set(),
    ),
]


@pytest.mark.parametrize(
    ("edits", "lines", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_ptp_pairs(ptp, tmp_path, edits, lines, expected):
    ptp(edits)
    result = run_audit(bundle(tmp_path, lines), select=[check.ID])
    assert result.rejected == ()
    assert keys(result) == expected


def test_without_a_pack_nothing_is_guessed(tmp_path):
    lines = [BASE, ("C1", "D1", "99484", [], "2027-03-02")]
    assert run_audit(bundle(tmp_path, lines), select=[check.ID]).findings == ()


def test_message_names_the_pair_indicator_and_pack(ptp, tmp_path):
    label = ptp([EDIT_0])
    lines = [BASE, ("C1", "D1", "99484", ["59"], "2027-03-02")]
    (finding,) = run_audit(bundle(tmp_path, lines), select=[check.ID]).findings
    assert finding.message == (
        "99484 with 99492 on 2027-03-02 by the same practitioner: NCCI PTP column 2 of 99492, "
        f"modifier indicator 0: no modifier allowed ({label})"
    )
    assert finding.facts["modifier_indicator"] == 0
    assert label.startswith("policy pack ptp-practitioner-cy2027-q1 (ccipra-v331r0-f4.txt, sha256 ")
