"""HTML reporter: golden output, escaping of every input value, self-containment, and a real
browser (Debian's chromium, driven by Playwright without its downloaded browsers)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bhi_audit.reporters import html


def test_sample_matches_golden(sample_result, render_text, golden):
    golden("sample.html", render_text(html.render, sample_result))


def test_rich_result_matches_golden(rich_result, render_text, golden):
    golden("rich.html", render_text(html.render, rich_result))


def test_input_values_come_out_as_text(render_text, run_hostile):
    page = render_text(html.render, run_hostile)
    # Patient id, claim id, entry id, activity and a rejected value all came from input.
    for raw in (
        "<script>alert('pid')</script>",
        "<script>alert('note')</script>",
        "<script>alert('rejected')</script>",
        "<img src=x onerror=alert('claim')>",
        "<i>1</i>",
    ):
        assert raw not in page
    assert "&lt;script&gt;alert(&#39;pid&#39;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(&#39;claim&#39;)&gt;" in page
    assert "\x07" not in page and "\x1b" not in page  # control characters dropped
    # The page's only script element is our own inline one.
    assert len(re.findall(r"<script\b", page)) == 1


@pytest.mark.parametrize(
    "pattern",
    [r"<link\b", r"\bsrc\s*=\s*[\"']?https?:", r"\bhref\s*=\s*[\"']?https?:", r"@import", r"url\("],
    ids=["link", "remote-src", "remote-href", "css-import", "css-url"],
)
def test_page_is_self_contained(rich_result, render_text, pattern):
    assert not re.search(pattern, render_text(html.render, rich_result))


def test_summary_comes_before_findings(sample_result, render_text):
    page = render_text(html.render, sample_result)
    assert page.index('id="summary"') < page.index('id="charts"') < page.index('id="findings"')


def test_summary_shows_inputs_records_and_configuration(sample_result, render_text):
    page = render_text(html.render, sample_result)
    assert sample_result.inputs[0].sha256 in page
    assert sample_result.rulebook_version in page
    assert "score: expected a whole number" in page  # the rejected record
    assert f"${sample_result.totals.at_risk:,.2f}" in page  # total at risk


def test_readiness_section_only_when_present(sample_result, render_text):
    """The readiness partial (_readiness.html.j2) took the comparison section's place."""
    without = sample_result.model_copy(update={"readiness": None})
    assert 'id="readiness"' not in render_text(html.render, without)
    page = render_text(html.render, sample_result)
    assert 'id="comparison"' not in page
    assert page.count('id="readiness"') == 1
    assert sample_result.readiness is not None
    assert f"${sample_result.readiness.cocm:,.2f}" in page


def test_waived_baselined_and_expired_are_labelled(rich_result, render_text):
    page = render_text(html.render, rich_result)
    assert "waived (W-2026-01): consultant review documented on paper &lt;scanned&gt;" in page
    assert "waiver expired (W-2025-07)" in page
    assert "baselined: accepted in the baseline" in page
    assert 'data-status="internal error"' in page


def test_output_is_deterministic(rich_result, render_text):
    assert render_text(html.render, rich_result) == render_text(html.render, rich_result)


def test_templates_load_from_the_installed_package():
    loader = html.environment().loader
    assert loader is not None
    assert "report.html.j2" in loader.list_templates()


def show_all_groups(page):
    """Paint off-screen groups too (content-visibility skips them in full-page screenshots)."""
    page.add_style_tag(content=".view .group { content-visibility: visible; }")


