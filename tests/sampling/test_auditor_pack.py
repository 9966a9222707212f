"""The auditor pack: every format from one document, its JSON valid against the committed schema."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import shutil
from decimal import Decimal

import jsonschema
import pytest
from lxml import html

from bhi_audit.cli import main

from conftest import REPO, SAMPLE

pytest.importorskip("scipy")
SCHEMA_PATH = REPO / "docs" / "auditor-pack-schema.json"


def generator():
    spec = importlib.util.spec_from_file_location(
        "gen_auditor_pack_schema", REPO / "scripts" / "gen_auditor_pack_schema.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def appraised(runner, tmp_path, monkeypatch):
    """An appraised 24-unit stratified sample of the sample practice."""
    monkeypatch.chdir(tmp_path)
    frame, sample, out = (tmp_path / n for n in ("frame.csv", "sample.csv", "appraised.csv"))
    assert runner.invoke(main, ["frame", str(SAMPLE), "-o", str(frame)]).exit_code == 0
    args = ["sample", str(frame), "--size", "24", "--strata", "0-100,100-", "--seed", "5"]
    assert runner.invoke(main, [*args, "-o", str(sample)]).exit_code == 0
    result = runner.invoke(main, ["appraise", str(SAMPLE), "--sample", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_committed_schema_is_current():
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == generator().schema(), "run scripts/gen_auditor_pack_schema.py"


def test_json_pack_validates_and_agrees_with_text_and_csv(runner, appraised):
    document = json.loads(
        runner.invoke(main, ["estimate", str(appraised), "--format", "json"]).output
    )
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert document["sample"]["replay"] == "bhi-audit sample frame.csv --replay appraised.csv"
    assert [s["sampled_units"] for s in document["strata"]] == [
        sum(u["stratum"] == s["stratum"] for u in document["units"]) for s in document["strata"]
    ]
    text = runner.invoke(main, ["estimate", str(appraised)]).output
    lower = Decimal(document["variable"]["lower_limit_one_sided_90"])
    assert f"lower limit, one-sided 90%          ${lower:,.2f}" in text
    rows = list(
        csv.DictReader(
            io.StringIO(runner.invoke(main, ["estimate", str(appraised), "--format", "csv"]).output)
        )
    )
    assert [r["unit"] for r in rows] == [u["unit"] for u in document["units"]]
    assert all(
        Decimal(r["overpayment"]) == max(Decimal(r["examined"]) - Decimal(r["audited"]), 0)
        for r in rows
    )


def test_html_pack_shows_the_demand_amount_and_escapes_input(runner, appraised, tmp_path):
    hostile = appraised.read_text(encoding="utf-8").replace(
        ",supported,,,\n", ',supported,,"<script>alert(1)</script>",\n', 1
    )
    assert hostile != appraised.read_text(encoding="utf-8")
    appraised.write_text(hostile, encoding="utf-8")
    out = tmp_path / "pack.html"
    result = runner.invoke(main, ["estimate", str(appraised), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    tree = html.fromstring(page)
    document = json.loads(
        runner.invoke(main, ["estimate", str(appraised), "--format", "json"]).output
    )
    demand = tree.xpath("//td[contains(@class, 'demand')]")[0].text_content()
    assert demand == f"${Decimal(document['variable']['lower_limit_one_sided_90']):,.2f}"
    assert len(tree.xpath("//h2[text()='Sampled units']/following-sibling::table[1]//tr")) == 25
    again = tmp_path / "again.html"
    runner.invoke(main, ["estimate", str(appraised), "--format", "html", "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_estimate_without_scipy_is_one_clear_line(runner, appraised, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_scipy(name, *args, **kwargs):
        if name == "scipy" or name.startswith("scipy."):
            raise ModuleNotFoundError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    result = runner.invoke(main, ["estimate", str(appraised)])
    assert result.exit_code == 2
    assert 'pip install "bhi-audit[sampling]"' in result.output


def test_copying_the_pack_folder_keeps_the_replay_valid(runner, appraised, tmp_path):
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(appraised, moved / "appraised.csv")
    shutil.copy(tmp_path / "frame.csv", moved / "frame.csv")
    result = runner.invoke(
        main, ["sample", str(moved / "frame.csv"), "--replay", str(moved / "appraised.csv")]
    )
    assert result.exit_code == 0, result.output


def test_appraise_writes_the_same_pack_as_estimate(runner, appraised, tmp_path):
    again, pack = tmp_path / "again.csv", tmp_path / "pack.json"
    sample = tmp_path / "sample.csv"
    args = ["appraise", str(SAMPLE), "--sample", str(sample), "-o", str(again)]
    result = runner.invoke(main, [*args, "--report", f"json:{pack}"])
    assert result.exit_code == 0, result.output
    estimated = runner.invoke(main, ["estimate", str(again), "--format", "json"])
    assert pack.read_text(encoding="utf-8") == estimated.output
    bad = runner.invoke(main, [*args, "--report", "sarif:x.sarif"])
    assert bad.exit_code == 2 and "unknown format 'sarif'" in bad.output
