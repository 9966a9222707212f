"""The HTML report's view builders: the first screen's decision numbers, the charts' order and
axes, the trend, and the readable appendix; the practice name from the configuration."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.engine import Engine
from bhi_audit.loaders import load_paths
from bhi_audit.registry import load_registry
from bhi_audit.reporters import html
from bhi_audit.reporters.appendix_view import config_rows, path_pieces, readable
from bhi_audit.reporters.chart_view import nice_axis, problems_chart, trend_view
from bhi_audit.reporters.decision_view import audited_months, decision_view, period_words


def open_problems(result, severity):
    return [
        f
        for f in result.findings
        if f.status == "open" and f.outcome.value == "violation" and f.severity.value == severity
    ]


def per_line(findings):
    """Largest amount per claim line (written here apart from the reporter's own helper)."""
    lines = {}
    for f in findings:
        if f.at_risk and f.claim_id and f.line_number:
            key = (f.claim_id, f.line_number)
            lines[key] = max(lines.get(key, Decimal(0)), f.at_risk)
    return lines


@pytest.mark.parametrize(
    ("months", "words"),
    [
        (["2026-03"], "March 2026"),
        (["2026-01", "2026-02", "2026-12"], "January\u2013December 2026"),
        (["2025-11", "2026-02"], "November 2025\u2013February 2026"),
        ([], ""),
    ],
    ids=["one-month", "one-year", "across-years", "none"],
)
def test_period_in_words(months, words):
    assert period_words(months) == words


def test_first_screen_numbers_follow_the_findings(rich_result):
    d = decision_view(rich_result)
    errors = open_problems(rich_result, "error")
    warnings = open_problems(rich_result, "warning")
    fix = {f.claim_id for f in errors if f.claim_id}
    review = {f.claim_id for f in warnings if f.claim_id} - fix
    assert (d["fix"], d["review"], d["ready"]) == (
        len(fix),
        len(review),
        len(rich_result.per_claim) - len(fix) - len(review),
    )
    denied = per_line(errors)
    risk = {k: v for k, v in per_line(warnings).items() if k not in denied}
    assert d["denied"] == f"${sum(denied.values()):,.2f}"
    assert d["risk"] == f"${sum(risk.values()):,.2f}"
    # The waived and baselined findings of the rich result are not to be denied.
    assert d["denied"] == "$477.63"
    assert (d["rejected"], d["rejected_claims"], d["rejected_other_kinds"]) == (
        2,
        [],
        "assessments, patients",
    )
    assert (d["period"], d["run_date_label"], d["run_date"]) == (
        "January\u2013February 2026",
        "records through",
        "31 March 2026",
    )


def test_run_date_is_the_as_of_day_when_stated(sample_result):
    stated = sample_result.model_copy(
        update={"config": {**sample_result.config, "as_of": "2026-04-15"}}
    )
    d = decision_view(stated)
    assert (d["run_date_label"], d["run_date"]) == ("as of", "15 April 2026")


def test_a_line_without_a_national_rate_is_not_zero_dollars(sample_result):
    findings = list(sample_result.findings)
    index = next(
        i
        for i, f in enumerate(findings)
        if f.severity.value == "error" and f.at_risk is not None and f.line_number
    )
    target = findings[index]
    same_line = [
        i
        for i, f in enumerate(findings)
        if (f.claim_id, f.line_number) == (target.claim_id, target.line_number)
    ]
    for i in same_line:
        findings[i] = findings[i].model_copy(update={"at_risk": None, "code": "G0507"})
    result = sample_result.model_copy(update={"findings": tuple(findings)})
    d = decision_view(result)
    assert d["no_rate"] == 1
    page = html.environment().get_template("report.html.j2").render(html.build_view(result))
    assert "no national rate" in page
    assert '<span data-k="no-rate">1</span> line with no national rate' in page


def test_checks_without_a_national_rate_do_not_read_zero_dollars():
    result = Engine(load_registry(plugins=False).select([])).audit(
        load_paths([Path("sample_claims")])
    )
    # sample_claims bills G0507 (no rate in 2026), G0511 and G0552 on lines only these flag.
    flagged = {
        (f.check_id, f.code)
        for f in result.findings
        if f.status == "open" and f.severity.value == "error" and f.at_risk is None and f.code
    }
    assert ("BHI-CODE-001", "G0507") in flagged
    rows = {c["id"]: c for c in html.build_view(result)["checks"]}
    assert result.per_check["BHI-CODE-001"].at_risk == 0
    assert rows["BHI-CODE-001"]["at_risk"] == "no national rate"
    assert decision_view(result)["no_rate"] == 3


def test_problem_chart_is_sorted_stacked_and_leaves_out_not_verifiable(rich_result):
    chart = problems_chart(rich_result)
    expected = {}
    for f in rich_result.findings:
        if f.status == "open" and f.outcome.value == "violation":
            expected[f.check_id] = expected.get(f.check_id, 0) + 1
    labels = [r["label"] for r in chart["rows"]]
    assert labels == sorted(expected, key=lambda c: (-expected[c], c))[: len(labels)]
    assert chart["hidden"] == len(expected) - len(labels)
    assert "BHI-CONS-004" not in labels  # only a "not verifiable" finding
    # Stacked on one axis: widths add up to the count's share of the axis.
    top = chart["rows"][0]
    axis_max = float(chart["ticks"][-1]["text"])
    width = sum(s["width"] for s in top["segments"])
    assert width == pytest.approx(expected[top["label"]] / axis_max * 380, abs=0.2)
    assert [s["css"] for s in top["segments"]] == sorted(
        (s["css"] for s in top["segments"]),
        key=["seg-error", "seg-warning", "seg-info"].index,
    )


@pytest.mark.parametrize(
    ("largest", "whole", "top", "ticks"),
    [
        (3, True, 3, [0, 1, 2, 3]),
        (1, True, 1, [0, 1]),
        (47, True, 60, [0, 20, 40, 60]),
        (6095.0, False, 8000, [0, 2000, 4000, 6000, 8000]),
        (0, False, 1, [0, 1]),
    ],
)
def test_axis_ticks_are_round(largest, whole, top, ticks):
    assert nice_axis(largest, whole=whole) == (top, ticks)


def test_trend_only_when_several_months(rich_result):
    months = audited_months(rich_result)
    assert months == ["2026-01", "2026-02"]
    trend = trend_view(rich_result, months)
    assert trend is not None
    assert [r["month"] for r in trend["rows"]] == months
    for row in trend["rows"]:
        with_error = {
            f.patient_id
            for f in open_problems(rich_result, "error")
            if f.month == row["month"] and f.patient_id
        }
        assert row["with_error"] == len(with_error)
    assert trend_view(rich_result, months[:1]) is None
    # Every tick label and column value stays inside the drawing (none clipped at the top).
    for chart in (trend["rate_chart"], trend["money_chart"]):
        assert min(t["y"] for t in chart["ticks"]) >= 12
        assert min(c["text_y"] for c in chart["columns"]) >= 10
        assert chart["label_y"] < chart["height"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "yes"),
        (False, "no"),
        ([], "none"),
        (None, "not set"),
        (["PHQ-9", "GAD-7"], "PHQ-9, GAD-7"),
        ({"floor": None, "strict": False}, "floor not set; strict no"),
    ],
)
def test_configuration_reads_as_words(value, text):
    assert readable(value) == text


