"""The CSV bundle loader: CSV as users export it, unusable files, and rejected records.

Three outcomes, kept apart (STYLE §10): a usable file loads; an unusable one raises
InputErrors whose lines read ``path:row: field: message``; one bad record inside a usable file
is rejected with its location and reason while everything else is audited, and the summary
adds up (read = audited + rejected, per kind).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.errors import InputErrors
from bhi_audit.loaders import load_paths
from bhi_audit.models import TimeEntry

from conftest import CLEAN_BUNDLE, lines_of, run_audit

CLEAN_COUNTS = {
    "claim_lines": 2,
    "claims": 2,
    "consents": 2,
    "patients": 2,
    "staff": 2,
    "time_entries": 2,
}


def counts(result) -> dict[str, tuple[int, int, int]]:
    """``{kind: (read, audited, rejected)}`` of a result."""
    return {k: (c.read, c.audited, c.rejected) for k, c in result.records.items()}


def audit_keys(result) -> list[tuple]:
    """What an audit found, without the locations (which an export may shift)."""
    return sorted(
        (f.check_id, f.claim_id or "", f.line_number or 0, f.outcome.value, f.message)
        for f in result.findings
    )


def rewrite(path: Path, change: Callable[[str], str]) -> None:
    """Rewrite a UTF-8 file through ``change``, byte for byte (no newline translation)."""
    path.write_bytes(change(path.read_bytes().decode("utf-8")).encode("utf-8"))


# ------------------------------------------------------------------ CSV as users export it


def add_bom(directory: Path) -> None:
    for path in directory.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def use_crlf(directory: Path) -> None:
    for path in directory.glob("*.csv"):
        rewrite(path, lambda text: text.replace("\n", "\r\n"))


def use_cr_only(directory: Path) -> None:
    for path in directory.glob("*.csv"):
        rewrite(path, lambda text: text.replace("\n", "\r"))


def add_blank_lines(directory: Path) -> None:
    for path in directory.glob("*.csv"):
        rewrite(path, lambda text: "\n" + text.replace("\n", "\n\n", 1) + "\n,,,\n   \n\n")


def reorder_columns(directory: Path) -> None:
    path = directory / "claim_lines.csv"
    path.write_text(
        "charge,date_of_service,code,diagnosis_pointers,units,line_number,claim_id\n"
        "160.00,2026-03-20,99484,1,1,1,C1\n"
        "160.00,2026-03-21,99484,1,1,1,C2\n",
        encoding="utf-8",
    )


def multiline_quoted_note(directory: Path) -> None:
    path = directory / "time_entries.csv"
    path.write_text(
        "entry_id,patient_id,staff_id,date,minutes,program,activity,note\n"
        'T1,P1,S2,2026-03-05,25,BHI,call,"first line, with a comma\nsecond line"\n'
        "T2,P2,S2,2026-03-06,22,BHI,care planning,plain\n",
        encoding="utf-8",
    )


def unicode_line_separator_in_note(directory: Path) -> None:
    # A note pasted from a word processor: U+2028 inside an unquoted cell is not a new row.
    path = directory / "time_entries.csv"
    rewrite(path, lambda text: text.replace("synthetic note", "one\u2028two\x0cthree"))


EXPORTS = {
    "utf8-bom": add_bom,
    "crlf": use_crlf,
    "cr-only": use_cr_only,
    "blank-and-trailing-lines": add_blank_lines,
    "columns-reordered": reorder_columns,
    "quoted-comma-and-line-break": multiline_quoted_note,
    "unicode-line-separator": unicode_line_separator_in_note,
}


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_usual_exports_load_cleanly(bundle_dir, export):
    export(bundle_dir)
    result = run_audit(bundle_dir)
    assert result.rejected == ()
    assert counts(result) == {k: (n, n, 0) for k, n in CLEAN_COUNTS.items()}
    assert audit_keys(result) == audit_keys(run_audit(CLEAN_BUNDLE))


def test_the_clean_bundle_is_clean():
    result = run_audit(CLEAN_BUNDLE)
    assert (result.totals.errors, result.totals.warnings, result.totals.internal_errors) == (
        0,
        0,
        0,
    )


def test_quoted_field_keeps_its_comma_and_line_break_and_rows_point_at_their_first_line(
    bundle_dir,
):
    multiline_quoted_note(bundle_dir)
    bundle = load_paths([bundle_dir])
    entries = {e.entry_id: e for e in bundle.of(TimeEntry)}
    assert entries["T1"].note == "first line, with a comma\nsecond line"
    # T1 spans physical lines 2-3, so T2 starts on line 4.
    assert entries["T1"].location.row == 2
    assert entries["T2"].location.row == 4


def test_crlf_and_bom_keep_values_exact(bundle_dir):
    add_bom(bundle_dir)
    use_crlf(bundle_dir)
    bundle = load_paths([bundle_dir])
    entries = {e.entry_id: e for e in bundle.of(TimeEntry)}
    assert entries["T2"].note == 'note with a comma, and a quote "ok"'
    assert entries["T1"].minutes == 25
    assert entries["T2"].location.row == 3


def test_blank_lines_do_not_shift_row_numbers(bundle_dir):
    add_blank_lines(bundle_dir)
    bundle = load_paths([bundle_dir])
    rows = sorted(e.location.row for e in bundle.of(TimeEntry))
    # line 1 blank, header on 2, blank 3, T1 on 4, T2 on 5
    assert rows == [4, 5]


def test_a_single_csv_file_can_be_given_with_its_companions(tmp_path):
    result = run_audit(CLEAN_BUNDLE / "claims.csv", CLEAN_BUNDLE / "claim_lines.csv")
    assert counts(result) == {"claim_lines": (2, 2, 0), "claims": (2, 2, 0)}


# ------------------------------------------------------------------ unusable input


def write(name: str, content: bytes) -> Callable[[Path], Path]:
    """Edit: replace (or create) one file of the bundle; returns what to load."""

    def edit(directory: Path) -> Path:
        (directory / name).write_bytes(content)
        return directory

    return edit


def remove(name: str) -> Callable[[Path], Path]:
    def edit(directory: Path) -> Path:
        (directory / name).unlink()
        return directory

    return edit


CLAIMS_HEADER = b"claim_id,patient_id,billing_practitioner,place_of_service,diagnoses\n"

UNUSABLE = {
    "latin-1": (
        write("claims.csv", CLAIMS_HEADER + b"C1,P1,S1,11,F32.1\nC2,Jos\xe9,S1,11,F41.1\n"),
        ["{d}/claims.csv:3: not UTF-8 text (byte 0xe9); export the file as UTF-8"],
    ),
    "binary-nul-bytes": (
        write("claims.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ["{d}/claims.csv: binary file, not CSV/JSON text (contains NUL bytes)"],
    ),
    "garbage-claims-file": (
        write("claims.csv", b"this is not a claims export\nat all\n"),
        [
            "{d}/claims.csv:1: not a claims file: no known column in the first line; expected "
            "a header such as claim_id,patient_id,billing_practitioner"
        ],
    ),
    "header-with-one-typo": (
        write("claims.csv", b"claim_id,patient,billing_practitioner\nC1,P1,S1\n"),
        [
            "{d}/claims.csv:1: patient: unknown column (did you mean 'patient_id'?)",
            "{d}/claims.csv:1: patient_id: required column is missing",
        ],
    ),
    "empty-file": (
        write("claims.csv", b""),
        ["{d}/claims.csv: empty file: no header row"],
    ),
    "only-blank-lines": (
        write("claims.csv", b"\r\n\n  \n"),
        ["{d}/claims.csv: empty file: no header row"],
    ),
    "missing-required-column": (
        write("claims.csv", b"claim_id,patient_id\nC1,P1\n"),
        ["{d}/claims.csv:1: billing_practitioner: required column is missing"],
    ),
    "unknown-column-did-you-mean": (
        write("claims.csv", b"claim_id,patient_idd,billing_practitioner\nC1,P1,S1\n"),
        [
            "{d}/claims.csv:1: patient_idd: unknown column (did you mean 'patient_id'?)",
            "{d}/claims.csv:1: patient_id: required column is missing",
        ],
    ),
    "duplicate-column": (
        write("claims.csv", b"claim_id,patient_id,billing_practitioner,claim_id\nC1,P1,S1,C1\n"),
        ["{d}/claims.csv:1: claim_id: column appears twice"],
    ),
    "blank-column-name": (
        write("claims.csv", b"claim_id,,patient_id,billing_practitioner\nC1,x,P1,S1\n"),
        ["{d}/claims.csv:1: blank column name in header"],
    ),
    "unterminated-quote": (
        write("claims.csv", CLAIMS_HEADER + b'C1,P1,S1,11,"F32.1\n'),
        ["{d}/claims.csv:2: not valid CSV (unexpected end of data)"],
    ),
    "unknown-csv-file-name": (
        write("claim.csv", CLAIMS_HEADER),
        [
            "{d}/claim.csv: not a bhi-audit record file (did you mean 'claims.csv'?); "
            "expected one of: assessments.csv, care_plans.csv, caseload_reviews.csv, "
            "claim_lines.csv, claims.csv, consents.csv, episodes.csv, patients.csv, "
            "period.csv, registry_enrollments.csv, staff.csv, time_entries.csv, visits.csv"
        ],
    ),
    "missing-claims": (
        remove("claims.csv"),
        ["{d}: required record file claims.csv (or key 'claims') is missing"],
    ),
    "missing-claim-lines": (
        remove("claim_lines.csv"),
        ["{d}: required record file claim_lines.csv (or key 'claim_lines') is missing"],
    ),
    "nonexistent-path": (
        lambda directory: directory / "nope",
        ["{d}/nope: no such file or directory"],
    ),
    "directory-without-csv": (
        lambda directory: (directory / "empty").mkdir() or directory / "empty",
        ["{d}/empty: no bundle CSV files in this directory (claims.csv, ...)"],
    ),
    "not-a-bundle-file": (
        lambda directory: write("notes.txt", b"hello")(directory) / "notes.txt",
        # the list of accepted formats grows (FHIR, X12, ...): only its start is pinned
        ["{d}/notes.txt: unrecognised input: give a bundle directory of CSV files, ..."],
    ),
}


def same_lines(actual: list[str], expected: list[str], directory: Path) -> bool:
    """Line by line equality; an expected line ending in ``...`` only pins its start."""
    wanted = [e.format(d=directory) for e in expected]
    assert len(actual) == len(wanted), actual
    for line, want in zip(actual, wanted, strict=True):
        if want.endswith("..."):
            assert line.startswith(want[:-3]), line
        else:
            assert line == want
    return True


@pytest.mark.parametrize(("edit", "expected"), UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_input_is_one_line_per_problem(bundle_dir, edit, expected):
    target = edit(bundle_dir)
    with pytest.raises(InputErrors) as caught:
        load_paths([target])
    assert same_lines([str(e) for e in caught.value.errors], expected, bundle_dir)


@pytest.mark.parametrize(("edit", "expected"), UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_input_exits_2_without_traceback(runner, bundle_dir, edit, expected):
    target = edit(bundle_dir)
    result = runner.invoke(main, ["check", str(target)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert same_lines(
        lines_of(result.stderr), ["bhi-audit: error: " + e for e in expected], bundle_dir
    )
    assert "Traceback" not in result.output


def test_problems_in_several_files_are_all_reported(bundle_dir):
    write("claims.csv", b"")(bundle_dir)
    write("staff.csv", b"staff_id,role\nS1,bhcm\n")(bundle_dir)
    with pytest.raises(InputErrors) as caught:
        load_paths([bundle_dir])
    assert [str(e) for e in caught.value.errors] == [
        f"{bundle_dir}/claims.csv: empty file: no header row",
        f"{bundle_dir}/staff.csv:1: role: unknown column (did you mean 'roles'?)",
        f"{bundle_dir}/staff.csv:1: roles: required column is missing",
    ]


# ------------------------------------------------------------------ one bad record


def replace_row(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        path = directory / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


BAD_RECORDS = {
    "bad-date": (
        replace_row("claim_lines.csv", "C2,1,99484,1,2026-03-21", "C2,1,99484,1,03/21/2026"),
        "claim_lines",
        "claim_lines.csv:3",
        [("date_of_service", "expected an ISO date YYYY-MM-DD, got '03/21/2026'")],
    ),
    "impossible-date": (
        replace_row("claim_lines.csv", "2026-03-21", "2026-02-30"),
        "claim_lines",
        "claim_lines.csv:3",
        [("date_of_service", "not a calendar date: '2026-02-30'")],
    ),
    "negative-minutes": (
        replace_row("time_entries.csv", "2026-03-06,22,", "2026-03-06,-5,"),
        "time_entries",
        "time_entries.csv:3",
        [("minutes", "Input should be greater than or equal to 0")],
    ),
    "fractional-minutes": (
        replace_row("time_entries.csv", "2026-03-06,22,", "2026-03-06,22.5,"),
        "time_entries",
        "time_entries.csv:3",
        [("minutes", "expected a whole number, got '22.5'")],
    ),
    "unknown-code-format": (
        replace_row("claim_lines.csv", "C2,1,99484", "C2,1,9948"),
        "claim_lines",
        "claim_lines.csv:3",
        [("code", "String should match pattern '^(?:[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$'")],
    ),
    "unknown-program": (
        replace_row("time_entries.csv", "22,BHI,", "22,BHX,"),
        "time_entries",
        "time_entries.csv:3",
        [
            (
                "program.0",
                "Input should be 'BHI', 'COCM', 'CCM', 'PCM', 'TCM', 'APCM', 'RPM', 'RTM' "
                "or 'DMHT'",
            )
        ],
    ),
    "bad-npi-check-digit": (
        replace_row("staff.csv", "1234567893", "1234567890"),
        "staff",
        "staff.csv:2",
        [("npi", "NPI 1234567890 fails the check digit")],
    ),
    "end-before-start": (
        lambda d: (d / "time_entries.csv").write_text(
            "entry_id,patient_id,staff_id,date,start_time,end_time,program\n"
            "T1,P1,S2,2026-03-05,10:00,10:25,BHI\n"
            "T2,P2,S2,2026-03-06,10:30,10:00,BHI\n",
            encoding="utf-8",
        ),
        "time_entries",
        "time_entries.csv:3",
        [("end_time", "end_time 10:00 is not after start_time 10:30")],
    ),
    "extra-cells": (
        replace_row("claims.csv", "C2,P2,S1,11,F41.1", "C2,P2,S1,11,F41.1,surprise"),
        "claims",
        "claims.csv:3",
        [("", "row has 6 cells but the header has 5")],
    ),
    "unicode-digits": (
        replace_row("claim_lines.csv", "C2,1,99484,1,", "C2,\uff11,99484,\u0661,"),
        "claim_lines",
        "claim_lines.csv:3",
        [
            ("line_number", "expected a whole number, got '\uff11'"),
            ("units", "expected a whole number, got '\u0661'"),
        ],
    ),
}


@pytest.mark.parametrize(
    ("edit", "kind", "where", "reasons"), BAD_RECORDS.values(), ids=BAD_RECORDS.keys()
)
def test_one_bad_record_is_rejected_and_the_rest_audited(bundle_dir, edit, kind, where, reasons):
    edit(bundle_dir)
    result = run_audit(bundle_dir)
    assert [(r.kind, r.location, r.reasons) for r in result.rejected] == [
        (kind, f"{bundle_dir}/{where}", tuple(reasons))
    ]
    expected = {k: (n, n, 0) for k, n in CLEAN_COUNTS.items()}
    expected[kind] = (CLEAN_COUNTS[kind], CLEAN_COUNTS[kind] - 1, 1)
    assert counts(result) == expected
    for count in result.records.values():
        assert count.read == count.audited + count.rejected


def test_rejected_record_appears_in_text_output_and_summary(runner, bundle_dir):
    BAD_RECORDS["negative-minutes"][0](bundle_dir)
    result = runner.invoke(main, ["check", str(bundle_dir), "--select", "BHI-TIME-001"])
    out = lines_of(result.stdout)
    assert (
        f"{bundle_dir}/time_entries.csv:3:1: BHI-INPUT error: rejected time_entries record: "
        "minutes: Input should be greater than or equal to 0"
    ) in out
    # P2's only time entry was rejected, so its 99484 month is short of minutes.
    assert any(
        "BHI-TIME-001 error: general BHI 99484: 0 countable min" in o and "[P2 2026-03 C2#1]" in o
        for o in out
    )
    (records,) = [o for o in out if o.startswith("records: ")]
    assert records == (
        "records: claim_lines 2 read = 2 audited + 0 rejected, "
        "claims 2 read = 2 audited + 0 rejected, consents 2 read = 2 audited + 0 rejected, "
        "patients 2 read = 2 audited + 0 rejected, staff 2 read = 2 audited + 0 rejected, "
        "time_entries 2 read = 1 audited + 1 rejected"
    )


# ------------------------------------------------------------------ duplicates


def test_same_id_twice_is_rejected_naming_the_first(bundle_dir):
    path = bundle_dir / "time_entries.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "T1,P1,S2,2026-03-07,5,BHI,call,again\n",
        encoding="utf-8",
    )
    result = run_audit(bundle_dir)
    assert [(r.location, r.message) for r in result.rejected] == [
        (f"{bundle_dir}/time_entries.csv:4", f"entry_id: duplicate of {path}:2")
    ]
    assert counts(result)["time_entries"] == (3, 2, 1)


def test_same_claim_line_twice_is_rejected_naming_the_first(bundle_dir):
    path = bundle_dir / "claim_lines.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "C1,1,99484,1,2026-03-25,1,160.00\n",
        encoding="utf-8",
    )
    result = run_audit(bundle_dir)
    assert [(r.location, r.message) for r in result.rejected] == [
        (f"{bundle_dir}/claim_lines.csv:4", f"line_number: duplicate of {path}:2")
    ]
    assert counts(result)["claim_lines"] == (3, 2, 1)


def test_duplicates_across_two_input_paths_are_rejected(bundle_dir, tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(
        '{"claims": [{"claim_id": "C9", "patient_id": "P1", "billing_practitioner": "S1"},\n'
        '            {"claim_id": "C2", "patient_id": "P2", "billing_practitioner": "S1"}],\n'
        ' "claim_lines": [{"claim_id": "C9", "line_number": 1, "code": "90834",\n'
        '                  "date_of_service": "2026-03-03"}]}\n',
        encoding="utf-8",
    )
    result = run_audit(bundle_dir, extra)
    assert [(r.location, r.message) for r in result.rejected] == [
        (f"{extra}#/claims/1", f"claim_id: duplicate of {bundle_dir}/claims.csv:3")
    ]
    assert counts(result)["claims"] == (4, 3, 1)
    assert counts(result)["claim_lines"] == (3, 3, 0)
    assert [f.path for f in result.inputs] == [
        *(f"{bundle_dir}/{n}.csv" for n in sorted(CLEAN_COUNTS)),
        str(extra),
    ]


def test_same_directory_given_twice_rejects_every_record_once(bundle_dir):
    result = run_audit(bundle_dir, bundle_dir)
    assert counts(result) == {k: (2 * n, n, n) for k, n in CLEAN_COUNTS.items()}
    assert all("duplicate of" in r.message for r in result.rejected)
