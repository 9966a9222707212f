"""The estimate as text an auditor reads and signs (the JSON form is ``estimate_json``)."""

from __future__ import annotations

from decimal import Decimal

from bhi_audit.sampling.draw import SampleHeader
from bhi_audit.sampling.estimate import CONSERVATIVE_METHOD, Estimate


def _money(amount: Decimal) -> str:
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def estimate_text(result: Estimate, header: SampleHeader, sample_name: str) -> str:
    """A plain-text estimate table, with what is undetermined and every warning."""
    design = "simple random" if len(result.strata) == 1 else "stratified random"
    lines = [
        f"sample {sample_name}: {design}, seed {header.design.seed}, generator {header.generator}",
        f"frame {header.frame_name} (sha256 {header.frame_digest}), "
        f"{result.universe} units; {result.sampled} appraised",
        "",
        f"{'stratum':<20} {'N':>8} {'n':>5} {'errors':>7} {'overpaid in sample':>20}",
    ]
    for stratum in result.strata:
        lines.append(
            f"{stratum.label:<20} {stratum.universe:>8} {stratum.sampled:>5} "
            f"{stratum.errors:>7} {_money(stratum.overpaid_in_sample):>20}"
        )
    lines += [
        "",
        f"point estimate of the overpayment   {_money(result.point)}",
        f"standard error                      {_money(result.standard_error)} "
        f"(t, {result.degrees_of_freedom:.2f} degrees of freedom)",
        f"lower limit, one-sided 90%          {_money(result.one_sided_90_lower)}"
        "  (contractors' demand amount)",
    ]
    for level, limits in result.two_sided.items():
        note = '  (OIG: "at least")' if level == 90 else ""
        lines.append(
            f"two-sided {level}%                       "
            f"{_money(limits.lower)} to {_money(limits.upper)}{note}"
        )
    percent = (
        f" ({result.precision_90_percent:.1f}% of the point estimate)"
        if result.precision_90_percent is not None
        else ""
    )
    lines.append(f"precision at 90%                    {_money(result.precision_90)}{percent}")
    low, high = result.error_rate_90
    lines.append(
        f"units not supported                 {result.errors} of {result.sampled} "
        f"({result.error_rate:.1%}; exact two-sided 90%: {low:.1%} to {high:.1%})"
    )
    if result.undetermined:
        lines.append(
            f"undetermined (counted as no error; settle them): {', '.join(result.undetermined)}"
        )
    if result.underpaid:
        lines.append(f"underpaid (listed, never netted): {', '.join(result.underpaid)}")
    for warning in result.warnings:
        lines.append(f"warning: {warning}")
    if result.conservative_lower is not None:
        lines.append(
            f"conservative lower bound            {_money(result.conservative_lower)} "
            f"({CONSERVATIVE_METHOD})"
        )
    return "\n".join(lines) + "\n"