def test_appendix_has_no_raw_values(runner, tmp_path, sample_result):
    report = tmp_path / "report.html"
    args = ["check", "tests/reporters/fixtures/sample.json", "--isolated", "--format", "html"]
    result = runner.invoke(main, [*args, "--output", str(report)])
    assert result.exit_code in (0, 1), result.output
    page = report.read_text(encoding="utf-8")
    appendix = page[page.index('<section id="appendix"') :]
    appendix = appendix[: appendix.index("</section>")]
    text = re.sub(r"<[^>]+>", " ", appendix)
    for raw in ("True", "False", "[]", "{", '"'):
        assert raw not in text
    assert "<dt>checks selected</dt><dd>none</dd>" in appendix
    assert "<li><b>BHI-COST-001</b> every patient no</li>" in appendix
    rows = {r["term"]: r for r in config_rows({"options": {"BHI-X": {"min_days": 28}}})}
    assert rows["check options"]["subs"] == [("BHI-X", "min days 28")]
    # Hashes never wrap; paths wrap only after a slash.
    digest = sample_result.inputs[0].sha256
    assert f'<td class="hash"><code>{digest}</code></td>' in appendix
    assert path_pieces("tests/reporters/fixtures/sample.json") == [
        "tests/",
        "reporters/",
        "fixtures/",
        "sample.json",
    ]


def test_first_screen_comes_before_the_appendix(sample_result, render_text):
    page = render_text(html.render, sample_result)
    order = ['id="summary"', 'id="charts"', 'id="findings"', 'id="checks"', 'id="appendix"']
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert page.index("SHA-256") > page.index('id="appendix"')


def test_passed_checks_are_collapsed(sample_result, render_text):
    page = render_text(html.render, sample_result)
    quiet = [c.id for c in sample_result.checks if not sample_result.per_check[c.id].findings]
    assert quiet
    start = page.index('<details class="passed"')
    details = page[start : page.index("</details>", start)]
    assert '<details class="passed" id="passed-checks">' in page  # closed: no "open"
    for check_id in quiet:
        assert f'id="check-{check_id}"' in details


def test_practice_comes_from_the_configuration_escaped(runner, tmp_path):
    config = tmp_path / "bhi-audit.toml"
    config.write_text('practice = "Elm <Street> & Co"\n', encoding="utf-8")
    report = tmp_path / "report.html"
    result = runner.invoke(
        main,
        [
            "check",
            "tests/reporters/fixtures/sample.json",
            "--config",
            str(config),
            "--as-of",
            "2026-04-15",
            "--format",
            "html",
            "--output",
            str(report),
        ],
    )
    assert result.exit_code in (0, 1), result.output
    page = report.read_text(encoding="utf-8")
    assert '<span class="practice">Elm &lt;Street&gt; &amp; Co</span>' in page
    assert "Elm <Street>" not in page
    assert '<span class="run-date">as of 15 April 2026</span>' in page


def test_practice_too_long_is_a_config_error(runner, tmp_path):
    config = tmp_path / "bhi-audit.toml"
    config.write_text(f'practice = "{"x" * 201}"\n', encoding="utf-8")
    result = runner.invoke(
        main, ["check", "tests/reporters/fixtures/sample.json", "--config", str(config)]
    )
    assert result.exit_code == 2
    assert "practice" in result.output
    assert "Traceback" not in result.output


def test_same_input_and_as_of_give_the_same_bytes(runner, tmp_path):
    config = tmp_path / "bhi-audit.toml"
    config.write_text('practice = "Elm Street Clinic"\n', encoding="utf-8")
    pages = []
    for run in range(2):
        report = tmp_path / f"run{run}.html"
        args = ["check", "sample_claims", "--config", str(config), "--as-of", "2026-04-15"]
        result = runner.invoke(main, [*args, "--format", "html", "--output", str(report)])
        assert result.exit_code in (0, 1), result.output
        pages.append(report.read_bytes())
    assert pages[0] == pages[1]
    assert b"as of 15 April 2026" in pages[0]
    assert b"January\xe2\x80\x93March 2026" in pages[0]
