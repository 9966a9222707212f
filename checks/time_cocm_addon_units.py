"""99494 units may not exceed what the month's countable CoCM minutes support.

Why: each 99494 unit is an additional 30 minutes beyond the base code's time (70 in the
initial month, 60 later), reportable once 16 minutes of the next block have passed:
units = floor((minutes - base - 16) / 30) + 1, and none below base + 16. So the first unit
needs 86 minutes in an initial month and 76 in a subsequent one; the second 116 and 106.
Source: rulebook §1.4, §2.3, §2.4 and §9 BHI-TIME-003; [S-BCBSND]; [S-AAFP]; Mirah (16 past
the base).
Passes: P5 2026-02, 99492 + 99494 x1 with 86 countable minutes (boundary).
Fails: P5 2026-02, 99492 + 99494 x1 with 85 minutes; 99493 + 99494 x2 with 100 minutes.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ADDON, COCM_INITIAL, COCM_SUBSEQUENT
from bhi_audit.context import PatientMonth
from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import tally_for, unverified_roles

ID = "BHI-TIME-003"
NAME = "cocm-addon-units-supported"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
CODES = frozenset({COCM_ADDON})


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per month whose 99494 units exceed what the minutes support."""
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
    base_minutes = thresholds.cocm_initial_base if initial else thresholds.cocm_subsequent_base
    next_needed = (
        base_minutes + thresholds.addon_first_extra + thresholds.addon_block * (billed_units - 1)
    )
    yield Problem(
        message=(
            f"99494 x{billed_units} billed with {base.code}: {tally.minutes} countable min "
            f"support {supported} unit(s) ({next_needed} min needed for {billed_units}); "
            f"{tally.describe()}"
        ),
        record=addons[-1].line,
        field="units",
        evidence=(*(b.line for b in (*bases, *addons)), *(e for e, _ in tally.counted)),
        facts={
            "billed_units": billed_units,
            "supported_units": supported,
            "countable_minutes": tally.minutes,
            "minutes_needed": next_needed,
        },
    )
