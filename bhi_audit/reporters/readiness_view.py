"""The view model of the CoCM readiness section (``reports/templates/_readiness.html.j2``).

Why its own module: the same partial is drawn inside the main HTML report (the ``readiness``
key of :func:`bhi_audit.reporters.html.build_view`) and as the standalone page of
``bhi-audit readiness --format html``; both build it here, from the finished result only.
Strings and numbers only, already sorted; the template decides nothing (docs/readiness.md).
"""

from __future__ import annotations

from typing import Any

from bhi_audit.reporters.common import money
from bhi_audit.result import AuditResult, Readiness, ReadinessMonth

#: How a status reads beside its colour (colour is never the only signal).
STATUS_WORDS = {"green": "ready", "amber": "gaps", "red": "not ready"}
ASSESSED = {
    "cocm": "CoCM patient-months",
    "general_bhi": "no CoCM this month: general BHI patient-months as if billed as CoCM",
}


def _difference(month: ReadinessMonth) -> str:
    if month.general_bhi is None or month.cocm is None:
        return "—"
    return money(month.cocm - month.general_bhi)


def _month_view(month: ReadinessMonth) -> dict[str, Any]:
    minutes = month.minutes
    return {
        "month": month.month,
        "anchor": f"readiness-{month.month}",
        "status": month.status,
        "status_words": STATUS_WORDS[month.status],
        "assessed": ASSESSED[month.assessed],
        "patient_months": month.patient_months,
        "requirements": [
            {
                "title": item.title,
                "status": item.status,
                "status_words": STATUS_WORDS[item.status],
                "summary": item.summary,
                "evidence": list(item.evidence),
                "refs": ", ".join(item.refs)
                + (f" and {item.refs_more} more" if item.refs_more else ""),
                "rule": item.rule,
            }
            for item in month.items
        ],
        "priced_patient_months": month.priced_patient_months,
        "general_bhi": money(month.general_bhi),
        "cocm": money(month.cocm),
        "difference": _difference(month),
        "reach_99492": minutes.reach_99492,
        "reach_99493": minutes.reach_99493,
        "with_99494": f"{minutes.with_99494} ({minutes.units_99494} unit(s))",
        "g2214_only": minutes.g2214_only,
        "below_g2214": minutes.below_g2214,
    }


def build_readiness_view(readiness: Readiness) -> dict[str, Any]:
    """The display-ready view of a readiness result."""
    months = [_month_view(m) for m in readiness.months]
    titles = [item.title for item in readiness.months[0].items] if readiness.months else []
    matrix = [
        {
            "title": title,
            "cells": [
                {
                    "status": m["requirements"][row]["status"],
                    "words": m["requirements"][row]["status_words"],
                }
                for m in months
            ],
        }
        for row, title in enumerate(titles)
    ]
    return {
        "months": months,
        "matrix": matrix,
        "general_bhi": money(readiness.general_bhi),
        "cocm": money(readiness.cocm),
        "difference": money(readiness.cocm - readiness.general_bhi),
        "rates": [
            f"CY{r.year}: {r.source}"
            + (
                f"; conversion factor {', '.join(r.conversion_factors)}"
                if r.conversion_factors
                else ""
            )
            for r in readiness.rates
        ],
        "note": readiness.note,
        "money_note": readiness.money_note,
    }


def readiness_view(result: AuditResult) -> dict[str, Any] | None:
    """The ``readiness`` key of the HTML view model; None when there is nothing to assess."""
    return None if result.readiness is None else build_readiness_view(result.readiness)
