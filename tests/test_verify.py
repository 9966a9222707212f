"""``bhi-audit check --signoff`` and ``bhi-audit verify``: a signed report against its inputs.

Every test works in a temporary folder holding a copy of the sample practice, and runs the
real CLI from there, so the recorded input paths (``sample_claims/...``) are relative.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bhi_audit import RULEBOOK_VERSION
from bhi_audit.cli import main
from bhi_audit.signoff import digest_of

from conftest import SAMPLE

SIGNOFF = """\
reviewer = "Dana Reviewer"
role = "Compliance officer"
date = 2026-12-03
decision = "approved-with-conditions"
notes = "fix C007 before submission"
"""
AS_OF = ["--as-of", "2026-12-02"]


@pytest.fixture
def practice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with ``sample_claims/`` and ``signoff.toml``; the tests run in it."""
    shutil.copytree(SAMPLE, tmp_path / "sample_claims")
    (tmp_path / "signoff.toml").write_text(SIGNOFF, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BHI_AUDIT_REDACT_KEY", raising=False)
    return tmp_path


def signed_report(runner, *extra: str, name: str = "report.json") -> dict:
    """Run ``check --signoff signoff.toml --format json`` and return the report."""
    args = ["check", "sample_claims", "--format", "json", "-o", name, "--signoff", "signoff.toml"]
    done = runner.invoke(main, [*args, *AS_OF, *extra])
    assert done.exit_code == 1, done.output  # the sample has errors
    return json.loads(Path(name).read_text(encoding="utf-8"))


def redigest(path: Path, document: dict) -> None:
    """Write ``document`` with its digest recomputed, as someone editing a report could."""
    value, config = digest_of(
        document["inputs"], document["rulebook_version"], document["config"], document["findings"]
    )
    document["digest"].update(sha256=value, config_sha256=config)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def test_a_signed_report_verifies_against_its_inputs(runner, practice):
    report = signed_report(runner)
    assert report["signoff"] == {
        "reviewer": "Dana Reviewer",
        "role": "Compliance officer",
        "date": "2026-12-03",
        "decision": "approved-with-conditions",
        "notes": "fix C007 before submission",
    }
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 0, done.output
    assert done.output == (
        f"report.json: verified: same 13 inputs, rulebook {RULEBOOK_VERSION}, configuration and "
        f"{len(report['findings'])} findings (digest {report['digest']['sha256']}); signed off "
        "by Dana Reviewer (Compliance officer) on 2026-12-03: approved-with-conditions\n"
    )


def test_the_digest_is_the_documented_sha256_and_ignores_the_signoff(runner, practice):
    signed = signed_report(runner)
    runner.invoke(main, ["check", "sample_claims", "--format", "json", "-o", "u.json", *AS_OF])
    unsigned = json.loads(Path("u.json").read_text(encoding="utf-8"))
    assert unsigned["signoff"] is None
    assert unsigned["digest"] == signed["digest"]
    import hashlib

    def canonical(value: object) -> bytes:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")

    config_sha = hashlib.sha256(canonical(signed["config"])).hexdigest()
    payload = {
        "scheme": "bhi-audit-digest/1",
        "inputs": signed["inputs"],
        "rulebook_version": signed["rulebook_version"],
        "config_sha256": config_sha,
        "findings": signed["findings"],
    }
    assert signed["digest"] == {
        "scheme": "bhi-audit-digest/1",
        "sha256": hashlib.sha256(canonical(payload)).hexdigest(),
        "config_sha256": config_sha,
        "redacted": False,
    }


def test_one_changed_input_byte_fails_naming_the_input_and_the_findings(runner, practice):
    signed_report(runner)
    entries = Path("sample_claims/time_entries.csv")
    text = entries.read_text(encoding="utf-8")
    changed = text.replace("T177,P029,S-EVANS,2026-03-27,20,", "T177,P029,S-EVANS,2026-03-27,19,")
    assert changed != text and len(changed) == len(text)
    entries.write_text(changed, encoding="utf-8")
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 1
    lines = done.output.splitlines()
    assert lines[0] == "report.json: does not match PATHS:"
    assert lines[1].startswith("  input changed: sample_claims/time_entries.csv (sha256 ")
    assert (
        "  finding disappeared: sample_claims/claim_lines.csv:48 BHI-TIME-007 error: time entry "
        "T177: 20 min counted toward BHI+CCM"
    ) in lines
    assert (
        "  finding appeared: sample_claims/time_entries.csv:178 BHI-DOC-001 warning: time entry "
        "T177: 19 min but 20 min between start and end"
    ) in lines
    assert not any("rulebook" in line or "configuration" in line for line in lines)


def test_another_rulebook_revision_fails(runner, practice):
    report = signed_report(runner)
    report["rulebook_version"] = "bhi-rules rev. 2025-01-01"
    redigest(Path("report.json"), report)
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 1
    assert done.output.splitlines()[1:] == [
        f"  rulebook revision: the report has bhi-rules rev. 2025-01-01, this bhi-audit has "
        f"{RULEBOOK_VERSION}"
    ]


def test_a_finding_removed_from_the_report_fails_even_with_a_recomputed_digest(runner, practice):
    report = signed_report(runner)
    removed = report["findings"].pop(0)
    redigest(Path("report.json"), report)
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 1
    assert done.output.splitlines()[1:] == [
        f"  finding appeared: {removed['location']} {removed['check_id']} {removed['severity']}: "
        f"{removed['message']}"
    ]


def test_a_tampered_digest_is_unusable(runner, practice):
    report = signed_report(runner)
    report["findings"][0]["message"] = "nothing to see"
    Path("report.json").write_text(json.dumps(report), encoding="utf-8")
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 2
    assert done.output == (
        "bhi-audit: error: report.json: digest: does not match the report's own content: the "
        "report was edited after it was written (tampered); nothing in it can be trusted\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "report.json: not a JSON document (give the --format json report)"),
        ('{"tool": "flake8"}', 'report.json: not a bhi-audit JSON report (no "tool": "bhi-audit")'),
        (
            '{"tool": "bhi-audit", "rulebook_version": "x", "inputs": [], "config": '
            '{"source": "defaults"}, "findings": []}',
            "report.json: digest: the report has no digest (written by an older bhi-audit): run "
            "`bhi-audit check --format json` again to get one",
        ),
        (
            '{"tool": "bhi-audit", "rulebook_version": "x", "inputs": 3}',
            "report.json: inputs: not a usable bhi-audit report (Input should be a valid list)",
        ),
    ],
    ids=["not-json", "other-tool", "no-digest", "bad-shape"],
)
def test_an_unusable_report_exits_2(runner, practice, content, message):
    Path("report.json").write_text(content, encoding="utf-8")
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 2
    assert done.output == f"bhi-audit: error: {message}\n"


