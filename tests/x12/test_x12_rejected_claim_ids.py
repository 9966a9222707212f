"""A rejected 837P claim, and each of its lines, names the claim (CLM01) it leaves unaudited.

Every way the loader rejects a claim or a line: a claim problem found before validation
(frequency, empty CLM01), a claim row the model rejects (its lines go with it), and a line the
model rejects or that cannot be made into a row. The id is CLM01 as given; None when empty.
"""

from __future__ import annotations

import io

import pytest
from x12_support import DOCS, drop, recount, render_source, replace, write

from bhi_audit.reporters.html import render

from conftest import run_audit

BASE = render_source()
#: (case, 837P text, {(kind, segment, claim id)}); segments as in test_x12_malformed.py.
CASES = [
    (
        "claim-problem",
        replace(BASE, "CLM*C2*48.24***11:B:1", "CLM*C2*48.24***11:B:9"),
        {("claims", 30, "C2"), ("claim_lines", 33, "C2")},
    ),
    (
        "empty-clm01",
        replace(BASE, "CLM*C2*48.24", "CLM**48.24"),
        {("claims", 30, None), ("claim_lines", 33, None)},
    ),
    (
        "claim-row-invalid",
        replace(BASE, "HI*ABK:F330", "HI*ABK:Q"),
        {("claims", 30, "C2"), ("claim_lines", 33, "C2")},
    ),
    (
        "line-row-invalid",
        replace(BASE, "SV1*HC:99484:95", "SV1*HC:9948:95"),
        {("claim_lines", 33, "C2")},
    ),
    (
        "line-without-date",
        recount(drop(BASE, r"DTP\*472\*D8\*20260315")),
        {("claim_lines", 33, "C2")},
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejected_claims_and_lines_name_clm01(tmp_path, text, expected):
    result = run_audit(write(tmp_path, text), DOCS, select=["BHI-TIME-001"])
    assert {(r.kind, r.line, r.claim_id) for r in result.rejected} == expected


def test_banner_names_the_rejected_837p_claim(tmp_path):
    text = replace(BASE, "HI*ABK:F330", "HI*ABK:Q")
    result = run_audit(write(tmp_path, text), DOCS, select=["BHI-TIME-001"])
    out = io.StringIO()
    render(result, out)
    html = out.getvalue()
    where = f'(<span class="loc">{tmp_path}/batch.837:segment 30</span>)'
    assert f'<li>claim <b class="claim">C2</b> {where}: diagnoses.0: ' in html
    assert '<li>a line of claim <b class="claim">C2</b> (<span class="loc">' in html
