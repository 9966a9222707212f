"""The HTML report in Debian's chromium: the first screen states the decision (numbers computed
here from the findings), filters act on all findings at once, and the printed PDF stays within
a page bound with no page holding only a heading, and the Fix first rows keep the ranking rule's
order. Screenshots of the top of the page and of the readiness section, and the PDF, are left
in the test artefacts folder (``test-artifacts/html/``, ignored by git)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.engine import Engine
from bhi_audit.loaders import load_paths
from bhi_audit.registry import load_registry
from bhi_audit.reporters import html

#: The first screen at a common laptop size.
VIEWPORT = {"width": 1366, "height": 900}
#: sample_claims/ (88 claims, 64 findings) printed on Letter paper: 12 pages when written; the
#: old layout printed 47. A bound, not the exact count, so that wording changes do not break it.
SAMPLE_PAGES = 16


def watch(page) -> list[str]:
    """Collect console errors and warnings, page errors and any non-file request."""
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
    return problems


def expected_decision(result) -> dict[str, str]:
    """The first screen's numbers, computed from the findings without the reporter's code."""
    open_ = [f for f in result.findings if f.status == "open" and f.outcome.value == "violation"]
    errors = [f for f in open_ if f.severity.value == "error"]
    warnings = [f for f in open_ if f.severity.value == "warning"]
    fix = {f.claim_id for f in errors if f.claim_id}
    review = {f.claim_id for f in warnings if f.claim_id} - fix

    def by_line(findings):
        lines: dict[tuple[str, int], Decimal] = {}
        for f in findings:
            if f.at_risk and f.claim_id and f.line_number:
                key = (f.claim_id, f.line_number)
                lines[key] = max(lines.get(key, Decimal(0)), f.at_risk)
        return lines

    denied = by_line(errors)
    risk = sum((v for k, v in by_line(warnings).items() if k not in denied), Decimal(0))
    return {
        "ready": f"{len(result.per_claim) - len(fix) - len(review):,}",
        "fix": f"{len(fix):,}",
        "review": f"{len(review):,}",
        "denied": f"${sum(denied.values(), Decimal(0)):,.2f}",
        "risk": f"${risk:,.2f}",
        "opportunity": f"${result.totals.opportunity:,.2f}",
    }


@pytest.fixture
def sample_claims_result():
    """The audit of sample_claims/ (three months, 88 claims), as `bhi-audit check` runs it."""
    if not Path("sample_claims").is_dir():
        pytest.skip("sample_claims/ is not in this checkout")
    registry = load_registry(plugins=False)
    return Engine(registry.select([])).audit(load_paths([Path("sample_claims")]))


def open_report(browser, result, path: Path):
    path.write_text(_render(result), encoding="utf-8")
    page = browser.new_page(viewport=VIEWPORT)
    problems = watch(page)
    page.goto(path.as_uri())
    return page, problems


def _render(result) -> str:
    return html.environment().get_template("report.html.j2").render(html.build_view(result))


@pytest.mark.parametrize("name", ["rich_result", "sample_claims_result"])
def test_first_screen_states_the_decision(browser, request, name, tmp_path, artifacts):
    result = request.getfixturevalue(name)
    page, problems = open_report(browser, result, tmp_path / "report.html")
    expected = expected_decision(result)
    for key, value in expected.items():
        figure = page.locator(f'[data-k="{key}"]')
        assert figure.inner_text() == value, key
        box = figure.bounding_box()
        assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"], key
    period = page.locator(".masthead .period").inner_text()
    assert period in {"January\u2013February 2026", "January\u2013March 2026"}
    page.screenshot(path=str(artifacts / f"first-screen-{name}.png"))
    assert problems == []


def test_rejected_input_is_counted_above_the_fold(browser, rich_result, tmp_path, artifacts):
    page, problems = open_report(browser, rich_result, tmp_path / "report.html")
    banner = page.locator("#rejected-banner")
    assert page.locator('#rejected-banner [data-k="rejected"]').inner_text() == str(
        len(rich_result.rejected)
    )
    box = banner.bounding_box()
    assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"]
    assert "(assessments, patients)" in banner.inner_text()
    assert problems == []


def test_filters_act_on_all_findings_at_once(browser, sample_claims_result, tmp_path):
    result = sample_claims_result
    page, problems = open_report(browser, result, tmp_path / "report.html")
    total = len(result.findings)
    page.select_option("#f-month", "2026-02")
    page.select_option("#f-severity", "error")
    wanted = [f for f in result.findings if f.month == "2026-02" and f.severity.value == "error"]
    assert page.locator("#all-findings tr.finding:visible").count() == len(wanted)
    assert page.locator("#f-shown").inner_text() == f"{len(wanted)} of {total} shown"
    # The same filters hold in the per-patient view, whose empty groups disappear.
    page.select_option("#f-view", "by-patient-month")
    assert page.locator("#by-patient-month tr.finding:visible").count() == len(wanted)
    groups = {(f.patient_id, f.month) for f in wanted}
    assert page.locator("#by-patient-month section.group:visible").count() == len(groups)
    assert problems == []


def headings_of(page) -> list[str]:
    """The text of every heading-like element (headings, figure captions, summaries)."""
    texts = page.locator("h1, h2, h3, h4, figcaption, summary").evaluate_all(
        "els => els.map(e => e.innerText)"
    )
    return sorted({_squash(t) for t in texts if _squash(t)}, key=len, reverse=True)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def test_printed_report_is_a_clean_document(browser, sample_claims_result, tmp_path, artifacts):
    pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) reads the printed PDF")
    page, problems = open_report(browser, sample_claims_result, tmp_path / "report.html")
    headings = headings_of(page)
    pdf = artifacts / "sample_claims.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="Letter", print_background=True)
    pages = [p.extract_text() or "" for p in pypdf.PdfReader(str(pdf)).pages]
    assert 1 < len(pages) <= SAMPLE_PAGES
    for number, text in enumerate(pages, start=1):
        rest = _squash(text).replace("ﬁ", "fi").replace("ﬀ", "ff")
        assert rest, f"page {number} is blank"
        for heading in headings:
            rest = rest.replace(heading, "")
        assert len(rest) > 40, f"page {number} holds only a heading: {text[:120]!r}"
    assert problems == []


def test_fix_first_rows_follow_the_rules_order(browser, sample_claims_result, tmp_path):
    """Denied dollars descending, then filing date ascending (none last), then claim id."""
    page, problems = open_report(browser, sample_claims_result, tmp_path / "report.html")
    rows = page.locator("#worklist tr.wl-row")
    read = rows.evaluate_all(
        "rows => rows.map(r => [r.dataset.rank, r.dataset.deniedCents, r.dataset.deadline,"
        " r.dataset.claim])"
    )
    assert len(read) > 1
    assert [int(rank) for rank, *_ in read] == list(range(1, len(read) + 1))
    # NOTE: "—" (no dated line) sorts after every ISO date, as the rule puts those last.
    keys = [(-int(cents), deadline, claim) for _, cents, deadline, claim in read]
    assert keys == sorted(keys)
    assert len({cents for _, cents, _, _ in read}) > 1, "fixture must exercise the dollar key"
    assert problems == []


def test_readiness_section_is_shown_and_captured(
    browser, sample_claims_result, tmp_path, artifacts
):
    page, problems = open_report(browser, sample_claims_result, tmp_path / "report.html")
    section = page.locator("#readiness")
    assert section.count() == 1
    assert section.locator("#readiness-h").inner_text().startswith("CoCM readiness")
    section.screenshot(path=str(artifacts / "readiness-sample_claims_result.png"))
    assert (artifacts / "readiness-sample_claims_result.png").stat().st_size > 0
    assert problems == []
