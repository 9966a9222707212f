"""Baseline: written by stable identity, matches re-exported files, never absorbs new findings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bhi_audit.cli import main


def rewrite_csv(path: Path, transform) -> None:
    """Rewrite a CSV file through ``transform(header, rows) -> (header, rows)``."""
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    header, rows = transform(header, rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])


def reexport(claims: Path) -> None:
    """Reverse every file's rows and columns, as another export of the same data would."""
    for path in claims.glob("*.csv"):
        rewrite_csv(path, lambda h, rows: (h[::-1], [r[::-1] for r in reversed(rows)]))


def append_rows(path: Path, *rows: list[str]) -> None:
    rewrite_csv(path, lambda h, existing: (h, [*existing, *rows]))


#: Only the checks the fixture bundle is built to trip; the rest of the rulebook adds info and
#: not-verifiable findings that would blur what these tests are about.
GATED = ["--select", "BHI-TIME-001,BHI-CONS-001"]


def make_baseline(runner, *extra: str) -> dict:
    result = runner.invoke(
        main, ["baseline", "claims", "--output", "baseline.json", *GATED, *extra]
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(Path("baseline.json").read_text(encoding="utf-8"))


def check(runner, *extra: str) -> tuple[int, dict, str]:
    result = runner.invoke(
        main, ["check", "claims", "--baseline", "baseline.json", "--format", "json", *GATED, *extra]
    )
    assert result.stdout.strip(), result.stderr
    return result.exit_code, json.loads(result.stdout), result.stderr


def marks(document: dict) -> set[tuple[str, str, bool]]:
    return {(f["claim_id"], f["check_id"], f["baselined"]) for f in document["findings"]}


def test_baseline_file_keys_on_identity_not_rows(runner, project):
    document = make_baseline(runner)
    assert document["format"] == "bhi-audit-baseline"
    assert document["version"] == 1
    assert [
        (e["check_id"], e["patient_id"], e["month"], e["code"], e.get("variant"), e["count"])
        for e in document["entries"]
        if e["check_id"] in {"BHI-CONS-001", "BHI-TIME-001"}
    ] == [
        ("BHI-CONS-001", "P2", "2026-03", "99484", None, 1),
        ("BHI-TIME-001", "P1", "2026-03", "99484", None, 1),
        ("BHI-TIME-001", "P4", "2026-03", "99484", None, 1),
    ]
    text = Path("baseline.json").read_text(encoding="utf-8")
    assert "claim_lines.csv" not in text
    assert "C-101" not in text  # no claim ids, files or rows: they change on re-export
    assert text.endswith("}\n")


def test_baseline_is_the_same_after_reexport(runner, project):
    make_baseline(runner)
    before = Path("baseline.json").read_bytes()
    reexport(project / "claims")
    make_baseline(runner)
    assert Path("baseline.json").read_bytes() == before


def test_check_with_baseline_passes_after_reexport(runner, project):
    make_baseline(runner)
    reexport(project / "claims")
    code, document, stderr = check(runner)
    assert code == 0
    assert marks(document) == {
        ("C-101", "BHI-TIME-001", True),
        ("C-102", "BHI-CONS-001", True),
        ("C-104", "BHI-TIME-001", True),
    }
    assert document["totals"]["baselined"] == 3
    assert document["totals"]["errors"] == 3  # still counted and shown, only not gating
    assert document["stale_baseline"] == []
    assert document["config"]["baseline"]["entries"] == 3
    assert stderr == ""


def test_new_finding_fails_even_with_the_same_identity(runner, project):
    make_baseline(runner)
    claims = project / "claims"
    # a second short 99484 claim for P1 in 2026-03: same identity as a baselined finding
    append_rows(claims / "claims.csv", ["C-105", "P1", "S1", "F32.1"])
    append_rows(claims / "claim_lines.csv", ["C-105", "1", "99484", "1", "2026-03-30", "1"])
    # and a new patient short of minutes
    append_rows(claims / "claims.csv", ["C-106", "P5", "S1", "F32.1"])
    append_rows(claims / "claim_lines.csv", ["C-106", "1", "99484", "1", "2026-03-31", "1"])
    append_rows(claims / "patients.csv", ["P5"])
    append_rows(claims / "consents.csv", ["K5", "P5", "BHI", "2026-03-01", "verbal"])
    append_rows(claims / "time_entries.csv", ["T5", "P5", "S1", "2026-03-09", "5", "BHI"])
    code, document, _ = check(runner)
    assert code == 1
    p1 = sorted(
        f["baselined"]
        for f in document["findings"]
        if f["patient_id"] == "P1" and f["check_id"] == "BHI-TIME-001"
    )
    assert p1 == [False, True]  # one of the two is new: the entry's count is 1
    assert ("C-106", "BHI-TIME-001", False) in marks(document)
    assert document["totals"]["baselined"] == 3


def test_fixed_finding_leaves_a_stale_entry(runner, project):
    make_baseline(runner)
    rewrite_csv(
        project / "claims" / "time_entries.csv",
        lambda h, rows: (h, [[*r[:4], "25", r[5]] if r[1] == "P4" else r for r in rows]),
    )
    code, document, stderr = check(runner)
    assert code == 0
    assert [
        (s["check_id"], s["patient_id"], s["month"], s["missing"])
        for s in document["stale_baseline"]
    ] == [("BHI-TIME-001", "P4", "2026-03", 1)]
    assert stderr == (
        "bhi-audit: warning: baseline entry BHI-TIME-001 P4 2026-03 99484: 1 of 1 no longer found\n"
    )


def test_baseline_leaves_out_waived_and_not_waivable(runner, project):
    Path("waivers.yaml").write_text(
        "waivers:\n  - id: W1\n    check: BHI-TIME-001\n    claim: C-101\n"
        "    reason: time re-keyed from the paper chart\n    approved_by: J. Rivera\n"
        "    approved_on: 2099-01-01\n    expires: 2099-12-31\n",
        encoding="utf-8",
    )
    Path("bhi-audit.toml").write_text(
        "waivers = 'waivers.yaml'\nnot-waivable = ['BHI-CONS-001']\n", encoding="utf-8"
    )
    document = make_baseline(runner)
    assert [(e["check_id"], e["patient_id"]) for e in document["entries"]] == [
        ("BHI-TIME-001", "P4")
    ]
    code, result, _ = check(runner)
    assert code == 1  # BHI-CONS-001 on C-102 cannot be baselined
    assert marks(result) == {
        ("C-101", "BHI-TIME-001", False),
        ("C-102", "BHI-CONS-001", False),
        ("C-104", "BHI-TIME-001", True),
    }


def test_bad_baseline_file_is_exit_2(runner, project):
    Path("baseline.json").write_text('{"entries": [{"check_id": "BHI-NOPE-001", "count": 1}]}')
    result = runner.invoke(main, ["check", "claims", "--baseline", "baseline.json"])
    assert result.exit_code == 2
    assert "baseline.json: entry BHI-NOPE-001: no such check: BHI-NOPE-001" in result.stderr


def test_output_with_waivers_and_baseline_is_deterministic(runner, project):
    make_baseline(runner)
    Path("waivers.yaml").write_text(
        "waivers:\n  - id: W1\n    check: BHI-CONS-001\n    patient: P2\n"
        "    reason: consent in visit note\n    approved_by: Dr. A. Chen\n"
        "    approved_on: 2099-01-01\n    expires: 2099-12-31\n",
        encoding="utf-8",
    )
    args = ["check", "claims", "--baseline", "baseline.json", "--waivers", "waivers.yaml", *GATED]
    runs = [runner.invoke(main, [*args, "--format", "json"]) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    document = json.loads(runs[0].stdout)
    # the waiver wins: the waived finding does not use up its baseline entry, which is stale
    assert marks(document) == {
        ("C-101", "BHI-TIME-001", True),
        ("C-102", "BHI-CONS-001", False),
        ("C-104", "BHI-TIME-001", True),
    }
    assert [s["check_id"] for s in document["stale_baseline"]] == ["BHI-CONS-001"]
    assert document["totals"]["waived"] == 1
    assert runs[0].exit_code == 0
