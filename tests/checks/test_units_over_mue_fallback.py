"""BHI-NCCI-002: fallback unit limits while no MUE table is loaded (rulebook §4.13, D12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkcases import install_pack, practitioner_lines_bundle

from bhi_audit.engine import AuditSettings
from bhi_audit.policy.packs import install
from checks import units_over_mue_fallback as check

from conftest import run_audit

FIXTURES = Path(__file__).parent / "fixtures" / "units_over_mue_fallback"

CASES = [
    ("pass_within_limits", set()),
    ("pass_addon_two_units_in_each_of_two_months", set()),
    ("fail_addon_three_units", {("C1", 2, "warning")}),
    ("fail_addon_split_over_two_lines", {("C2", 1, "warning")}),
    ("fail_base_two_units_on_a_line", {("C1", 1, "warning")}),
]


def keys(result):
    return {(f.claim_id, f.line_number, f.severity.value) for f in result.findings}


@pytest.mark.parametrize(("fixture", "expected"), CASES, ids=[c[0] for c in CASES])
def test_units_over_mue_fallback(fixture, expected):
    result = run_audit(FIXTURES / f"{fixture}.json", select=[check.ID])
    assert keys(result) == expected
    assert result.rejected == ()


def test_every_fixture_is_a_case():
    assert {p.stem for p in FIXTURES.glob("*.json")} == {c[0] for c in CASES}


def test_limits_are_options():
    settings = AuditSettings(options={check.ID: check.Options(addon_units_per_month=4)})
    result = run_audit(
        FIXTURES / "fail_addon_three_units.json", select=[check.ID], settings=settings
    )
    assert result.findings == ()


def test_message_says_the_limit_is_a_fallback():
    result = run_audit(FIXTURES / "fail_addon_three_units.json", select=[check.ID])
    (finding,) = result.findings
    assert finding.message == "99494 x3 in 2026-03 (fallback limit 2 a month; no MUE table loaded)"


# --------------------------------------------------------------------------- with an MUE pack
# The MUE table is a synthetic file in CMS's practitioner layout, imported through the real
# importer; the claims go through the real JSON loader.

MUE_HEADER = (
    "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale"
)
MAI_TEXT = {
    1: "1 Line Edit",
    2: "2 Date of Service Edit: Policy",
    3: "3 Date of Service Edit: Clinical",
}


@pytest.fixture
def mue(tmp_path):
    """Install an MUE pack for CY2027 from ``{code: (value, mai)}``; remove it afterwards."""

    def make(edits):
        rows = [f"{c},{v},{MAI_TEXT[m]},Synthetic" for c, (v, m) in edits.items()]
        source = tmp_path / "MCR_MUE_PractitionerServices.csv"
        banner = '"CPT codes and descriptions only are copyright (synthetic test file)"'
        source.write_text("\n".join([banner, "", MUE_HEADER, *rows]) + "\n", encoding="utf-8")
        return install_pack(tmp_path, "mue-practitioner", source)

    yield make
    install(())


def bundle(tmp_path, lines):
    """Claims for P1 from ``(claim, practitioner, code, units, date)`` tuples, one line each."""
    return practitioner_lines_bundle(
        tmp_path, ((c, d, code, day, {"units": units}) for c, d, code, units, day in lines)
    )


def mue_keys(result):
    return {(f.claim_id, f.line_number, f.severity.value, f.variant) for f in result.findings}


BASE = ("C1", "D1", "99492", 1, "2027-03-02")
PACK_CASES = [
    # (id, edits, lines, expected findings)
    ("mai2-within-3", {"99494": (3, 2)}, [BASE, ("C1", "D1", "99494", 3, "2027-03-02")], set()),
    (
        "mai2-over-on-two-lines-of-one-date",
        {"99494": (2, 2)},
        [BASE, ("C1", "D1", "99494", 2, "2027-03-02"), ("C1", "D1", "99494", 1, "2027-03-02")],
        {("C1", 3, "error", "mue")},
    ),
    (
        "mai2-same-units-on-two-dates",
        {"99494": (2, 2)},
        [BASE, ("C1", "D1", "99494", 2, "2027-03-02"), ("C2", "D1", "99494", 1, "2027-03-20")],
        set(),
    ),
    (
        "mai2-two-practitioners-one-date",
        {"99494": (2, 2)},
        [BASE, ("C1", "D1", "99494", 2, "2027-03-02"), ("C2", "D2", "99494", 1, "2027-03-02")],
        set(),
    ),
    (
        "mai3-over",
        {"99494": (2, 3)},
        [BASE, ("C1", "D1", "99494", 3, "2027-03-02")],
        {("C1", 2, "error", "mue")},
    ),
    (
        "mai1-over-on-a-line",
        {"99493": (1, 1)},
        [("C1", "D1", "99493", 2, "2027-03-02")],
        {("C1", 1, "error", "mue")},
    ),
    (
        "mai1-two-lines-of-one-unit",
        {"99493": (1, 1)},
        [("C1", "D1", "99493", 1, "2027-03-02"), ("C1", "D1", "99493", 1, "2027-03-02")],
        set(),
    ),
    (
        "code-not-in-the-table-no-fallback",
        {"99494": (2, 2)},
        [("C1", "D1", "99492", 2, "2027-03-02")],
        set(),
    ),
    (
        "year-without-a-pack-keeps-the-fallback",
        {"99494": (3, 2)},
        [("C1", "D1", "99492", 1, "2026-03-02"), ("C1", "D1", "99494", 3, "2026-03-02")],
        {("C1", 2, "warning", None)},
    ),
]


@pytest.mark.parametrize(
    ("edits", "lines", "expected"), [c[1:] for c in PACK_CASES], ids=[c[0] for c in PACK_CASES]
)
def test_with_an_mue_pack(mue, tmp_path, edits, lines, expected):
    mue(edits)
    result = run_audit(bundle(tmp_path, lines), select=[check.ID])
    assert result.rejected == ()
    assert mue_keys(result) == expected


def test_mue_message_names_value_mai_and_pack(mue, tmp_path):
    label = mue({"99494": (2, 2)})
    lines = [BASE, ("C1", "D1", "99494", 2, "2027-03-02"), ("C1", "D1", "99494", 1, "2027-03-02")]
    (finding,) = run_audit(bundle(tmp_path, lines), select=[check.ID]).findings
    assert finding.message == (
        f"99494 x3 on 2027-03-02 (MUE 2, MAI 2 date-of-service edit, absolute; {label})"
    )
    assert finding.facts["mai"] == 2 and finding.facts["limit"] == 2
    assert label.startswith(
        "policy pack mue-practitioner-cy2027-q1 (MCR_MUE_PractitionerServices.csv"
    )


def test_without_a_pack_2027_uses_the_fallback_warning(tmp_path):
    lines = [BASE, ("C1", "D1", "99494", 3, "2027-03-02")]
    assert mue_keys(run_audit(bundle(tmp_path, lines), select=[check.ID])) == {
        ("C1", 2, "warning", None)
    }
