"""The auditor pack in text, JSON, CSV and HTML: one :class:`AuditorPack`, four layouts.

Why here: like every reporter, these only lay out a finished document (STYLE §14); the numbers
were computed once, in ``bhi_audit/sampling/pack.py``. The HTML is self-contained (inline CSS,
no script, nothing loaded) and escapes every value, as the audit report does.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TextIO

from bhi_audit.reporters import common
from bhi_audit.reporters.html import environment
from bhi_audit.reporters.text import one_line
from bhi_audit.sampling.pack import AuditorPack

UNIT_COLUMNS = (
    "stratum",
    "draw",
    "number",
    "unit",
    "examined",
    "audited",
    "overpayment",
    "underpayment",
    "verdict",
    "findings",
    "note",
    "evidence",
)


def money(text: str) -> str:
    """``1234.5`` -> ``$1,234.50``; ``-3`` -> ``-$3.00``."""
    return common.money(Decimal(text))


def render_text(pack: AuditorPack, out: TextIO) -> None:
    """A plain-text estimate table, with what is undetermined and every warning."""
    sample, variable, attribute = pack.sample, pack.variable, pack.attribute
    lines = [
        f"sample {sample.file}: {sample.design}, seed {sample.seed}, generator {sample.generator}",
        f"frame {sample.frame} (sha256 {sample.frame_sha256}), {pack.universe_units} "
        f"{sample.unit} units examined at {money(pack.universe_examined)}; "
        f"{attribute.sampled_units} appraised",
        f"replay: {sample.replay}",
        "",
        f"{'stratum':<20} {'N':>8} {'n':>5} {'errors':>7} {'overpaid in sample':>20}",
    ]
    for stratum in pack.strata:
        lines.append(
            f"{stratum.stratum:<20} {stratum.universe_units:>8} {stratum.sampled_units:>5} "
            f"{stratum.units_not_supported:>7} {money(stratum.overpaid_in_sample):>20}"
        )
    lines += [
        "",
        f"point estimate of the overpayment   {money(variable.point_estimate)}",
        f"standard error                      {money(variable.standard_error)} "
        f"(t, {variable.degrees_of_freedom:.2f} degrees of freedom)",
        f"lower limit, one-sided 90%          {money(variable.lower_limit_one_sided_90)}"
        "  (contractors' demand amount)",
    ]
    for level, limits in variable.two_sided.items():
        note = '  (OIG: "at least")' if level == "90" else ""
        lines.append(
            f"two-sided {level}%                       "
            f"{money(limits.lower)} to {money(limits.upper)}{note}"
        )
    percent = variable.precision_90_percent
    share = f" ({percent:.1f}% of the point estimate)" if percent is not None else ""
    lines.append(f"precision at 90%                    {money(variable.precision_90)}{share}")
    low, high = attribute.two_sided_90
    lines.append(
        f"units not supported                 {attribute.units_not_supported} of "
        f"{attribute.sampled_units} ({attribute.error_rate:.1%}; exact two-sided 90%: "
        f"{low:.1%} to {high:.1%})"
    )
    if pack.undetermined:
        lines.append(
            f"undetermined (counted as no error; settle them): {', '.join(pack.undetermined)}"
        )
    if pack.underpaid:
        lines.append(f"underpaid (listed, never netted): {', '.join(pack.underpaid)}")
    lines += [f"warning: {warning}" for warning in pack.warnings]
    if variable.conservative_lower is not None:
        lines.append(
            f"conservative lower bound            {money(variable.conservative_lower)} "
            f"({variable.conservative_method})"
        )
    out.write("".join(one_line(line) + "\n" for line in lines))


def render_json(pack: AuditorPack, out: TextIO) -> None:
    """The pack as JSON (docs/auditor-pack-schema.json), keys sorted, money as strings."""
    out.write(json.dumps(pack.model_dump(mode="json"), indent=2, sort_keys=True) + "\n")


def render_csv(pack: AuditorPack, out: TextIO) -> None:
    """The per-unit table: one row per appraised unit."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(UNIT_COLUMNS)
    for unit in pack.units:
        writer.writerow([getattr(unit, column) for column in UNIT_COLUMNS])


def render_html(pack: AuditorPack, out: TextIO) -> None:
    """The self-contained HTML pack an auditor reads and signs."""
    template = environment().get_template("auditor_pack.html.j2")
    out.write(template.render(pack=pack, money=money))


PACK_RENDERERS: dict[str, Callable[[AuditorPack, TextIO], None]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "html": render_html,
}
