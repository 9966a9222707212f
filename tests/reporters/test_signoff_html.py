"""The HTML sign-off block (reports/templates/_signoff.html.j2): filled, empty, escaped."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bhi_audit.reporters import html, text
from bhi_audit.result import SignOff
from bhi_audit.signoff import load_signoff, stamp

CHROMIUM = Path("/usr/bin/chromium")

HOSTILE_SIGNOFF = SignOff(
    reviewer="Dana <script>alert('r')</script>",
    role='Officer "A" & co',
    date=date(2026, 12, 3),
    decision="not-approved",
    notes="line one <b>bold</b>\nline two",
)


def block(page: str) -> str:
    """The sign-off section of a page."""
    found = re.search(r'<section id="signoff".*?</section>', page, re.S)
    assert found, "no sign-off block"
    return found.group(0)


def test_the_block_is_the_last_section_of_main(sample_result, render_text):
    page = render_text(html.render, stamp(sample_result))
    assert page.index('<section id="signoff"') > page.index('id="findings"')
    last = max(m.start() for m in re.finditer("<section", page))
    assert page.index('<section id="signoff"') == last
    assert page.index("</section>", page.index('<section id="signoff"')) < page.index("</main>")


def test_a_filled_block_shows_the_escaped_values_and_the_digest(sample_result, render_text):
    result = stamp(sample_result, HOSTILE_SIGNOFF)
    assert result.digest is not None
    section = block(render_text(html.render, result))
    assert "<script>alert" not in section and "<b>bold" not in section
    assert (
        "<dt>Reviewer</dt><dd>Dana &lt;script&gt;alert(&#39;r&#39;)&lt;/script&gt;</dd>" in section
    )
    assert "<dt>Role</dt><dd>Officer &#34;A&#34; &amp; co</dd>" in section
    assert "<dt>Date</dt><dd>2026-12-03</dd>" in section
    assert "<dt>Decision</dt><dd>Not approved</dd>" in section
    assert '<dd class="so-notes">line one &lt;b&gt;bold&lt;/b&gt;\nline two</dd>' in section
    assert f"<code>{result.digest.sha256}</code>" in section
    assert "<form" not in section and "so-download" not in section


def test_an_empty_block_is_a_form_with_labelled_fields_and_the_digest(sample_result, render_text):
    result = stamp(sample_result)
    assert result.digest is not None
    section = block(render_text(html.render, result))
    for field in ("reviewer", "role", "date", "notes"):
        assert f'<label class="so-term" for="so-{field}">' in section
        assert f'id="so-{field}" name="{field}"' in section
    values = re.findall(r'name="decision" value="([^"]+)"', section)
    assert values == ["approved", "approved-with-conditions", "not-approved"]
    assert f'data-digest="{result.digest.sha256}"' in section
    assert '<button type="button" id="so-download">Download sign-off TOML</button>' in section
    assert "<dt>" not in section


def test_a_report_without_a_digest_says_so(sample_result, render_text):
    assert "<code>(not stamped)</code>" in block(render_text(html.render, sample_result))


def test_print_css_hides_the_button_and_keeps_the_block_whole(sample_result, render_text):
    page = render_text(html.render, stamp(sample_result))
    style = page[page.index("/* _signoff partial */") :]
    print_css = style[style.index("@media print") :]
    assert "#signoff { break-inside: avoid;" in print_css
    assert "#signoff .so-screen { display: none; }" in print_css


def test_the_signoff_does_not_change_the_digest(sample_result):
    assert stamp(sample_result).digest == stamp(sample_result, HOSTILE_SIGNOFF).digest


def test_the_text_report_names_the_signoff_on_one_line_each(sample_result, render_text):
    result = stamp(sample_result, HOSTILE_SIGNOFF)
    assert result.digest is not None
    lines = render_text(text.render, result).splitlines()
    assert lines[-3:] == [
        "signed off: Dana <script>alert('r')</script> (Officer \"A\" & co), 2026-12-03: "
        "not-approved",
        "sign-off notes: line one <b>bold</b>\\nline two",
        f"report digest: sha256 {result.digest.sha256}",
    ]
    assert "signed off" not in render_text(text.render, stamp(sample_result))


@pytest.fixture
def browser():
    """Debian's chromium through Playwright; skipped (with the reason) where it is absent."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()


def test_the_downloaded_toml_is_a_valid_signoff_file_for_the_same_digest(
    browser, sample_result, render_text, tmp_path
):
    result = stamp(sample_result)
    assert result.digest is not None
    report = tmp_path / "report.html"
    report.write_text(render_text(html.render, result), encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(report.as_uri())
    page.fill("#so-reviewer", 'Dana "Q" \\ <R>')
    page.fill("#so-role", "Compliance officer")
    page.fill("#so-date", "2026-12-03")
    page.check("input[name=decision][value=approved-with-conditions]")
    page.fill("#so-notes", "fix C007\nthen resubmit")
    with page.expect_download() as download:
        page.click("#so-download")
    assert download.value.suggested_filename == "signoff.toml"
    saved = tmp_path / "signoff.toml"
    download.value.save_as(saved)
    signed = load_signoff(saved)
    assert signed.signoff() == SignOff(
        reviewer='Dana "Q" \\ <R>',
        role="Compliance officer",
        date=date(2026, 12, 3),
        decision="approved-with-conditions",
        notes="fix C007\nthen resubmit",
    )
    assert signed.digest == result.digest.sha256
    assert errors == []
