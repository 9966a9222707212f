"""99494 units may not exceed what the month's countable CoCM minutes support.

Why: each 99494 unit is an additional 30 minutes beyond the base code's time (70 in the
initial month, 60 later), reportable once 16 minutes of the next block have passed:
units = floor((minutes - base - 16) / 30) + 1, and none below base + 16. So the first unit
needs 86 minutes in an initial month and 76 in a subsequent one; the second 116 and 106.
Source: rulebook §1.4, §2.3, §2.4 and §9 BHI-TIME-003; [S-BCBSND]; [S-AAFP]; Mirah (16 past
the base).
Passes: P5 2026-02, 99492 + 99494 x1 with 86 countable minutes (boundary); 99493 + 99494 x3
with 136.
Fails: P5 2026-02, 99492 + 99494 x1 with 85 minutes; 99493 + 99494 x2 with 100 minutes (only the
excess unit, $61.46 in 2026, is at risk).
Not verifiable: when the stated period covers only part of the month; no time log in the input.
Said by the check itself, not by REQUIRES, as 99494 with no base code is BHI-EXCL-004's finding,
so the missing time log is said only beside a base code.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ADDON, COCM_INITIAL, COCM_SUBSEQUENT
from bhi_audit.context import PatientMonth
from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import (
    addon_threshold,
    month_covered,
    partial_month,
    tally_for,
    unverified_roles,
)

ID = "BHI-TIME-003"
NAME = "cocm-addon-units-supported"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = frozenset({COCM_ADDON})


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per 99494 line holding units beyond what the month's minutes support."""
    addons = month.lines_with(CODES)
    bases = month.lines_with({COCM_INITIAL, COCM_SUBSEQUENT})
    if not bases:
        return  # 99494 without a base code is BHI-EXCL-004's finding
    if not month.batch.provided("time_entries"):
        yield Problem(
            message="99494 units not verifiable: no time log in the input",
            record=addons[0].line,
            field="units",
            unverifiable=True,
        )
        return
    initial = any(b.code == COCM_INITIAL for b in bases)
    base = bases[0]
    thresholds = thresholds_for(base.date_of_service)
    tally = tally_for(month, base)
    supported = thresholds.addon_units_supported(tally.minutes, initial)
    billed_units = sum(b.line.units for b in addons)
    if billed_units <= supported:
        if billed_units > thresholds.addon_units_supported(tally.verified_minutes, initial):
            yield unverified_roles(addons[-1], tally, None)
        return
    next_needed = addon_threshold(billed_units, initial, thresholds)
    if not month_covered(month):
        yield partial_month(month, addons[-1], tally, next_needed, f"99494 x{billed_units}")
        return
    message = (
        f"99494 x{billed_units} billed with {base.code}: {tally.minutes} countable min "
        f"support {supported} unit(s) ({next_needed} min needed for {billed_units}); "
        f"{tally.describe()}"
    )
    evidence = (*(b.line for b in (*bases, *addons)), *(e for e, _ in tally.counted))
    # NOTE: only the units beyond what the minutes support are at risk; they are taken from the
    # last 99494 lines first, so a line is flagged only when some of its units are at risk.
    excess = billed_units - supported
    for addon in reversed(addons):
        if excess <= 0:
            break
        at_risk = min(excess, addon.line.units)
        excess -= at_risk
        yield Problem(
            message=message,
            record=addon.line,
            field="units",
            evidence=evidence,
            facts={
                "billed_units": billed_units,
                "supported_units": supported,
                "countable_minutes": tally.minutes,
                "minutes_needed": next_needed,
                "units_at_risk": at_risk,
            },
            units_at_risk=at_risk,
        )
