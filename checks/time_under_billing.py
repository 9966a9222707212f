"""CoCM minutes that support a higher code or more 99494 units than billed (revenue opportunity).

Why: the CoCM codes are a ladder (§2.4): a month with enough countable minutes for 99492/99493
billed as G2214, or with minutes for 99494 units that were not billed, leaves money on the
table. The opportunity is what the supported codes would add at the year's national
non-facility rates. Month type (initial or subsequent) comes from the episode rule (§3.12);
when the records cannot tell, the lower-paying reading is used and the message says so.
99484/G0323 have no add-on, so general BHI is never under-billed by minutes.
Source: rulebook §2.3, §2.4, §6.2 and §9 BHI-TIME-005; [S-BCBSND]; Mirah; [S-RVU26].
Passes: P1 2026-03 (initial), 99492 with 85 countable minutes; 99493 + 99494 x1 with 105.
Fails: P1 2026-02 (initial), G2214 with 40 countable minutes (99492 supported); 99492 with 90
minutes and no 99494; 99493 + 99494 x1 with 106 minutes (x2 supported).
Not verifiable: never reported: without a time log there is nothing to suggest, and the minimum
checks (which REQUIRE the time log) say it once. Hence no REQUIRES here, which would say it
twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM, COCM_ADDON, COCM_INITIAL, COCM_SHORT, COCM_SUBSEQUENT
from bhi_audit.context import PatientMonth
from bhi_audit.episodes import is_initial_month
from bhi_audit.policy import codes_price, thresholds_for
from bhi_audit.timecount import supported_cocm_codes, tally_for

ID = "BHI-TIME-005"
NAME = "cocm-under-billing"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "info"
CODES = frozenset({COCM_SHORT, COCM_INITIAL, COCM_SUBSEQUENT})


def _describe(codes: dict[str, int]) -> str:
    return " + ".join(f"{code} x{units}" if units > 1 else code for code, units in codes.items())


def _under_billed(supported: dict[str, int], billed: dict[str, int]) -> bool:
    """Whether ``supported`` is a higher rung of the §2.4 ladder than ``billed``."""
    supported_base = next((c for c in supported if c in (COCM_INITIAL, COCM_SUBSEQUENT)), None)
    if supported_base is None:
        return False
    if supported_base not in billed:
        return COCM_SHORT in billed and not (billed.keys() & {COCM_INITIAL, COCM_SUBSEQUENT})
    return supported.get(COCM_ADDON, 0) > billed.get(COCM_ADDON, 0)


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """At most one problem per patient-month: the supported codes against those billed."""
    if not month.batch.provided("time_entries"):
        return  # nothing to suggest without a time log; the minimum checks say so
    cocm_lines = month.lines_with(COCM)
    base = next(b for b in cocm_lines if b.code != COCM_ADDON)
    day = base.date_of_service
    billed: dict[str, int] = {}
    for b in cocm_lines:
        billed[b.code] = billed.get(b.code, 0) + b.line.units
    initial = is_initial_month(month.records, month.month)
    if base.code in (COCM_INITIAL, COCM_SUBSEQUENT):
        initial = base.code == COCM_INITIAL  # the billed base code fixes the month type
    thresholds = thresholds_for(day)
    minutes = tally_for(month, base).minutes
    readings = [initial] if initial is not None else [True, False]
    options_found: list[tuple[Decimal | None, dict[str, int]]] = []
    for reading in readings:
        supported = supported_cocm_codes(minutes, reading, thresholds)
        if not _under_billed(supported, billed):
            return  # under one reading nothing is missing: no opportunity can be claimed
        value, billed_value = codes_price(supported, day), codes_price(billed, day)
        gain = None if value is None or billed_value is None else value - billed_value
        options_found.append((gain, supported))
    gain, supported = min(options_found, key=lambda o: o[0] if o[0] is not None else Decimal(0))
    note = "" if initial is not None else "; month type not certain, lower-paying reading used"
    money = f"+${gain:,.2f}" if gain is not None else f"rates not loaded for CY{day.year}"
    kind = {True: "initial", False: "subsequent", None: "CoCM"}[initial]
    yield Problem(
        message=(
            f"{kind} month: {minutes} countable min support {_describe(supported)}, billed "
            f"{_describe(billed)} ({money}){note}"
        ),
        record=base.line,
        field="code" if base.code == COCM_SHORT else "units",
        evidence=tuple(b.line for b in cocm_lines),
        facts={
            "countable_minutes": minutes,
            "supported": _describe(supported),
            "billed": _describe(billed),
        },
        opportunity=gain,
    )
