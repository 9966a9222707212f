"""HTML "Fix first" and "Documentation checklist" (reports/templates/_worklist.html.j2) and
the CSV worklist's fix-first order, on the reporter fixtures (sample, rich, hostile)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from bhi_audit.engine import Engine
from bhi_audit.loaders import load_paths
from bhi_audit.registry import load_registry
from bhi_audit.reporters import csv_worklist, html
from bhi_audit.reporters.worklist_view import TOP_CLAIMS, worklist_view
from bhi_audit.worklist import build_worklist

SAMPLE_CLAIMS = Path(__file__).resolve().parents[2] / "sample_claims"


@pytest.fixture(scope="module")
def year_sample():
    """The audit of sample_claims/, whose worklist is longer than the first screenful."""
    return Engine(load_registry(plugins=False).select([])).audit(load_paths([SAMPLE_CLAIMS]))


def _csv_rows(result):
    out = io.StringIO()
    csv_worklist.render(result, out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def _page(result):
    out = io.StringIO()
    html.render(result, out)
    return out.getvalue()


def test_waived_baselined_and_unverifiable_findings_are_not_worklist_work(rich_result):
    open_refs = {
        f.fingerprint
        for f in rich_result.findings
        if f.claim_id and f.status == "open" and f.severity.value in ("error", "warning")
    }
    rows = build_worklist(rich_result)
    refs = {ref for row in rows for fix in row.fixes for ref in fix.refs}
    assert refs == open_refs
    waived = next(f for f in rich_result.findings if f.status == "waived")
    assert waived.fingerprint not in refs


def test_csv_puts_unranked_findings_after_the_ranked_claims(rich_result):
    rows = [r for r in _csv_rows(rich_result) if r["status"] != "rejected"]
    ranks = [int(r["rank"]) if r["rank"] else None for r in rows]
    ranked = [rank for rank in ranks if rank is not None]
    assert ranked == sorted(ranked) and ranked
    first_unranked = ranks.index(None)
    assert all(rank is None for rank in ranks[first_unranked:])


def test_long_worklists_show_the_top_claims_and_collapse_the_rest(year_sample):
    sample_result = year_sample
    rows = build_worklist(sample_result)
    assert len(rows) > TOP_CLAIMS  # the sample has more claims to fix than the first screenful
    view = worklist_view(sample_result)
    assert [r["claim"] for r in view["shown"]] == [r.claim_id for r in rows[:TOP_CLAIMS]]
    assert [r["claim"] for r in view["more"]] == [r.claim_id for r in rows[TOP_CLAIMS:]]
    page = _page(sample_result)
    more = len(rows) - TOP_CLAIMS
    assert f"<summary>{more} more claim(s) below the first {TOP_CLAIMS}</summary>" in page


def test_html_rows_follow_the_worklist_order(sample_result):
    page = _page(sample_result)
    shown = re.findall(r'<tr class="wl-row" data-rank="(\d+)"[^>]*data-claim="([^"]*)"', page)
    assert shown == [(str(r.rank), r.claim_id) for r in build_worklist(sample_result)]


def test_fix_first_comes_after_the_summary_and_before_the_charts(sample_result):
    page = _page(sample_result)
    summary = page.index('<section id="summary"')
    worklist = page.index('<section id="worklist"')
    checklist = page.index('<section id="checklist"')
    assert summary < worklist < checklist < page.index('<section id="findings"')


def test_first_row_says_what_fixes_it(year_sample):
    view = worklist_view(year_sample)
    first = view["shown"][0]
    assert (first["rank"], first["claim"], first["denied"], first["deadline"]) == (
        1,
        "C059",
        "$161.66",
        "2027-03-31",
    )
    assert [f["text"] for f in first["fixes"]] == ["bill G0568 or 99492 for 2026-03, not both"]
    assert [f["ask"] for f in first["fixes"]] == ["billing staff"]


def test_hostile_ids_and_texts_are_escaped(run_hostile):
    page = _page(run_hostile)
    section = page[page.index('<section id="worklist"') : page.index('<section id="charts"')]
    assert [r.claim_id for r in build_worklist(run_hostile)] == [
        "\"><img src=x onerror=alert('claim')>"
    ]
    assert "<img" not in section and "<script" not in section
    assert 'data-claim="&#34;&gt;&lt;img src=x onerror=alert(&#39;claim&#39;)&gt;"' in section
    assert "&lt;script&gt;alert(&#39;pid&#39;)&lt;/script&gt;" in section
