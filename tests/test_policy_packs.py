"""Policy packs: a PPRRVU file imported with ``bhi-audit policy import rvu`` prices its year.

Every PPRRVU file here is synthetic: the documented layout (split header, ``HCPCS`` row last)
with made-up RVUs, never a CMS download (the real files carry AMA-licensed CPT descriptors).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bhi_audit.cli import main
from bhi_audit.engine import AuditSettings
from bhi_audit.policy import policy_for_year, unit_price, use_rate_packs
from bhi_audit.policy.packs import import_rvu, install, load_packs, pack_toml, priced_codes
from checks.payment_expected import Options

from conftest import run_audit

PAY_FIXTURE = Path(__file__).parent / "checks" / "fixtures" / "payment_expected"
FIXTURE = PAY_FIXTURE / "fail_expected_amounts.json"

TOP = (
    ",,,STATUS,MEDICARE,WORK,NON-FAC,NA,FACILITY,NA,MP,NON-FACILITY,FACILITY,PCTC,GLOB,PRE,"
    "INTRA,POST,MULT,BILAT,ASST,CO-,TEAM,PRIC,ENDO,CONV,DIAGNOSTIC,CALCULATION,FAMILY,PAYMENT,"
    "PAYMENT,PAYMENT"
)
HEADER = (
    "HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,TOTAL,"
    "IND,DAYS,OP,OP,OP,PROC,SURG,SURG,SURG,SURG,IND,BASE,FACTOR,PROCEDURES,FLAG,INDICATOR,AMOUNT,"
    "AMOUNT,AMOUNT"
)


def row(code: str, nf: str, fac: str, mod: str = "", cf: str = "34.0000") -> str:
    """One data row: non-facility total in column 12, facility total in 13, CF in 26."""
    return (
        f"{code},{mod},Synthetic text,A,,1.00,1.00,,1.00,,0.10,{nf},{fac},0,XXX,0,0,0,0,0,0,0,0,"
        f"0,,{cf},,0,99,0,0,0"
    )


ROWS = [
    row("99493", "4.40", "2.70"),
    row("99493", "1.70", "1.70", mod="26"),  # a component row: not the national amount
    row("99494", "1.90", "1.10"),
    row("99999", "2.10", "2.10"),  # not a code bhi-audit prices: left out of the pack
]


def pprrvu(path: Path, rows: list[str] = ROWS, header: tuple[str, ...] = (TOP, HEADER)) -> Path:
    """A synthetic PPRRVU CSV with CMS's title rows above the split header."""
    title = [
        ",,2027 National Physician Fee Schedule Relative Value File January Release",
        ",,CPT codes and descriptions only are copyright (synthetic test file).",
    ]
    path.write_text("\n".join([*title, *header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_packs_after() -> Iterator[None]:
    """Packs are run-wide state: every test leaves the built-in data only."""
    yield
    use_rate_packs(())


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (``.git``) whose configuration names ``policy`` as its pack folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "bhi-audit.toml").write_text('policy-dirs = ["policy"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --------------------------------------------------------------------------- import


def test_import_keeps_only_priced_codes_without_modifier_and_records_the_source(tmp_path):
    source = pprrvu(tmp_path / "PPRRVU2027_Jan.csv")
    pack = import_rvu(source, 2027, 1, priced_codes())
    assert pack.name == "rvu-cy2027-q1"
    assert {c: [str(v) for v in vs] for c, vs in pack.rvu.items()} == {
        "99493": ["4.40", "2.70"],
        "99494": ["1.90", "1.10"],
    }
    assert str(pack.conversion_factor) == "34.0000"
    assert pack.source.file == "PPRRVU2027_Jan.csv"
    assert pack.source.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert pack.source.title.startswith("2027 National Physician Fee Schedule")


def test_pack_toml_is_deterministic_and_reads_back(tmp_path):
    pack = import_rvu(pprrvu(tmp_path / "PPRRVU2027_Jan.csv"), 2027, None, priced_codes())
    text = pack_toml(pack)
    assert text == pack_toml(pack)
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / f"{pack.name}.toml").write_text(text, encoding="utf-8")
    (loaded,) = load_packs([tmp_path / "packs"])
    assert loaded.pack == pack
    assert loaded.pack.name == "rvu-cy2027"


def test_a_column_added_by_cms_moves_the_others_without_breaking_the_import(tmp_path):
    # the 2019 layout had no PRIC IND column: CONV FACTOR is one column further left
    top = TOP.replace("TEAM,PRIC,ENDO", "TEAM,ENDO")
    header = HEADER.replace("SURG,IND,BASE", "SURG,BASE")
    rows = [r.replace(",0,0,0,0,0,0,0,0,0,,", ",0,0,0,0,0,0,0,0,,") for r in ROWS]
    pack = import_rvu(pprrvu(tmp_path / "old.csv", rows, (top, header)), 2027, None, priced_codes())
    assert str(pack.conversion_factor) == "34.0000"
    assert [str(v) for v in pack.rvu["99493"]] == ["4.40", "2.70"]


BAD = [
    (
        "no-header",
        lambda p: pprrvu(p, header=("HCPC,MOD",)),
        "{p}: HCPCS: not the PPRRVU layout: no header row starting with HCPCS",
    ),
    (
        "missing-column",
        lambda p: pprrvu(p, header=(TOP.replace("CONV,", "X,"), HEADER)),
        "{p}:4: CONV FACTOR: not the PPRRVU layout: no CONV FACTOR column(s) in the header",
    ),
    (
        "short-row",
        lambda p: pprrvu(p, [ROWS[0], "99494,,Short"]),
        "{p}:6: HCPCS: 3 columns, the header has 32",
    ),
    (
        "bad-code",
        lambda p: pprrvu(p, [row("9949", "1.0", "1.0")]),
        "{p}:5: HCPCS: '9949' is not a HCPCS code",
    ),
    (
        "bad-rvu",
        lambda p: pprrvu(p, [row("99493", "abc", "1.0")]),
        "{p}:5: NON-FACILITY TOTAL: 'abc' is not a non-negative number",
    ),
    (
        "negative-rvu",
        lambda p: pprrvu(p, [row("99493", "1.0", "-1.0")]),
        "{p}:5: FACILITY TOTAL: '-1.0' is not a non-negative number",
    ),
    (
        "two-factors",
        lambda p: pprrvu(p, [row("99493", "1", "1"), row("99494", "1", "1", cf="35.0")]),
        "{p}: CONV FACTOR: more than one conversion factor (34.0000, 35.0)",
    ),
    (
        "duplicate-code",
        lambda p: pprrvu(p, [row("99493", "1", "1"), row("99493", "2", "2")]),
        "{p}:6: HCPCS: 99493 listed twice",
    ),
    ("no-rows", lambda p: pprrvu(p, []), "{p}:4: HCPCS: no data rows after the header"),
    (
        "no-priced-code",
        lambda p: pprrvu(p, [row("99999", "1", "1")]),
        "{p}: HCPCS: none of the codes bhi-audit prices is in the file",
    ),
]


@pytest.mark.parametrize(("make", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_file_off_the_layout_is_one_error_line_with_row_and_column_exit_2(project, make, message):
    make(project / "bad.csv")
    result = CliRunner().invoke(main, ["policy", "import", "rvu", "bad.csv", "--year", "2027"])
    assert result.exit_code == 2
    assert result.stderr == f"bhi-audit: error: {message.format(p='bad.csv')}\n"
    assert not (project / "policy").exists()


def test_cli_import_writes_the_pack_into_policy_dirs_and_list_shows_it(project):
    source = pprrvu(project / "PPRRVU2027_Jan.csv")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    runner = CliRunner()
    result = runner.invoke(
        main, ["policy", "import", "rvu", "PPRRVU2027_Jan.csv", "--year", "2027", "--quarter", "1"]
    )
    assert result.exit_code == 0, result.stderr
    written = project / "policy" / "rvu-cy2027-q1.toml"
    assert result.stdout == (
        f"policy/rvu-cy2027-q1.toml: rvu-cy2027-q1: 2 codes, conversion factor 34.0000, "
        f"from PPRRVU2027_Jan.csv (sha256 {digest})\n"
    )
    first = written.read_bytes()
    assert (
        runner.invoke(
            main,
            ["policy", "import", "rvu", "PPRRVU2027_Jan.csv", "--year", "2027", "--quarter", "1"],
        ).exit_code
        == 0
    )
    assert written.read_bytes() == first  # byte-identical on rerun
    listed = runner.invoke(main, ["policy", "list"])
    assert listed.exit_code == 0
    assert listed.stdout.startswith(
        "rvu-cy2027-q1    policy/rvu-cy2027-q1.toml: 2 codes, CF 34.0000"
    )
    assert f"sha256 {digest}\n" in listed.stdout


def test_list_without_packs_says_built_in_data_only(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["policy", "list"])
    assert result.exit_code == 0
    assert result.stdout == "no policy packs loaded (defaults: policy-dirs); built-in data only\n"


def test_import_without_policy_dirs_is_a_configuration_error(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    pprrvu(tmp_path / "f.csv")
    result = CliRunner().invoke(main, ["policy", "import", "rvu", "f.csv", "--year", "2027"])
    assert result.exit_code == 2
    assert "policy-dirs: not set" in result.stderr


@pytest.mark.parametrize("value", ["../outside", "link"], ids=["dot-dot", "symlink"])
def test_policy_dirs_must_stay_inside_the_project_root(project, value):
    outside = project.parent / f"{project.name}-outside"
    outside.mkdir()
    (project / "link").symlink_to(outside, target_is_directory=True)
    (project / "bhi-audit.toml").write_text(f"policy-dirs = [{json.dumps(value)}]\n", "utf-8")
    result = CliRunner().invoke(main, ["policy", "list"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"bhi-audit: error: bhi-audit.toml: policy-dirs: {value} lies outside the project root "
        "(.); copy the pack into the project\n"
    )


def test_two_packs_for_one_year_are_refused(project, tmp_path):
    pack = import_rvu(pprrvu(tmp_path / "f.csv"), 2027, None, priced_codes())
    (project / "policy").mkdir()
    (project / "policy" / "a.toml").write_text(pack_toml(pack), "utf-8")
    (project / "policy" / "b.toml").write_text(pack_toml(pack), "utf-8")
    result = CliRunner().invoke(main, ["policy", "list"])
    assert result.exit_code == 2
    assert result.stderr == (
        "bhi-audit: error: policy/b.toml: a second rvu pack for CY2027 (the first is "
        "policy/a.toml); remove the superseded one\n"
    )


def test_a_hand_edited_pack_with_an_unknown_key_is_refused(project, tmp_path):
    pack = import_rvu(pprrvu(tmp_path / "f.csv"), 2027, None, priced_codes())
    (project / "policy").mkdir()
    text = pack_toml(pack).replace("kind = ", "knid = ")
    (project / "policy" / "a.toml").write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["policy", "list"])
    assert result.exit_code == 2
    assert result.stderr.startswith("bhi-audit: error: policy/a.toml: kind: not a policy pack:")


# --------------------------------------------------------------------------- pricing


def installed_2027(tmp_path: Path) -> str:
    pack = import_rvu(pprrvu(tmp_path / "PPRRVU2027_Jan.csv"), 2027, 1, priced_codes())
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "p.toml").write_text(pack_toml(pack), "utf-8")
    install(load_packs([tmp_path / "packs"]))
    return pack.label


def test_without_a_pack_2027_stays_rates_not_loaded():

    assert unit_price("99493", date(2027, 1, 15)) is None
    result = run_audit(FIXTURE, select=["BHI-PAY-001"])
    (c4,) = (f for f in result.findings if f.claim_id == "C4")
    assert "rates not loaded for CY2027" in c4.message


def test_a_2027_pack_prices_2027_lines_and_names_itself(tmp_path):

    label = installed_2027(tmp_path)
    assert label.startswith("policy pack rvu-cy2027-q1 (PPRRVU2027_Jan.csv, sha256 ")
    assert str(unit_price("99493", date(2027, 1, 15))) == "149.60"  # 4.40 x 34.0000
    assert str(unit_price("99493", date(2026, 4, 10))) == "144.96"  # 2026 unchanged
    settings = AuditSettings(options={"BHI-PAY-001": Options(every_line=True)})
    result = run_audit(FIXTURE, select=["BHI-PAY-001"], settings=settings)
    (c4,) = (f for f in result.findings if f.claim_id == "C4")
    assert c4.message == (
        f"99493: expected $149.60 (CY2027 national non-facility, 4.40 RVU x CF 34.0000, {label})"
    )
    assert c4.facts["priced_by"] == label
    assert f"CY2027 priced by {label}; thresholds of CY2026" in result.notes
    # a 2027 line is silent by default once it is priced
    plain = run_audit(FIXTURE, select=["BHI-PAY-001"])
    assert all(f.claim_id != "C4" for f in plain.findings)


def test_a_code_missing_from_the_pack_says_which_pack_lacked_it(tmp_path):
    label = installed_2027(tmp_path)
    assert policy_for_year(2027).policy.rvu.get("99492") is None
    document = tmp_path / "b.json"
    text = FIXTURE.read_text("utf-8").replace(
        '"code": "99493", "date_of_service": "2027-01-15"',
        '"code": "99492", "date_of_service": "2027-01-15"',
    )
    document.write_text(text, "utf-8")
    result = run_audit(document, select=["BHI-PAY-001"])
    (c4,) = (f for f in result.findings if f.claim_id == "C4")
    assert c4.message == (
        f"99492: no national RVU in the CY2027 policy data, {label} "
        "(contractor-priced, not payable under the PFS, or not loaded)"
    )


def test_check_command_loads_the_pack_from_the_configuration(project):
    shutil.copy(FIXTURE, project / "data.json")
    pprrvu(project / "PPRRVU2027_Jan.csv")
    runner = CliRunner()
    imported = runner.invoke(
        main, ["policy", "import", "rvu", "PPRRVU2027_Jan.csv", "--year", "2027"]
    )
    assert imported.exit_code == 0
    result = runner.invoke(main, ["check", "data.json", "--select", "BHI-PAY-001"])
    assert "note: CY2027 priced by policy pack rvu-cy2027 (PPRRVU2027_Jan.csv, sha256 " in (
        result.stdout
    )
    assert "C4#1" not in result.stdout  # priced, so no "rates not loaded" info
    isolated = runner.invoke(main, ["check", "data.json", "--select", "BHI-PAY-001", "--isolated"])
    assert "BHI-PAY-001 info: 99493: rates not loaded for CY2027" in isolated.stdout
    assert " C4#1]" in isolated.stdout


# --------------------------------------------------------------------------- mue-practitioner

MUE_HEADER = (
    "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale"
)


def mue_csv(path: Path, rows: list[str], header: str = MUE_HEADER) -> Path:
    """A synthetic practitioner MUE CSV: a licence banner, a blank row, the header, the rows."""
    banner = '"CPT codes and descriptions only are copyright (synthetic test file)"'
    path.write_text("\n".join([banner, "", header, *rows]) + "\n", encoding="utf-8")
    return path


def test_mue_import_keeps_audited_codes_with_value_mai_and_rationale(project):
    mue_csv(
        project / "mue.csv",
        [
            "99494,2,2 Date of Service Edit: Policy,Nature of Service/Procedure",
            "99493,1,1 Line Edit,Code Descriptor / CPT Instruction",
            "99999,9,3 Date of Service Edit: Clinical,Clinical",
        ],
    )
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["policy", "import", "mue-practitioner", "mue.csv", "--year", "2027", "--quarter", "1"],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "policy/mue-practitioner-cy2027-q1.toml: mue-practitioner-cy2027-q1: 2 codes, from mue.csv"
    )
    text = (project / "policy" / "mue-practitioner-cy2027-q1.toml").read_text("utf-8")
    assert '99493 = {value = 1, mai = 1, rationale = "Code Descriptor / CPT Instruction"}' in text
    assert '99494 = {value = 2, mai = 2, rationale = "Nature of Service/Procedure"}' in text
    assert "99999" not in text
    listed = runner.invoke(main, ["policy", "list"])
    assert listed.stdout.startswith(
        "mue-practitioner-cy2027-q1 policy/mue-practitioner-cy2027-q1.toml: 2 codes; source mue.csv"
    )


MUE_BAD = [
    (
        "missing-mai-column",
        lambda p: mue_csv(p, ["99494,2"], "HCPCS/CPT Code,Practitioner Services MUE Values"),
        "{p}:3: MUE Adjudication Indicator: not the CMS layout: no MUE Adjudication Indicator "
        "column(s) in the header",
    ),
    (
        "no-header",
        lambda p: mue_csv(p, ["99494,2,2"], "Code,Value,MAI"),
        "{p}: HCPCS/CPT Code: not the CMS layout: no header row starting with HCPCS/CPT Code",
    ),
    (
        "bad-value",
        lambda p: mue_csv(p, ["99494,two,2 Date of Service Edit: Policy,x"]),
        "{p}:4: Practitioner Services MUE Values: 'two' is not a whole number of units",
    ),
    (
        "bad-mai",
        lambda p: mue_csv(p, ["99494,2,4 Other,x"]),
        "{p}:4: MUE Adjudication Indicator: '4 Other' does not start with 1, 2 or 3",
    ),
    (
        "short-row",
        lambda p: mue_csv(p, ["99494,2"]),
        "{p}:4: HCPCS/CPT Code: 2 columns, the header has more",
    ),
]


@pytest.mark.parametrize(("make", "message"), [b[1:] for b in MUE_BAD], ids=[b[0] for b in MUE_BAD])
def test_an_mue_file_off_the_layout_is_one_error_line(project, make, message):
    make(project / "bad.csv")
    result = CliRunner().invoke(
        main, ["policy", "import", "mue-practitioner", "bad.csv", "--year", "2027"]
    )
    assert result.exit_code == 2
    assert result.stderr == f"bhi-audit: error: {message.format(p='bad.csv')}\n"


# --------------------------------------------------------------------------- ptp-practitioner

PTP_HEADER = (
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\t"
    "Deletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\t"
    "PTP Edit Rationale"
)


def ptp_txt(path: Path, rows: list[str], header: str = PTP_HEADER) -> Path:
    """A synthetic practitioner PTP file: licence line, blank lines, the header, the rows."""
    text = "\r\n".join(["CPT only copyright (synthetic test file).", "", "", header, *rows])
    path.write_text(text + "\r\n", encoding="latin-1")
    return path


def test_ptp_import_joins_several_files_and_keeps_pairs_among_audited_codes(project):
    ptp_txt(project / "f1.txt", ["99492\t99484\t\t20200101\t*\t1\tMisuse of column two code"])
    ptp_txt(
        project / "f2.txt",
        [
            "G0556\t99491\t\t20250101\t20260101\t0\tMutually exclusive procedures",
            "99492\t36415\t\t20200101\t*\t1\tnot an audited code: left out",
        ],
    )
    runner = CliRunner()
    result = runner.invoke(
        main, ["policy", "import", "ptp-practitioner", "f1.txt", "f2.txt", "--year", "2027"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "policy/ptp-practitioner-cy2027.toml: ptp-practitioner-cy2027: 2 pairs, from f1.txt"
    )
    (loaded,) = load_packs([project / "policy"])
    pack = loaded.pack
    assert [(e.column1, e.column2, e.modifier, e.deleted) for e in pack.edits] == [  # type: ignore[union-attr]
        ("99492", "99484", 1, None),
        ("G0556", "99491", 0, date(2026, 1, 1)),
    ]
    assert [a.file for a in pack.also] == ["f2.txt"]  # type: ignore[union-attr]
    listed = runner.invoke(main, ["policy", "list"])
    assert (
        "ptp-practitioner-cy2027 policy/ptp-practitioner-cy2027.toml: 2 pairs; source f1.txt"
        in (listed.stdout)
    )


def test_ptp_import_reads_a_csv_export_too(project):
    header = PTP_HEADER.replace("\t", ",")
    ptp_txt(project / "f.csv", ["99492,99484,,20200101,*,1,Synthetic"], header)
    result = CliRunner().invoke(
        main, ["policy", "import", "ptp-practitioner", "f.csv", "--year", "2027"]
    )
    assert result.exit_code == 0, result.stderr


PTP_BAD = [
    (
        "no-modifier-column",
        lambda p: ptp_txt(p, [], PTP_HEADER.replace("Modifier", "Mod")),
        "{p}:4: Modifier: not the CMS layout: no Modifier column in the header",
    ),
    (
        "bad-date",
        lambda p: ptp_txt(p, ["99492\t99484\t\t2020-01-01\t*\t1\tx"]),
        "{p}:5: Effective Date: '2020-01-01' is not a date (YYYYMMDD)",
    ),
    (
        "bad-indicator",
        lambda p: ptp_txt(p, ["99492\t99484\t\t20200101\t*\t2\tx"]),
        "{p}:5: Modifier: '2' is not 0, 1 or 9",
    ),
    (
        "bad-code",
        lambda p: ptp_txt(p, ["99492\t9948\t\t20200101\t*\t1\tx"]),
        "{p}:5: Column 2: '9948' is not a HCPCS code",
    ),
]


@pytest.mark.parametrize(("make", "message"), [b[1:] for b in PTP_BAD], ids=[b[0] for b in PTP_BAD])
def test_a_ptp_file_off_the_layout_is_one_error_line(project, make, message):
    make(project / "bad.txt")
    result = CliRunner().invoke(
        main, ["policy", "import", "ptp-practitioner", "bad.txt", "--year", "2027"]
    )
    assert result.exit_code == 2
    assert result.stderr == f"bhi-audit: error: {message.format(p='bad.txt')}\n"


def test_rvu_takes_exactly_one_file(project):
    pprrvu(project / "a.csv")
    pprrvu(project / "b.csv")
    result = CliRunner().invoke(
        main, ["policy", "import", "rvu", "a.csv", "b.csv", "--year", "2027"]
    )
    assert result.exit_code == 2
    assert result.stderr == "bhi-audit: error: rvu: give exactly one file (2 given)\n"


def test_a_misspelt_key_inside_a_pack_is_named_without_the_kind(project, tmp_path):
    pack = import_rvu(pprrvu(tmp_path / "f.csv"), 2027, None, priced_codes())
    (project / "policy").mkdir()
    text = pack_toml(pack).replace("conversion_factor = ", "conversion_factr = ")
    (project / "policy" / "a.toml").write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["policy", "list"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "bhi-audit: error: policy/a.toml: conversion_factor: not a policy pack: Field required"
    )


def test_a_sampling_frame_prices_2027_lines_with_the_configured_pack(project):
    document = project / "claims.json"
    shutil.copy(FIXTURE, document)
    (project / "policy").mkdir()
    frame = project / "frame.csv"
    args = ["frame", "claims.json", "--unit", "line", "-o", "frame.csv"]
    assert CliRunner().invoke(main, args).exit_code == 0
    rows = {r.split(",")[1]: r.split(",") for r in frame.read_text("utf-8").splitlines()[1:]}
    line_2027 = next(k for k in rows if k.startswith("C4#"))
    assert rows[line_2027][-2:] == ["0.00", "unpriced"]  # no pack: rates not loaded

    source = pprrvu(project / "PPRRVU2027_Jan.csv")
    assert source.exists()
    importing = ["policy", "import", "rvu", "PPRRVU2027_Jan.csv", "--year", "2027"]
    assert CliRunner().invoke(main, importing).exit_code == 0
    use_rate_packs(())  # the next command loads the pack from the configuration itself
    assert CliRunner().invoke(main, [*args[:-1], "frame2.csv"]).exit_code == 0
    rows = {
        r.split(",")[1]: r.split(",")
        for r in (project / "frame2.csv").read_text("utf-8").splitlines()[1:]
    }
    assert rows[line_2027][-2:] == ["149.60", "allowed"]  # 4.40 RVU x CF 34.0000
    isolated = ["frame", "claims.json", "--unit", "line", "--isolated", "-o", "frame3.csv"]
    use_rate_packs(())
    assert CliRunner().invoke(main, isolated).exit_code == 0
    rows = {
        r.split(",")[1]: r.split(",")
        for r in (project / "frame3.csv").read_text("utf-8").splitlines()[1:]
    }
    assert rows[line_2027][-1] == "unpriced"
