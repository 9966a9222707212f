"""PHI canary: under --redact no identifying value of the input survives in any output byte.

A generated practice (bhi_audit.generator) has every identifying value rewritten, as it is
generated, to a unique canary: patient ids, names, Medicare ids, claim ids, every record id,
free-text notes, file and directory names (``CANARY<n>...``), and dates of birth (unique days
in 1900-1912, looked for in every form the tool could print). The practice is then written as
CSV, a JSON bundle document, X12 837P and FHIR NDJSON, with invalid rows that carry canaries
(rejected records), a plugin check that crashes with the record's repr in its message, an
unmatched waiver and a stale baseline entry (stderr warnings), and for 837P ``--x12-validate``
with a tampered DMG segment and ``--id-map``. The same runs without redaction must show the
canaries, so every assertion here can fail.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import bhi_audit.generator as generator
from bhi_audit.cli import main
from bhi_audit.generator import GenerateSpec, generate
from bhi_audit.redact import claim_pseudonym
from bhi_audit.reporters import REPORTERS

CANARY = re.compile(r"canary\d+", re.IGNORECASE)
FORMATS = sorted(REPORTERS)
#: Columns whose values identify a patient or a record of one (staff are not patients).
ID_COLUMNS = {
    "patient_id",
    "claim_id",
    "entry_id",
    "consent_id",
    "review_id",
    "assessment_id",
    "care_plan_id",
    "visit_id",
    "enrollment_id",
    "episode_id",
    "medicare_id",
}
TEXT_COLUMNS = {"note", "notes", "activity", "end_reason"}
KEY = "canary-test-key"
#: What a redacted report says of the rejections particular to one input format.
REJECTION_KINDS = {
    "fhir-ndjson": (
        "/patient/reference: reference to a record that is not in the input",
        "/dateTime: invalid value",
        "/provision/code/0/coding/0/code: FHIR element bhi-audit cannot use",
    ),
    "837p": ("pyx12: fails 837P implementation-guide validation (pyx12)",),
}

CRASHING_PLUGIN = '''"""Canary plugin: raises with the patient-month's repr in its message.

Why: a crashing check must not carry a record's repr into a redacted report.
Source: synthetic test plugin.
Passes: never.
Fails: raises on every patient-month.
"""

ID = "CANARYTEST-001"
NAME = "canary-crash"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"


def check(month, options):
    """Raise with the record's repr."""
    raise ValueError(repr(month.records.patient))
    yield