def test_the_recorded_configuration_and_selection_are_reused(runner, practice):
    Path("audit.toml").write_text('ignore = ["BHI-COST-001"]\nfail-on = "warning"\n')
    signed_report(runner, "--config", "audit.toml", "--ignore", "BHI-PAY-001")
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 0, done.output
    Path("audit.toml").write_text('ignore = ["BHI-COST-001"]\nfail-on = "error"\n')
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 1
    assert done.output.splitlines()[1:] == ["  configuration changed: fail_on"]


def test_a_redacted_report_verifies_with_its_key_only(runner, practice):
    report = signed_report(runner, "--redact", "--redact-key", "k1")
    assert report["digest"]["redacted"] is True
    assert "C007" not in json.dumps(report)  # the reviewer's notes are redacted too
    done = runner.invoke(main, ["verify", "report.json", "sample_claims", "--redact-key", "k1"])
    assert done.exit_code == 0, done.output
    done = runner.invoke(main, ["verify", "report.json", "sample_claims", "--redact-key", "k2"])
    assert done.exit_code == 1
    assert done.output.splitlines()[-1] == (
        "  (a redacted report: verify needs the --redact-key or BHI_AUDIT_REDACT_KEY it was "
        "written with, or the same lack of one)"
    )
    for identifier in ("P029", "C007", "T177"):
        assert identifier not in done.output