def test_report_in_a_real_browser(browser, rich_result, render_text, tmp_path):
    report = tmp_path / "report.html"
    report.write_text(render_text(html.render, rich_result), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in {"error", "warning"} else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on(
        "request",
        lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file:") else None,
    )
    page.goto(report.as_uri())
    # The one-list view is the default: every finding in one table, filtered as a whole.
    assert page.locator("#by-patient-month").is_hidden()
    rows = page.locator("#all-findings tr.finding")
    total = rows.count()
    assert total == len(rich_result.findings)
    errors = sum(1 for f in rich_result.findings if f.severity.value == "error")

    page.select_option("#f-severity", "error")
    visible = page.locator("#all-findings tr.finding:visible")
    assert visible.count() == errors
    assert page.locator("#all-findings tr.finding.sev-warning:visible").count() == 0
    assert page.locator("#f-shown").inner_text() == f"{errors} of {total} shown"

    page.select_option("#f-severity", "")
    page.select_option("#f-view", "by-patient-month")
    assert page.locator("#all-findings").is_hidden()
    page.select_option("#f-patient", "MRN-10003")
    groups = {f.month for f in rich_result.findings if f.patient_id == "MRN-10003"}
    assert page.locator("#by-patient-month section.group:visible").count() == len(groups)
    patient_rows = sum(1 for f in rich_result.findings if f.patient_id == "MRN-10003")
    assert page.locator("#f-shown").inner_text() == f"{patient_rows} of {total} shown"

    page.select_option("#f-patient", "")
    show_all_groups(page)
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 0
    assert problems == []


def _cents_in(locator):
    return [int(v) for v in locator.evaluate_all("c => c.map(x => x.dataset.key)")]


def test_sorting_in_a_real_browser(browser, rich_result, render_text, tmp_path, monkeypatch):
    # The one list comes in tables of CHUNK_ROWS rows; small chunks make the sort cross them.
    monkeypatch.setattr(html, "CHUNK_ROWS", 7)
    report = tmp_path / "report.html"
    report.write_text(render_text(html.render, rich_result), encoding="utf-8")
    page = browser.new_page()
    page.goto(report.as_uri())
    assert page.locator("#all-findings .list-part").count() == -(-len(rich_result.findings) // 7)
    # Across all findings at once (the one-list view) ...
    header = page.locator("#all-table th", has_text="at risk")
    header.click()
    cents = _cents_in(page.locator("#all-findings .list-part td.num"))
    assert len(cents) == len(rich_result.findings)
    assert cents == sorted(cents)
    header.click()
    cents = _cents_in(page.locator("#all-findings .list-part td.num"))
    assert cents == sorted(cents, reverse=True)
    page.locator("#all-table th", has_text="check").click()
    checks = page.locator("#all-findings .list-part tr").evaluate_all(
        "rows => rows.map(r => r.dataset.check)"
    )
    assert checks == sorted(checks)
    # ... and inside one patient-month group of the other view.
    page.select_option("#f-view", "by-patient-month")
    group = page.locator("#by-patient-month section.group").nth(1)  # MRN-10002 2026-01
    header = group.locator("th", has_text="at risk")
    header.click()
    cents = _cents_in(group.locator("tbody td.num"))
    assert cents == sorted(cents)
    header.click()
    cents = _cents_in(group.locator("tbody td.num"))
    assert cents == sorted(cents, reverse=True)


def test_hostile_input_runs_no_script_in_a_real_browser(
    browser, run_hostile, render_text, tmp_path
):
    report = tmp_path / "hostile.html"
    report.write_text(render_text(html.render, run_hostile), encoding="utf-8")
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(report.as_uri())
    assert dialogs == []
    # NOTE: groups are content-visibility: auto, so one below the fold has no rendered text
    # (the missing-documentation banner pushes them down); render them all to read them.
    page.add_style_tag(content=".view .group { content-visibility: visible; }")
    assert "<script>alert('note')</script>" in page.locator("#by-patient-month").inner_text()


def test_sample_claims_report_in_a_real_browser(browser, tmp_path):
    if not Path("sample_claims").is_dir():
        pytest.skip("sample_claims/ is not in this checkout")
    from bhi_audit.engine import Engine
    from bhi_audit.loaders import load_paths
    from bhi_audit.registry import load_registry

    result = Engine(load_registry(plugins=False).select([])).audit(
        load_paths([Path("sample_claims")])
    )
    report = tmp_path / "sample_claims.html"
    with report.open("w", encoding="utf-8") as out:
        html.render(result, out)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(report.as_uri())
    assert page.locator("#all-findings tr.finding").count() == len(result.findings)
    page.select_option("#f-severity", "warning")
    warnings = sum(1 for f in result.findings if f.severity.value == "warning")
    assert page.locator("#all-findings tr.finding:visible").count() == warnings
    page.select_option("#f-severity", "")
    show_all_groups(page)
    page.screenshot(path=str(tmp_path / "sample_claims.png"), full_page=True)
    assert problems == []


def test_counters_count_accepted_apart_from_open(rich_result):
    view = html.build_view(rich_result)
    decision = view["decision"]
    totals = rich_result.totals
    assert (decision["open_errors"], decision["waived"], decision["baselined"]) == (
        totals.open_errors,
        1,
        1,
    )
    assert decision["rejected"] == 2
    rows = {c["id"]: c for c in view["checks"] + view["quiet_checks"]}
    row = rows["BHI-COCM-003"]
    assert (row["applicable"], row["passed"], row["failed"], row["accepted"]) == (2, 1, 0, 1)
    assert view["missing"] == [m.message for m in rich_result.missing_records]
