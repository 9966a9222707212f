"""The input-format reference and the CSV templates never drift from the record models."""

from __future__ import annotations

import re

import pytest

from bhi_audit.models import RECORD_KINDS

from conftest import REPO

DOC = (REPO / "docs" / "input-format.md").read_text(encoding="utf-8")


def _documented_columns(kind: str) -> set[str]:
    section = DOC.split(f"### `{kind}`", 1)[1].split("\n### ", 1)[0]
    columns: set[str] = set()
    for cell in re.findall(r"^\| ([^|]+) \|", section, flags=re.M):
        columns.update(re.findall(r"`([a-z_]+)`", cell))
    return columns


@pytest.mark.parametrize("model", RECORD_KINDS, ids=[m.KIND for m in RECORD_KINDS])
def test_every_column_is_documented(model):
    assert _documented_columns(model.KIND) == set(model.model_fields)


@pytest.mark.parametrize("model", RECORD_KINDS, ids=[m.KIND for m in RECORD_KINDS])
def test_template_header_matches_model(model):
    template = REPO / "docs" / "templates" / f"{model.KIND}.csv"
    assert template.read_text(encoding="utf-8").strip().split(",") == list(model.model_fields)


@pytest.mark.parametrize("model", RECORD_KINDS, ids=[m.KIND for m in RECORD_KINDS])
def test_required_columns_are_marked(model):
    section = DOC.split(f"### `{model.KIND}`", 1)[1].split("\n### ", 1)[0]
    marked = set()
    for row in re.findall(r"^\| (.+?) \| R \|", section, flags=re.M):
        marked.update(re.findall(r"`([a-z_]+)`", row))
    required = {n for n, f in model.model_fields.items() if f.is_required()}
    assert marked == required