def test_a_signoff_for_another_digest_is_refused(runner, practice):
    Path("signoff.toml").write_text(SIGNOFF + f'digest = "{"0" * 64}"\n', encoding="utf-8")
    done = runner.invoke(
        main,
        ["check", "sample_claims", "--format", "json", "-o", "r.json", "--signoff", "signoff.toml"],
    )
    assert done.exit_code == 2
    assert done.output.startswith(
        "bhi-audit: error: signoff.toml:6: digest: the sign-off was made for report 000000000000…"
    )
    assert not Path("r.json").exists()


def test_a_signoff_for_this_digest_is_accepted(runner, practice):
    digest = signed_report(runner)["digest"]["sha256"]
    Path("signoff.toml").write_text(SIGNOFF + f'digest = "{digest}"\n', encoding="utf-8")
    assert signed_report(runner, name="again.json")["digest"]["sha256"] == digest


def test_same_input_and_signoff_give_byte_identical_reports(runner, practice):
    for name in ("a", "b"):
        args = ["check", "sample_claims", "--signoff", "signoff.toml", *AS_OF]
        runner.invoke(main, [*args, "--format", "json", "-o", f"{name}.json"])
        runner.invoke(main, [*args, "--format", "html", "-o", f"{name}.html"])
        runner.invoke(main, [*args, "--format", "text", "-o", f"{name}.txt"])
    for suffix in ("json", "html", "txt"):
        assert Path(f"a.{suffix}").read_bytes() == Path(f"b.{suffix}").read_bytes()
    text = Path("a.txt").read_text(encoding="utf-8").splitlines()
    digest = json.loads(Path("a.json").read_text(encoding="utf-8"))["digest"]["sha256"]
    assert text[-3:] == [
        "signed off: Dana Reviewer (Compliance officer), 2026-12-03: approved-with-conditions",
        "sign-off notes: fix C007 before submission",
        f"report digest: sha256 {digest}",
    ]


def test_waivers_are_judged_on_the_recorded_day(runner, practice):
    Path("waivers.yaml").write_text(
        "waivers:\n"
        "  - id: W-1\n"
        "    check: BHI-TIME-001\n"
        "    claim: C041\n"
        "    reason: time log recovered from the paper chart and re-keyed\n"
        "    approved_by: J. Rivera (compliance)\n"
        "    approved_on: 2026-01-01\n"
        "    expires: 2026-01-31\n",
        encoding="utf-8",
    )
    args = ["check", "sample_claims", "--format", "json", "-o", "report.json"]
    runner.invoke(main, [*args, "--waivers", "waivers.yaml", "--as-of", "2026-01-15"])
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert [f["claim_id"] for f in report["findings"] if f["waiver"]] == ["C041"]
    # NOTE: judged on any later day the waiver has expired, and the finding would differ.
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 0, done.output


def test_a_changed_waivers_file_is_named_with_the_key_that_moved(runner, practice):
    Path("waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    signed_report(runner, "--waivers", "waivers.yaml")
    Path("waivers.yaml").write_text("waivers: []  # reviewed\n", encoding="utf-8")
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 1
    assert done.output.splitlines()[1:] == ["  configuration changed: waivers.sha256"]


def test_waivers_without_a_stated_day_verify_on_the_recorded_day(runner, practice):
    # The run states no --as-of: verify replays the waivers' day without reporting "as_of"
    # as a configuration change (the report's config has no such key).
    Path("waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    runner.invoke(
        main,
        [
            "check",
            "sample_claims",
            "--waivers",
            "waivers.yaml",
            "--format",
            "json",
            "-o",
            "report.json",
        ],
    )
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert "as_of" not in report["config"] and report["config"]["waivers"]["as_of"]
    done = runner.invoke(main, ["verify", "report.json", "sample_claims"])
    assert done.exit_code == 0, done.output
