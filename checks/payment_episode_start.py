"""A month with BH diagnosis, consent and billable BHI/CoCM minutes was not billed (info).

Why: practices often do the work of a month and never bill it — most often the first month of
a new episode. When the patient has a behavioral health diagnosis (F01-F99 on any of their
claims), consent for the program is in force and the month's countable minutes reach a code's
threshold, the month could be billed; the opportunity is what the supported code(s) would pay
(general BHI: 99484 at 20+ minutes; CoCM: G2214, 99492 or 99493 with 99494 units by month
type, the lower reading when the month type is uncertain). Months whose minutes reach no
threshold are not reported. The minutes counted are those of the practitioner who obtained
the consent.
Source: rulebook §2.1, §2.4, §3.1, §3.2, §6.2 and §9 BHI-PAY-002; [S-NGS-BHI]; [S-BCBSND].
Passes: P1 2026-04, 99484 billed; or 12 countable BHI minutes and nothing billed.
Fails: P1 2026-04, F32.1 on an earlier claim, BHI consent in force, 25 countable BHI minutes,
nothing billed (99484 supported, opportunity $57.45 in CY2026).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from bhi_audit.checkapi import Problem
from bhi_audit.codes import program_of
from bhi_audit.context import PatientMonth
from bhi_audit.episodes import is_initial_month
from bhi_audit.models import Program
from bhi_audit.policy import codes_price, thresholds_for
from bhi_audit.timecount import supported_cocm_codes, tally_minutes

ID = "BHI-PAY-002"
NAME = "unbilled-month-opportunity"
SCOPE = "patient_month"
DEFAULT_SEVERITY = "info"


def _bh_diagnosis(month: PatientMonth) -> str | None:
    for billed in month.records.lines:
        for code in billed.claim.diagnoses if billed.claim else ():
            if "F01" <= code[:3] <= "F99":
                return str(code)
    return None


def check(month: PatientMonth, options: None) -> Iterator[Problem]:
    """At most one problem per program per unbilled patient-month."""
    if any(program_of(b.code) in (Program.BHI, Program.COCM) for b in month.lines):
        return
    diagnosis = _bh_diagnosis(month)
    if diagnosis is None:
        return
    day = month.month.last_day
    thresholds = thresholds_for(day)
    for program in (Program.BHI, Program.COCM):
        consents = [c for c in month.consents_for(program) if c.in_force_on(day)]
        entries = month.entries_for(program)
        if not consents or not entries:
            continue
        consent = consents[-1]
        tally = tally_minutes(
            entries, program, month.batch, practitioner=consent.billing_practitioner
        )
        minutes = tally.minutes
        if program is Program.BHI:
            readings = [{"99484": 1}] if minutes >= thresholds.general_bhi_minutes else []
        else:
            initial = is_initial_month(month.records, month.month)
            cases = [initial] if initial is not None else [False, True]
            readings = [supported_cocm_codes(minutes, r, thresholds) for r in cases]
            if not all(readings):
                readings = []
        if not readings:
            continue
        valued = [(codes_price(r, day), r) for r in readings]
        gain, codes = min(valued, key=lambda v: v[0] if v[0] is not None else Decimal(0))
        names = " + ".join(f"{c} x{u}" if u > 1 else c for c, u in codes.items())
        money = f"${gain:,.2f}" if gain is not None else f"rates not loaded for CY{day.year}"
        yield Problem(
            message=(
                f"{program.value} {month.month}: {minutes} countable min, consent in force and "
                f"dx {diagnosis}, but nothing billed ({names} supported, {money})"
            ),
            record=entries[0],
            field="claim",
            evidence=(consent, *tally.entries),
            facts={"countable_minutes": minutes, "supported": names, "program": program.value},
            opportunity=gain,
        )
