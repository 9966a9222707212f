"""The ``--signoff`` file (TOML or YAML); each problem is ``path:line: field: message``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.errors import ConfigError
from bhi_audit.signoff import load_signoff

from conftest import SAMPLE

TOML = """\
reviewer = "Dana Reviewer"
role = "Compliance officer"
date = 2026-12-03
decision = "approved"
notes = \"\"\"first line
second line\"\"\"
"""
YAML = """\
reviewer: Dana Reviewer
role: Compliance officer
date: 2026-12-03
decision: approved
notes: |
  first line
  second line
"""


@pytest.mark.parametrize(
    ("name", "text"), [("s.toml", TOML), ("s.yaml", YAML)], ids=["toml", "yaml"]
)
def test_toml_and_yaml_give_the_same_signoff(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    signed = load_signoff(path)
    assert signed.signoff().model_dump() == {
        "reviewer": "Dana Reviewer",
        "role": "Compliance officer",
        "date": date(2026, 12, 3),
        "decision": "approved",
        "notes": "first line\nsecond line",
    }
    assert signed.digest is None


BAD = [
    (
        "s.toml",
        TOML + 'signature = "x"\n',
        "s.toml:7: signature: unknown key (expected reviewer, role, date, decision, notes, digest)",
    ),
    (
        "s.toml",
        TOML.replace('"approved"', '"ok"'),
        "s.toml:4: decision: must be one of approved, approved-with-conditions, not-approved",
    ),
    (
        "s.yaml",
        YAML.replace("2026-12-03", "2026-02-30"),
        "s.yaml:3: date: Input should be a valid "
        "date or datetime, day value is outside expected range",
    ),
    (
        "s.yaml",
        YAML.replace("2026-12-03", "12/03/2026"),
        "s.yaml:3: date: must be a day written YYYY-MM-DD",
    ),
    (
        "s.toml",
        TOML.replace("2026-12-03", "2026-12-03T10:00:00"),
        "s.toml:3: date: must be a day written YYYY-MM-DD",
    ),
    ("s.toml", TOML.replace('reviewer = "Dana Reviewer"\n', ""), "s.toml: reviewer: required"),
    (
        "s.toml",
        TOML.replace('"Dana Reviewer"', '"Dana\\nReviewer"'),
        "s.toml:1: reviewer: must be one line of text (no line breaks or control characters)",
    ),
    ("s.toml", TOML.replace('"Compliance officer"', '"  "'), "s.toml:2: role: must not be blank"),
    (
        "s.toml",
        TOML + 'digest = "abc"\n',
        "s.toml:7: digest: must be the report digest: 64 hex digits",
    ),
    ("s.toml", "reviewer = ", "s.toml: not valid TOML (Invalid value (at end of document))"),
    ("s.yaml", "- a\n- b\n", "s.yaml: sign-off file must be a table of keys (reviewer, role, ...)"),
    ("s.txt", TOML, "s.txt: sign-off file must be .toml, .yaml or .yml"),
]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    BAD,
    ids=[
        "unknown-key",
        "bad-decision",
        "impossible-day",
        "us-date",
        "datetime",
        "missing",
        "newline",
        "blank",
        "bad-digest",
        "bad-toml",
        "not-a-mapping",
        "suffix",
    ],
)
def test_a_malformed_signoff_file_is_one_clear_error(tmp_path, monkeypatch, name, text, message):
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_signoff(Path(name))
    assert str(raised.value) == message


def test_a_malformed_signoff_file_stops_check_with_exit_2_before_any_report(runner, tmp_path):
    (tmp_path / "s.toml").write_text(TOML + "color = 1\n", encoding="utf-8")
    out = tmp_path / "r.json"
    done = runner.invoke(
        main,
        [
            "check",
            str(SAMPLE),
            "--format",
            "json",
            "-o",
            str(out),
            "--signoff",
            str(tmp_path / "s.toml"),
        ],
    )
    assert done.exit_code == 2
    assert done.output == (
        f"bhi-audit: error: {tmp_path / 's.toml'}:7: color: unknown key (expected reviewer, role, "
        "date, decision, notes, digest)\n"
    )
    assert not out.exists()


def test_a_missing_signoff_file_is_exit_2(runner, tmp_path):
    done = runner.invoke(main, ["check", str(SAMPLE), "--signoff", str(tmp_path / "none.toml")])
    assert done.exit_code == 2
    assert "none.toml: cannot read sign-off file (No such file or directory)" in done.output
