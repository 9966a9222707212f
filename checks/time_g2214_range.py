"""G2214 needs countable CoCM minutes at or above its floor (16 by default; 30 in strict mode).

Why: G2214 covers the "first 30 minutes" of CoCM in a month that does not reach the base code.
Under the CPT midpoint rule it is reportable from 16 minutes; two non-CMS sources demand 30, and
no CMS text for either number was retrieved (D1). So: below the floor is an error (the month is
not billable); 16-29 minutes is a warning while D1 is open; ``strict: true`` raises the floor
to 30, making 16-29 an error. Minutes above the range ([floor, 35] initial, [floor, 30]
subsequent) mean the base code should have been billed: that is under-billing, reported by
BHI-TIME-005 (info, with the dollars), not here.
Source: rulebook §1.5, §2.4, §2.5, §8 D1 and §9 BHI-TIME-004; [S-FR21]; [S-NGS-COCM]; Mirah
(16 minutes); MICMT and medsync8 (30 minutes).
Passes: P1 2026-03, G2214 with 30 countable minutes (or more: see BHI-TIME-005).
Fails: P1 2026-03, G2214 with 15 countable minutes (error, below the floor); with 16 or 29
(warning, D1 unresolved); with 29 in strict mode (error).
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_SHORT
from bhi_audit.context import PatientMonth
from bhi_audit.models import TimeEntry
from bhi_audit.policy import thresholds_for
from bhi_audit.timecount import tally_for

ID = "BHI-TIME-004"
NAME = "g2214-minutes-in-range"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"below-floor": "error", "below-30": "warning"}
CODES = frozenset({COCM_SHORT})
REQUIRES = (TimeEntry,)
#: The 30-minute reading of D1 (MICMT, medsync8): minutes below it draw a warning.
DISPUTED_FLOOR = 30


class Options(BaseModel):
    """The G2214 floor (rulebook D1)."""

    model_config = ConfigDict(extra="forbid")

    floor: int | None = Field(
        default=None,
        ge=1,
        le=30,
        description="minutes below which G2214 is an error (default: the year policy, 16)",
    )
    strict: bool = Field(default=False, description="use the 30-minute floor (D1 position B)")


def check(month: PatientMonth, options: Options) -> Iterator[Problem]:
    """One problem per G2214 line below the floor or (warning) below 30 minutes."""
    for billed in month.lines_with(CODES):
        policy_floor = thresholds_for(billed.date_of_service).g2214_floor
        floor = DISPUTED_FLOOR if options.strict else (options.floor or policy_floor)
        tally = tally_for(month, billed)
        facts = {"countable_minutes": tally.minutes, "floor": floor}
        if tally.minutes < floor:
            yield Problem(
                message=(
                    f"G2214: {tally.minutes} countable min (< {floor} floor); {tally.describe()}"
                ),
                record=billed.line,
                field="minutes",
                evidence=(billed.line, *tally.entries),
                facts=facts,
                variant="below-floor",
            )
        elif tally.minutes < DISPUTED_FLOOR:
            yield Problem(
                message=(
                    f"G2214: {tally.minutes} countable min (< {DISPUTED_FLOOR}; the 16-minute "
                    "floor is not confirmed by CMS text, rulebook D1)"
                ),
                record=billed.line,
                field="minutes",
                evidence=(billed.line, *tally.entries),
                facts=facts,
                variant="below-30",
            )
