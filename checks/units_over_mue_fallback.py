"""Units stay within the fallback unit limits while no CMS MUE table is loaded.

Why: CMS's Medically Unlikely Edits cap the units a line or date of service may carry; over
the cap the line is denied. The Practitioner MUE table could not be retrieved for the
rulebook, so no MUE value is verified: the monthly base codes are expected to carry 1 unit
per line and 99494 at most 2 units in a month (one 2020 study and one vendor; NC Medicaid
allows 4). Until a real MUE table is loaded this is a warning, never an error, and the
limits are options. Repeating a base code on a second line is BHI-EXCL-005's finding.
Source: rulebook §4.13, §8 D12 and §9 BHI-NCCI-002 (fallback thresholds); Palmetto GBA and
First Coast (MUE mechanics, MAI 1-3).
Passes: P1 2026-03, 99492 x1 and 99494 x2 (150 countable minutes).
Fails: P1 2026-03, 99494 x3 in the month (over the fallback 2); 99493 x2 on one line.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ADDON, MONTHLY_ONCE
from bhi_audit.context import PatientMonth

ID = "BHI-NCCI-002"
NAME = "units-over-mue-fallback"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = MONTHLY_ONCE | {COCM_ADDON}


class Options(BaseModel):
    """The fallback limits (rulebook §4.13); replace them with the CMS MUE values when known."""

    model_config = ConfigDict(extra="forbid")

    base_units_per_line: int = Field(default=1, ge=1, le=99)
    addon_units_per_month: int = Field(default=2, ge=1, le=99)


def check(month: PatientMonth, options: Options) -> Iterator[Problem]:
    """One problem per base-code line over its limit, one per month over the 99494 limit."""
    for billed in month.lines_with(MONTHLY_ONCE):
        if billed.line.units > options.base_units_per_line:
            yield Problem(
                message=(
                    f"{billed.code} x{billed.line.units} on one line (fallback limit "
                    f"{options.base_units_per_line}; no MUE table loaded)"
                ),
                record=billed.line,
                field="units",
                evidence=(billed.line,),
                facts={"units": billed.line.units, "limit": options.base_units_per_line},
            )
    addons = month.lines_with({COCM_ADDON})
    units = sum(b.line.units for b in addons)
    if units > options.addon_units_per_month:
        yield Problem(
            message=(
                f"99494 x{units} in {month.month} (fallback limit "
                f"{options.addon_units_per_month} a month; no MUE table loaded)"
            ),
            record=addons[-1].line,
            field="units",
            evidence=tuple(b.line for b in addons),
            facts={"units": units, "limit": options.addon_units_per_month},
        )
