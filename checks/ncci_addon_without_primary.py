"""An add-on code needs one of its primary codes from the AOC file, same practitioner and date.

Why: CMS's add-on code edits pay a Type 1 add-on only if one of its listed primary codes is
also paid to the same practitioner for the same patient on the same date of service; a Type 3
add-on has listed primaries but contractors may accept others; a Type 2 add-on has none
listed (``CCCCC``). The edits come from the AOC file the user imports for the date of
service's year (``bhi-audit policy import aoc``, docs/policy-data.md), counted from their
effective date and before their deletion date. A Type 1 add-on without a listed primary on
its date is an error; a Type 3 one is a warning, variant ``type-3`` (the contractor may accept
another primary); Type 2 is not judged. Without an AOC pack for the year nothing is reported:
BHI-EXCL-004 and BHI-EXCL-007 still check the add-ons against their base codes by month.
Source: rulebook §4.3a, §4.12 and §9 BHI-NCCI-003; CMS, *Medicare NCCI Add-on Code Edits*
(Type 1/2/3, same practitioner, patient and date of service).
Passes: a pack with 99494 Type 1 primaries 99492, 99493; 99493 and 99494 by D1 on 2027-03-02.
Fails: the same pack, 99494 on 2027-03-02 with 99493 on 2027-03-01 -> the 99494 line; 99494
with 99493 billed by another practitioner -> the 99494 line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from bhi_audit.checkapi import Problem
from bhi_audit.context import PatientMonth
from bhi_audit.policy.packs import AocEdit, aoc_pack

ID = "BHI-NCCI-003"
NAME = "ncci-addon-without-primary"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"type-3": "warning"}


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """One problem per add-on line without a listed primary by its practitioner that day."""
    pack = aoc_pack(date(month.month.year, month.month.month, 1))
    if pack is None:
        return
    by_addon: dict[str, list[AocEdit]] = defaultdict(list)
    for edit in pack.edits:
        by_addon[edit.addon].append(edit)
    billed_that_day: dict[tuple[str, date], set[str]] = defaultdict(set)
    for billed in month.lines:
        key = (billed.billing_practitioner or "", billed.date_of_service)
        billed_that_day[key].add(billed.code)
    for billed in month.lines:
        day = billed.date_of_service
        edits = [e for e in by_addon.get(billed.code, ()) if e.in_force(day)]
        listed = sorted({e.primary for e in edits if e.type in (1, 3) and e.primary})
        if not listed:
            continue  # not an add-on in the file, Type 2, or not in force
        present = billed_that_day[(billed.billing_practitioner or "", day)]
        if present.intersection(listed):
            continue
        type_3 = all(e.type == 3 for e in edits if e.primary)
        yield Problem(
            message=(
                f"{billed.code} on {day.isoformat()} without a primary code "
                f"({', '.join(listed)}) by the same practitioner that day: NCCI add-on "
                f"Type {3 if type_3 else 1}"
                + (", the contractor may accept another primary" if type_3 else "")
                + f" ({pack.label})"
            ),
            record=billed.line,
            field="code",
            variant="type-3" if type_3 else None,
            facts={"primaries": listed, "pack": pack.label},
        )