'''


class Canaries:
    """Rewrites identifying values to canaries, the same value always to the same canary."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.dobs: dict[str, str] = {}

    def token(self, value: str, tag: str) -> str:
        """The canary standing for ``value``."""
        if value not in self.values:
            self.values[value] = f"CANARY{len(self.values) + 1}{tag}"
        return self.values[value]

    def dob(self, value: str) -> str:
        """A unique birth date no other date of the practice can be equal to."""
        if value not in self.dobs:
            self.dobs[value] = (date(1900, 1, 1) + timedelta(days=37 * len(self.dobs))).isoformat()
        return self.dobs[value]

    def row(self, kind: str, row: dict[str, Any]) -> dict[str, Any]:
        """One generated row with every identifying value replaced."""
        out = dict(row)
        for column, value in row.items():
            if value in ("", None):
                continue
            if column in ID_COLUMNS:
                out[column] = self.token(str(value), "I")
            elif column == "patients_reviewed":
                out[column] = ";".join(self.token(v, "I") for v in str(value).split(";") if v)
            elif column in TEXT_COLUMNS:
                out[column] = f"{self.token(str(value), 'T')} free text"
            elif kind == "patients" and column == "name":
                name = self.token(str(value), "N")
                out[column] = f"{name}a {name}b"
            elif kind == "patients" and column == "dob":
                out[column] = self.dob(str(value))
        return out

    def dob_forms(self) -> list[str]:
        """Each canary birth date as ISO, as X12 writes it, and as Python's repr."""
        forms = []
        for iso in self.dobs.values():
            day = date.fromisoformat(iso)
            forms += [iso, day.strftime("%Y%m%d"), f"date({day.year}, {day.month}, {day.day})"]
        return forms


@pytest.fixture(scope="module")
def practices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The canary practice in four formats, plus the extras every run is given."""
    root = tmp_path_factory.mktemp("phi")
    canaries = Canaries()
    real = generator.iter_batches

    def canary_batches(*args: Any) -> Iterator[dict[str, list[dict[str, Any]]]]:
        for batch in real(*args):
            yield {kind: [canaries.row(kind, r) for r in rows] for kind, rows in batch.items()}

    spec = GenerateSpec(patients=8, months=2, seed=3, defect_rate=0.4)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(generator, "iter_batches", canary_batches)
    try:
        dirs = {}
        for fmt in ("csv", "json", "837p", "fhir-ndjson"):
            out = root / canaries.token(f"directory {fmt}", "D")
            generate(spec, out, fmt)
            dirs[fmt] = out
    finally:
        monkeypatch.undo()
    patient = canaries.values["P000001"]
    runs: dict[str, list[str]] = {"csv": [str(dirs["csv"])]}
    # File names derived from patients, as a practice management system might export them.
    named = dirs["json"] / f"{canaries.token('json file', 'F')}_practice.json"
    (dirs["json"] / "practice.json").rename(named)
    runs["json"] = [str(named)]
    x12 = dirs["837p"] / "x12" / f"{canaries.token('x12 file', 'F')}.837"
    text = (dirs["837p"] / "x12" / "claims.837").read_text(encoding="utf-8")
    (dirs["837p"] / "x12" / "claims.837").unlink()
    # NOTE: a birth date one digit too long: pyx12 reports it, quoting the value.
    text = re.sub(r"DMG\*D8\*([0-9]{8})\*", r"DMG*D8*\g<1>9*", text, count=1)
    x12.write_text(text, encoding="utf-8")
    runs["837p"] = [str(dirs["837p"]), str(x12)]
    fhir = dirs["fhir-ndjson"]
    consents = fhir / "Consent.ndjson"
    original = consents.read_text(encoding="utf-8").splitlines()[0]
    first = json.loads(original)
    first["id"] = canaries.token("fhir consent", "R")
    first["patient"] = {"reference": f"Patient/{canaries.token('fhir patient', 'R')}"}
    bad_date = {**json.loads(original), "id": canaries.token("fhir bad date", "R")}
    bad_date["dateTime"] = "2026-02-31"
    bad_code = json.loads(original)
    bad_code["id"] = canaries.token("fhir bad code", "R")
    bad_code["provision"]["code"][0]["coding"][0]["code"] = canaries.token("fhir code", "V")
    with consents.open("a", encoding="utf-8") as handle:
        for resource in (first, bad_date, bad_code):
            handle.write(json.dumps(resource) + "\n")
    for path in sorted(fhir.glob("*.ndjson")):
        path.rename(fhir / f"{canaries.token(path.name, 'F')}-{path.name}")
    runs["fhir-ndjson"] = [str(fhir)]
    # Invalid rows that carry canaries, and a duplicate id, in a directory given with each.
    bad = root / canaries.token("bad rows", "D")
    bad.mkdir()
    (bad / "time_entries.csv").write_text(
        "entry_id,patient_id,staff_id,date,minutes,program,note\n"
        f"{canaries.token('bad entry', 'I')},{patient},RN001,"
        f"{canaries.token('bad date', 'V')},{canaries.token('bad minutes', 'V')},BHI,"
        f"{canaries.token('bad note', 'T')}\n"
        f"{canaries.token('twice', 'I')},{patient},RN001,2026-01-05,5,BHI,\n"
        f"{canaries.token('twice', 'I')},{patient},RN001,2026-01-06,5,BHI,\n",
        encoding="utf-8",
    )
    # A rejected claim and a rejected line of another claim: the rejections name the claims.
    rejected_claims = (canaries.token("rejected claim", "I"), canaries.token("line claim", "I"))
    (bad / "claims.csv").write_text(
        "claim_id,patient_id,billing_practitioner,diagnoses\n"
        f"{rejected_claims[0]},{patient},RN001,NOTACODE\n",
        encoding="utf-8",
    )
    (bad / "claim_lines.csv").write_text(
        f"claim_id,line_number,code,date_of_service\n{rejected_claims[1]},1,BADCODE,2026-01-05\n",
        encoding="utf-8",
    )
    extras = root / "extras"
    extras.mkdir()
    (extras / "plugin").mkdir()
    (extras / "plugin" / "canary_crash.py").write_text(CRASHING_PLUGIN, encoding="utf-8")
    (extras / "waivers.yaml").write_text(
        "waivers:\n"
        "  - id: W-1\n"
        "    check: BHI-DMHT-001\n"
        f"    patient: {patient}\n"
        "    reason: canary waiver that matches no finding of this practice\n"
        "    approved_by: J. Rivera (compliance)\n"
        "    expires: 2026-06-30\n",
        encoding="utf-8",
    )
    (extras / "baseline.json").write_text(
        json.dumps(
            {
                "format": "bhi-audit-baseline",
                "version": 1,
                "entries": [
                    {"check_id": "BHI-DMHT-001", "patient_id": patient, "count": 3},
                ],
            }
        ),
        encoding="utf-8",
    )
    (extras / "id_map.csv").write_text(
        (dirs["837p"] / "x12" / "id_map.csv").read_text(encoding="utf-8")
        + f"patient,{canaries.token('mapped member', 'M')},{patient}\n",
        encoding="utf-8",
    )
    yield {
        "runs": runs,
        "bad": str(bad),
        "extras": extras,
        "canaries": canaries,
        "rejected_claims": rejected_claims,
    }
    shutil.rmtree(root, ignore_errors=True)


def _run(practices: dict[str, Any], fmt: str, out: Path, *options: str) -> tuple[str, Any]:
    """Audit one format of the practice into every report format; all output bytes joined."""
    out.mkdir(parents=True, exist_ok=True)
    extras = practices["extras"]
    args = ["check", *practices["runs"][fmt], practices["bad"], "--format", "text"]
    args += ["--checks-dir", str(extras / "plugin"), "--waivers", str(extras / "waivers.yaml")]
    args += ["--baseline", str(extras / "baseline.json"), "--as-of", "2026-03-01"]
    if fmt == "837p":
        args += ["--x12-validate", "--id-map", str(extras / "id_map.csv")]
    for report in FORMATS:
        args += ["--report", f"{report}:{out / ('report.' + report)}"]
    result = CliRunner().invoke(main, [*args, *options])
    texts = [result.stdout, result.stderr]
    texts += [(out / f"report.{report}").read_text(encoding="utf-8") for report in FORMATS]
    return "\n".join(texts), result


def _leaks(text: str, canaries: Canaries) -> list[str]:
    found = sorted(set(CANARY.findall(text)))
    return found + [form for form in canaries.dob_forms() if form in text]


@pytest.mark.parametrize("fmt", ["csv", "json", "837p", "fhir-ndjson"])
def test_no_canary_in_any_redacted_output(practices, tmp_path, fmt):
    plain, run = _run(practices, fmt, tmp_path / "plain", "--no-redact")
    assert run.exit_code == 1, plain[-2000:]
    shown = set(CANARY.findall(plain))
    # The unredacted run does show ids, notes, file names, rejected values and crash reprs.
    assert len(shown) > 20, shown
    assert any(form in plain for form in practices["canaries"].dob_forms())
    redacted, run = _run(practices, fmt, tmp_path / "redacted", "--redact", "--redact-key", KEY)
    assert run.exit_code == 1
    assert _leaks(redacted, practices["canaries"]) == []
    for marker in ("pt-", "cl-", "id-", "input-", "ValueError", "withheld under --redact"):
        assert marker in redacted, marker
    # The fix-first worklist and documentation checklist are in the output checked above.
    assert '<tr class="wl-row"' in redacted and '<section class="wl-patient"' in redacted
    # Rejections keep field and kind of problem (recorded by the loader), not the message.
    for problem in ("date: invalid value", "minutes: invalid value", "duplicate record"):
        assert problem in redacted, problem
    for problem in REJECTION_KINDS.get(fmt, ()):
        assert problem in redacted, problem
    # The rejected claim and claim line name their claims: by id unredacted, by pseudonym
    # (the claim id space) redacted, in every format that lists a rejection's claim.
    for claim in practices["rejected_claims"]:
        assert f"[{claim}]" in plain
        for report in ("csv", "html", "json", "sarif", "text"):
            shown = (tmp_path / "redacted" / f"report.{report}").read_text(encoding="utf-8")
            assert claim_pseudonym(KEY.encode("utf-8"), claim) in shown, (claim, report)


def test_redacted_stderr_keeps_the_warnings_without_identifiers(practices, tmp_path):
    _, plain = _run(practices, "csv", tmp_path / "plain", "--no-redact")
    assert CANARY.findall(plain.stderr)  # the warnings do name the patient when not redacting
    _, run = _run(practices, "csv", tmp_path / "redacted", "--redact", "--redact-key", KEY)
    assert CANARY.findall(run.stderr) == []
    assert "warning: waiver W-1 (BHI-DMHT-001, patient pt-" in run.stderr
    assert "warning: baseline entry BHI-DMHT-001 pt-" in run.stderr


def test_unusable_input_under_redaction_names_only_a_label(practices, tmp_path):
    bad_map = tmp_path / "id_map.csv"
    bad_map.write_text(
        "kind,external_id,bundle_id\npatient,CANARY999M,CANARY998I\npatient,CANARY999M,CANARY997I\n",
        "utf-8",
    )
    args = ["check", *practices["runs"]["837p"], "--id-map", str(bad_map), "--format", "sarif"]
    plain = CliRunner().invoke(main, [*args, "--no-redact"])
    assert plain.exit_code == 2
    assert "CANARY999M" in plain.stderr
    redacted = CliRunner().invoke(main, [*args, "--redact-key", KEY])
    assert redacted.exit_code == 2
    assert CANARY.findall(redacted.stderr) == []
    assert "input-" in redacted.stderr and ":3: unusable input" in redacted.stderr


def test_unusable_input_without_a_key_names_no_file(practices, tmp_path):
    missing = Path(practices["bad"]) / "CANARY996F.csv"
    result = CliRunner().invoke(main, ["check", str(missing), "--redact"], env={})
    assert result.exit_code == 2
    assert result.stderr == (
        "bhi-audit: error: input: unusable input "
        "(details withheld under --redact; rerun without it to see them)\n"
    )
