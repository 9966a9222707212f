"""No data lost (docs/security.md §4): outputs are written whole, never over an input.

Every output — ``-o``, ``--report``, ``baseline -o`` and generate's files — goes through
bhi_audit/outputs.py: a temporary file in the same folder renamed into place, after a check,
before anything is written, that no output is an input or lies inside an input folder.
"""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bhi_audit import reporters
from bhi_audit.cli import main
from bhi_audit.outputs import atomic_output

from conftest import ERRORS_DOCUMENT, REPO, lines_of

GENERATE = ["generate", "--patients", "3", "--months", "1", "--seed", "2"]


def invoke(runner, *args: object):
    return runner.invoke(main, [str(a) for a in args])


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted write would leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


# ------------------------------------------------------------------ outputs over inputs


def test_report_inside_the_input_bundle_is_refused(runner, bundle_dir):
    claims = bundle_dir / "claims.csv"
    before = claims.read_bytes()
    result = invoke(runner, "check", bundle_dir, "--report", f"csv:{claims}")
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {claims}: output lies inside the input folder {bundle_dir}; "
        "choose another path"
    ]
    assert claims.read_bytes() == before


def test_output_over_the_audited_document_is_refused(runner, tmp_path):
    document = tmp_path / "practice.json"
    document.write_bytes(ERRORS_DOCUMENT.read_bytes())
    result = invoke(runner, "check", document, "--format", "json", "-o", document)
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {document}: output is the input {document}; choose another path"
    ]
    assert document.read_bytes() == ERRORS_DOCUMENT.read_bytes()


def test_output_through_a_symlink_into_the_bundle_is_refused(runner, bundle_dir, tmp_path):
    link = tmp_path / "report.csv"
    link.symlink_to(bundle_dir / "claims.csv")
    before = (bundle_dir / "claims.csv").read_bytes()
    result = invoke(runner, "check", bundle_dir, "-o", link)
    assert result.exit_code == 2
    assert "output lies inside the input folder" in result.stderr
    assert (bundle_dir / "claims.csv").read_bytes() == before


def test_output_over_the_waivers_file_is_refused(runner, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    result = invoke(runner, "check", ERRORS_DOCUMENT, "--waivers", waivers, "-o", waivers)
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {waivers}: output is the input {waivers}; choose another path"
    ]
    assert waivers.read_text(encoding="utf-8") == "waivers: []\n"


def test_baseline_over_an_input_is_refused(runner, bundle_dir):
    target = bundle_dir / "baseline.json"
    result = invoke(runner, "baseline", bundle_dir, "-o", target)
    assert result.exit_code == 2
    assert f"{target}: output lies inside the input folder {bundle_dir}" in result.stderr
    assert not target.exists()


def test_one_path_named_for_two_reports_is_refused(runner, tmp_path):
    target = tmp_path / "report.json"
    result = invoke(runner, "check", ERRORS_DOCUMENT, "-o", target, "--report", f"json:{target}")
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {target}: output named twice (also {target})"
    ]


# ------------------------------------------------------------------ checked before writing


def test_a_bad_report_folder_is_found_before_anything_is_written(runner, tmp_path):
    first = tmp_path / "report.txt"
    first.write_text("previous report\n", encoding="utf-8")
    missing = tmp_path / "no" / "such" / "report.html"
    result = invoke(runner, "check", ERRORS_DOCUMENT, "-o", first, "--report", f"html:{missing}")
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {missing}: cannot write output (no such folder)"
    ]
    assert first.read_text(encoding="utf-8") == "previous report\n"


def test_a_folder_as_report_is_found_before_anything_is_written(runner, tmp_path):
    first = tmp_path / "report.txt"
    result = invoke(runner, "check", ERRORS_DOCUMENT, "-o", first, "--report", f"csv:{tmp_path}")
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {tmp_path}: cannot write output (is a folder)"
    ]
    assert not first.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_exit_2(runner):
    result = invoke(runner, "check", ERRORS_DOCUMENT, "-o", "/dev/full")
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        "bhi-audit: error: /dev/full: cannot write output (No space left on device)"
    ]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_standard_output_is_one_line_and_exit_2():
    with open("/dev/full", "w", encoding="utf-8") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "bhi_audit", "check", str(ERRORS_DOCUMENT)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            check=False,
        )
    assert completed.returncode == 2
    assert lines_of(completed.stderr) == [
        "bhi-audit: error: standard output: cannot write report (No space left on device)"
    ]


