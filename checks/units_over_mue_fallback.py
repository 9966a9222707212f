"""Units stay within the CMS practitioner MUE when an MUE pack is loaded, else within fallbacks.

Why: CMS's Medically Unlikely Edits cap the units a line or date of service may carry; over
the cap the line is denied. With the practitioner MUE table imported for the line's year
(``bhi-audit policy import mue-practitioner``, docs/policy-data.md) the real value and its
adjudication indicator (MAI) apply and a breach is an error, variant ``mue``: MAI 1 counts
the units of one line; MAI 2 (absolute, policy) and MAI 3 (clinical) count every unit of the
code the billing practitioner billed for the patient on the date of service. A code the table
does not list has no MUE, and no fallback is used for that year. Without a pack no MUE value
is verified (the rulebook could not retrieve the table): the monthly base codes are expected
to carry 1 unit per line and 99494 at most 2 units in a month (one 2020 study and one vendor;
NC Medicaid allows 4), as a warning, never an error, with the limits as options. Repeating a
base code on a second line is BHI-EXCL-005's finding.
Source: rulebook §4.13, §8 D12 and §9 BHI-NCCI-002 (MUE with MAI; fallback thresholds);
Palmetto GBA and First Coast (MUE mechanics, MAI 1-3); Noridian JF, *Medically Unlikely
Edits* (the practitioner table's four columns).
Passes: P1 2026-03, 99492 x1 and 99494 x2 (150 countable minutes); with a pack listing 99494
MUE 3 MAI 2, 99494 x3 on one date.
Fails: P1 2026-03, 99494 x3 in the month (over the fallback 2); 99493 x2 on one line; with a
pack listing 99494 MUE 2 MAI 2, 99494 x2 and x1 on two lines of one date (error, ``mue``);
with 99493 MUE 1 MAI 1, 99493 x2 on one line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ADDON, MONTHLY_ONCE
from bhi_audit.context import BilledLine, PatientMonth
from bhi_audit.policy.packs import MuePack, mue_pack

ID = "BHI-NCCI-002"
NAME = "units-over-mue-fallback"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "warning"
CODES = MONTHLY_ONCE | {COCM_ADDON}
SEVERITIES = {"mue": "error"}

MAI_KIND = {
    1: "MAI 1 line edit",
    2: "MAI 2 date-of-service edit, absolute",
    3: "MAI 3 date-of-service edit",
}


class Options(BaseModel):
    """The fallback limits (rulebook §4.13); replace them with the CMS MUE values when known."""

    model_config = ConfigDict(extra="forbid")

    base_units_per_line: int = Field(default=1, ge=1, le=99)
    addon_units_per_month: int = Field(default=2, ge=1, le=99)


def check(month: PatientMonth, options: Options) -> Iterator[Problem]:
    """With an MUE pack, one problem per line or date of service over the MUE; else fallbacks."""
    pack = mue_pack(date(month.month.year, month.month.month, 1))
    if pack is not None:
        yield from _over_mue(month, pack)
        return
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


def _over_mue(month: PatientMonth, pack: MuePack) -> Iterator[Problem]:
    """Lines (MAI 1) and practitioner-dates (MAI 2, 3) whose units exceed the pack's MUE."""
    per_day: dict[tuple[str, str, date], list[BilledLine]] = defaultdict(list)
    for billed in month.lines_with(pack.mue):
        edit = pack.mue[billed.code]
        if edit.mai == 1:
            if billed.line.units > edit.value:
                yield _mue_problem(billed.code, billed.line.units, "on one line", [billed], pack)
        else:
            key = (billed.code, billed.billing_practitioner or "", billed.date_of_service)
            per_day[key].append(billed)
    for (code, _, day), lines in sorted(per_day.items()):
        units = sum(b.line.units for b in lines)
        if units > pack.mue[code].value:
            yield _mue_problem(code, units, f"on {day.isoformat()}", lines, pack)


def _mue_problem(
    code: str, units: int, where: str, lines: list[BilledLine], pack: MuePack
) -> Problem:
    edit = pack.mue[code]
    return Problem(
        message=(f"{code} x{units} {where} (MUE {edit.value}, {MAI_KIND[edit.mai]}; {pack.label})"),
        record=lines[-1].line,
        field="units",
        variant="mue",
        evidence=tuple(b.line for b in lines),
        facts={"units": units, "limit": edit.value, "mai": edit.mai, "pack": pack.label},
    )
