"""Chart geometry for the HTML report: stacked bars on one labelled axis, sorted largest first.

Why its own module: a chart must answer a question at a glance ("which check costs most, and
how much of it will be denied?"), so every chart here is sorted, stacks its series (errors,
warnings, info; denied, at risk) on one shared axis with round tick values, and keeps "not
verifiable" out of the problem counts. The templates only draw what is computed here (SVG user
units), so the geometry is tested in Python and the page stays free of script for charts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bhi_audit.reporters.common import money
from bhi_audit.reporters.decision_view import month_words
from bhi_audit.result import AuditResult, patient_months_by_month
from bhi_audit.summaries import is_open_problem, open_line_money

#: Horizontal bar charts (SVG user units): label column, bar area, room for the value text.
WIDTH = 600
LABEL = 120
BARS = 380
ROW = 22
BAR = 14
AXIS = 22
#: Column charts by month.
COL_WIDTH = 600
COL_LEFT = 56
COL_HEIGHT = 180
#: Room above the plot for the top tick's label and the tallest column's value.
COL_TOP = 16
#: The most bars one chart draws; the checks table lists every check.
MOST_BARS = 12
SEVERITY_CSS = (("error", "seg-error"), ("warning", "seg-warning"), ("info", "seg-info"))


@dataclass(frozen=True)
class Segment:
    """One stacked piece of a bar: its value, css class and what it is called."""

    value: float
    css: str
    name: str


@dataclass(frozen=True)
class Bar:
    """One bar: label, stacked segments, and the text printed after it."""

    label: str
    segments: tuple[Segment, ...]
    text: str

    @property
    def total(self) -> float:
        """The bar's length in axis units."""
        return sum(s.value for s in self.segments)


def nice_axis(largest: float, *, whole: bool = False) -> tuple[float, list[float]]:
    """A round axis maximum and its ticks (1, 2 or 5 times a power of ten, at most 6);
    ``whole``: steps of at least 1 (counts have no half findings)."""
    if largest <= 0:
        return 1.0, [0.0, 1.0]
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(step, 1.0)
    top = math.ceil(largest / step - 1e-9) * step
    return top, [i * step for i in range(round(top / step) + 1)]


def whole_dollars(amount: Decimal) -> str:
    """``$2,639``: a bar's value text (the tables give the cents)."""
    return f"${amount:,.0f}"


def count_tick(value: float) -> str:
    """A count axis label (``12``; fractions of small axes as ``0.5``)."""
    return f"{value:g}"


def money_tick(value: float) -> str:
    """A money axis label: ``$0``, ``$500``, ``$1.5k``."""
    if value >= 1000:
        return f"${value / 1000:g}k"
    return f"${value:g}"


def percent_tick(value: float) -> str:
    """A share axis label: ``20%``."""
    return f"{value:g}%"


def bar_chart(
    bars: Sequence[Bar], tick: Callable[[float], str], title: str, *, hidden: int = 0
) -> dict[str, Any]:
    """Geometry of a horizontal stacked bar chart on one axis (bars drawn in the given order)."""
    top, ticks = nice_axis(max((b.total for b in bars), default=0.0), whole=tick is count_tick)
    scale = BARS / top
    rows = []
    for index, bar in enumerate(bars):
        y = index * ROW
        x = float(LABEL)
        pieces = []
        for seg in bar.segments:
            if seg.value <= 0:
                continue
            width = round(seg.value * scale, 1)
            pieces.append({"x": round(x, 1), "width": width, "css": seg.css, "name": seg.name})
            x += seg.value * scale
        rows.append(
            {
                "label": bar.label,
                "text": bar.text,
                "y": y,
                "text_y": y + BAR - 3,
                "value_x": round(x + 5, 1),
                "segments": pieces,
            }
        )
    height = max(len(bars), 1) * ROW
    return {
        "title": title,
        "width": WIDTH,
        "height": height + AXIS,
        "plot_height": height,
        "label_x": LABEL - 6,
        "bar_height": BAR,
        "axis_y": height + 14,
        "ticks": [{"x": round(LABEL + t * scale, 1), "text": tick(t)} for t in ticks],
        "rows": rows,
        "hidden": hidden,
    }


def _counted(number: int, severity: str) -> str:
    """``3 errors``, ``1 warning``, ``2 info``."""
    return f"{number} {severity}{'' if number == 1 or severity == 'info' else 's'}"


def _sorted_top(bars: list[Bar]) -> tuple[list[Bar], int]:
    """Largest first (ties by label); at most MOST_BARS, and how many were left out."""
    ordered = sorted(bars, key=lambda b: (-b.total, b.label))
    return ordered[:MOST_BARS], max(len(ordered) - MOST_BARS, 0)