# ------------------------------------------------------------------ whole or not at all


def _failing_renderer(exc: BaseException):
    def render(result, out) -> None:
        out.write("half a rep")
        raise exc

    return render


def test_a_write_error_keeps_the_previous_report(runner, tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("previous report\n", encoding="utf-8")
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setitem(reporters.REPORTERS, "text", _failing_renderer(full))
    result = invoke(runner, "check", ERRORS_DOCUMENT, "-o", target)
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {target}: cannot write output (No space left on device)"
    ]
    assert target.read_text(encoding="utf-8") == "previous report\n"
    assert leftovers(tmp_path) == []


def test_ctrl_c_while_rendering_keeps_the_previous_report(runner, tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("previous report\n", encoding="utf-8")
    monkeypatch.setitem(reporters.REPORTERS, "text", _failing_renderer(KeyboardInterrupt()))
    result = invoke(runner, "check", ERRORS_DOCUMENT, "-o", target)
    assert result.exit_code != 0
    assert target.read_text(encoding="utf-8") == "previous report\n"
    assert leftovers(tmp_path) == []


def test_two_writers_of_one_path_leave_one_whole_file(tmp_path):
    """Two runs writing one -o at once: interleaved writes, then the later rename wins."""
    target = tmp_path / "report.json"
    first = {"run": 1, "findings": ["a"] * 50}
    second = {"run": 2, "findings": ["b"] * 10}
    with atomic_output(target) as one, atomic_output(target) as two:
        for text_one, text_two in zip(
            json.dumps(first).split(","), json.dumps(second).split(","), strict=False
        ):
            one.write(text_one + ",")
            one.flush()
            two.write(text_two + ",")
            two.flush()
        one.seek(0)
        one.truncate()
        one.write(json.dumps(first))
        two.seek(0)
        two.truncate()
        two.write(json.dumps(second))
    assert json.loads(target.read_text(encoding="utf-8")) == first
    assert leftovers(tmp_path) == []


def test_a_replaced_report_keeps_its_file_mode(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    with atomic_output(target) as out:
        out.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640


# ------------------------------------------------------------------ generate


def test_generate_refuses_a_folder_that_is_not_empty(runner, bundle_dir):
    before = {p.name: p.read_bytes() for p in bundle_dir.iterdir()}
    result = invoke(runner, *GENERATE, "--out", bundle_dir)
    assert result.exit_code == 2
    assert lines_of(result.stderr) == [
        f"bhi-audit: error: {bundle_dir}: folder is not empty (claim_lines.csv, claims.csv, "
        "consents.csv and 3 more); choose a new folder, or --force to replace a practice "
        "generated there before"
    ]
    assert {p.name: p.read_bytes() for p in bundle_dir.iterdir()} == before


def test_generate_force_never_removes_files_it_did_not_write(runner, bundle_dir):
    before = {p.name: p.read_bytes() for p in bundle_dir.iterdir()}
    result = invoke(runner, *GENERATE, "--out", bundle_dir, "--force")
    assert result.exit_code == 2
    assert "has no ground_truth.json; nothing was removed" in result.stderr
    assert {p.name: p.read_bytes() for p in bundle_dir.iterdir()} == before


def test_generate_force_refuses_a_practice_with_a_foreign_file(runner, tmp_path):
    out = tmp_path / "practice"
    assert invoke(runner, *GENERATE, "--out", out).exit_code == 0
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = invoke(runner, *GENERATE, "--out", out, "--force", "--format", "json")
    assert result.exit_code == 2
    assert "holds other files (notes.txt); nothing was removed" in result.stderr
    assert (out / "claims.csv").exists()


def test_generate_force_in_another_format_leaves_no_mixed_practice(runner, tmp_path):
    out = tmp_path / "practice"
    assert invoke(runner, *GENERATE, "--out", out, "--format", "837p").exit_code == 0
    result = invoke(runner, *GENERATE, "--out", out, "--format", "json", "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["ground_truth.json", "practice.json"]
