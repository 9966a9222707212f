"""Two codes of a CMS practitioner PTP edit on one date of service need a bypassing modifier.

Why: an NCCI procedure-to-procedure edit pays the column 1 code and denies the column 2 code
when one practitioner bills both for the patient on the same date of service. Modifier
indicator 0 means no modifier lets the pair through; 1 means an NCCI PTP-associated modifier
(59, XE, XS, XP, XU, 25, the anatomic modifiers ...) on either line does; 9 means the edit
does not apply. The edits come from the practitioner PTP table the user imports for the date
of service's year (``bhi-audit policy import ptp-practitioner``, docs/policy-data.md); an edit
counts only from its effective date and before its deletion date. Without a PTP pack for the
year the check has nothing to compare against and reports nothing: the rulebook could not
retrieve the table, so no pair is guessed. Conflicts billed on different days of the month
stay the calendar-month pairs' findings (BHI-EXCL-*).
Source: rulebook §4.11 and §9 BHI-NCCI-001; CMS, *Medicare NCCI Procedure to Procedure (PTP)
Edits* (column one / column two, same beneficiary and date of service); CMS, *NCCI Policy
Manual for Medicare Services*, chapter I (PTP-associated modifiers).
Passes: a pack with 99492/99484 indicator 1; 99492 and 99484-59 by D1 on 2027-03-02; or the
two on different dates; or by two practitioners; or an edit deleted before the date.
Fails: the same pack, 99492 and 99484 (no modifier) by D1 on 2027-03-02 -> the 99484 line;
an indicator-0 edit with 99484-59 -> the 99484 line (no modifier allowed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from bhi_audit.checkapi import Problem
from bhi_audit.context import BilledLine, PatientMonth
from bhi_audit.policy.packs import NCCI_MODIFIERS, PtpEdit, PtpPack, ptp_pack

ID = "BHI-NCCI-001"
NAME = "ncci-ptp-pair-same-date"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per column 2 line of an in-force edit without an allowed bypass."""
    pack = ptp_pack(date(month.month.year, month.month.month, 1))
    if pack is None:
        return
    edits: dict[tuple[str, str], list[PtpEdit]] = defaultdict(list)
    for edit in pack.edits:
        edits[(edit.column1, edit.column2)].append(edit)
    same_day: dict[tuple[str, date], list[BilledLine]] = defaultdict(list)
    for billed in month.lines:
        same_day[(billed.billing_practitioner or "", billed.date_of_service)].append(billed)
    for (_, day), lines in sorted(same_day.items()):
        for second in lines:
            for first in lines:
                if first is second or first.code == second.code:
                    continue
                for edit in edits.get((first.code, second.code), ()):
                    if edit.in_force(day):
                        problem = _judge(edit, first, second, day, pack)
                        if problem is not None:
                            yield problem
                            break


def _judge(
    edit: PtpEdit, first: BilledLine, second: BilledLine, day: date, pack: PtpPack
) -> Problem | None:
    """The problem an in-force edit makes of the column 2 line, or None if it is bypassed."""
    if edit.modifier == 9:
        return None
    bypass = NCCI_MODIFIERS & {*first.line.modifiers, *second.line.modifiers}
    if edit.modifier == 1 and bypass:
        return None
    why = (
        "modifier indicator 0: no modifier allowed"
        if edit.modifier == 0
        else "modifier indicator 1: no NCCI-associated modifier (59, XE, XS, XP, XU, 25 ...) "
        "on either line"
    )
    return Problem(
        message=(
            f"{second.code} with {first.code} on {day.isoformat()} by the same practitioner: "
            f"NCCI PTP column 2 of {first.code}, {why} ({pack.label})"
        ),
        record=second.line,
        field="code",
        evidence=(first.line, second.line),
        facts={
            "column1": edit.column1,
            "column2": edit.column2,
            "modifier_indicator": edit.modifier,
            "pack": pack.label,
        },
    )