def problems_chart(result: AuditResult) -> dict[str, Any]:
    """Open problems per check, stacked error / warning / info (not verifiable apart)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in result.findings:
        if f.status == "open":  # the settled status: open errors, warnings and infos
            counts[f.check_id][f.severity.value] += 1
    bars = [
        Bar(
            label=check_id,
            segments=tuple(Segment(float(by[s]), css, s) for s, css in SEVERITY_CSS),
            text=" · ".join(_counted(by[s], s) for s, _ in SEVERITY_CSS if by[s]),
        )
        for check_id, by in counts.items()
    ]
    shown, hidden = _sorted_top(bars)
    return bar_chart(shown, count_tick, "Open problems per check", hidden=hidden)


def unverifiable_chart(result: AuditResult) -> dict[str, Any]:
    """Findings per check that the records given cannot prove or disprove."""
    counts: dict[str, int] = defaultdict(int)
    for f in result.findings:
        if f.status == "unverifiable":
            counts[f.check_id] += 1
    bars = [
        Bar(check_id, (Segment(float(n), "seg-unverifiable", "not verifiable"),), str(n))
        for check_id, n in counts.items()
    ]
    shown, hidden = _sorted_top(bars)
    return bar_chart(shown, count_tick, "Not verifiable per check", hidden=hidden)


def _money_by(result: AuditResult, key: Callable[[Any], str | None]) -> dict[str, list[Decimal]]:
    """(denied, at risk) per key; each claim line counted once per key, denied before risk."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for f in result.findings:
        k = key(f)
        if k is not None and is_open_problem(f):
            groups[k].append(f)
    return {k: list(open_line_money(members).totals) for k, members in groups.items()}


def money_chart(result: AuditResult) -> dict[str, Any]:
    """Dollars per check, stacked to be denied (errors) / at audit risk (warnings)."""
    bars = [
        Bar(
            label=check_id,
            segments=(
                Segment(float(denied), "seg-denied", "to be denied"),
                Segment(float(risk), "seg-risk", "at audit risk"),
            ),
            text=" + ".join(whole_dollars(v) for v in (denied, risk) if v),
        )
        for check_id, (denied, risk) in _money_by(result, lambda f: f.check_id).items()
        if denied or risk
    ]
    shown, hidden = _sorted_top(bars)
    return bar_chart(shown, money_tick, "Dollars per check", hidden=hidden)


def column_chart(
    labels: list[str],
    series: list[list[float]],
    css: list[str],
    tick: Callable[[float], str],
    texts: list[str],
    title: str,
) -> dict[str, Any]:
    """Geometry of a vertical stacked column chart (one column per label) on one axis."""
    totals = [sum(values[i] for values in series) for i in range(len(labels))]
    top, ticks = nice_axis(max(totals, default=0.0))
    scale = COL_HEIGHT / top
    slot = (COL_WIDTH - COL_LEFT) / max(len(labels), 1)
    width = round(min(slot * 0.6, 48), 1)
    columns = []
    for i, label in enumerate(labels):
        x = round(COL_LEFT + i * slot + (slot - width) / 2, 1)
        y = float(COL_TOP + COL_HEIGHT)
        pieces = []
        for values, name in zip(series, css, strict=True):
            height = values[i] * scale
            if height > 0:
                y -= height
                pieces.append({"y": round(y, 1), "height": round(height, 1), "css": name})
        columns.append(
            {
                "label": label,
                "x": x,
                "mid": round(x + width / 2, 1),
                "text": texts[i],
                "text_y": round(y - 4, 1),
                "segments": pieces,
            }
        )
    return {
        "title": title,
        "width": COL_WIDTH,
        "height": COL_TOP + COL_HEIGHT + 22,
        "plot_height": COL_HEIGHT,
        "left": COL_LEFT,
        "column_width": width,
        "label_y": COL_TOP + COL_HEIGHT + 16,
        "ticks": [
            {"y": round(COL_TOP + COL_HEIGHT - t * scale, 1), "text": tick(t)} for t in ticks
        ],
        "columns": columns,
    }


def trend_view(result: AuditResult, months: list[str]) -> dict[str, Any] | None:
    """Month over month: share of patient-months with an open error, and dollars (denied /
    at risk) by month of service; None when the input spans fewer than two months."""
    if len(months) < 2:
        return None
    audited = patient_months_by_month(result)
    with_error: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for f in result.findings:
        if f.month and f.patient_id and is_open_problem(f) and f.severity.value == "error":
            with_error[f.month].add((f.patient_id, f.month))
    amounts = _money_by(result, lambda f: f.month)
    rows: list[dict[str, Any]] = []
    for month in months:
        total = len(audited.get(month, ()))
        errors = len(with_error.get(month, ()))
        denied, risk = amounts.get(month, [Decimal(0), Decimal(0)])
        rate = 100.0 * errors / total if total else 0.0
        rows.append(
            {
                "month": month,
                "label": month_words(month)[:3] + " " + month[2:4],
                "words": month_words(month),
                "patient_months": total,
                "with_error": errors,
                "rate": rate,
                "rate_text": f"{rate:.1f}%",
                "denied": denied,
                "risk": risk,
                "denied_text": money(denied),
                "risk_text": money(risk),
            }
        )
    labels = [r["label"] for r in rows]
    return {
        "rows": rows,
        "rate_chart": column_chart(
            labels,
            [[r["rate"] for r in rows]],
            ["seg-error"],
            percent_tick,
            [r["rate_text"] for r in rows],
            "Share of patient-months with an open error, by month",
        ),
        "money_chart": column_chart(
            labels,
            [[float(r["denied"]) for r in rows], [float(r["risk"]) for r in rows]],
            ["seg-denied", "seg-risk"],
            money_tick,
            [whole_dollars(r["denied"] + r["risk"]) for r in rows],
            "Dollars to be denied and at audit risk, by month",
        ),
    }
