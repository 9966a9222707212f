"""Code families of the BHI rulebook (§1). Definitions, not yearly values.

Why here and not in the yearly policy data: which program a code belongs to does not change
from year to year; thresholds, validity windows and payment do, and live in ``policy/``.
"""

from __future__ import annotations

from bhi_audit.models import Program

GENERAL_BHI_TIMED = frozenset({"99484", "G0323"})  # §1.1, §1.6: >= 20 minutes
GENERAL_BHI = GENERAL_BHI_TIMED | {"G0570", "G0507", "G0511"}
COCM_INITIAL = "99492"
COCM_SUBSEQUENT = "99493"
COCM_ADDON = "99494"
COCM_SHORT = "G2214"
COCM_BASE = frozenset({COCM_INITIAL, COCM_SUBSEQUENT})
COCM = frozenset({COCM_INITIAL, COCM_SUBSEQUENT, COCM_ADDON, COCM_SHORT})
COCM_ALL = COCM | {"G0568", "G0569", "G0502", "G0503", "G0504", "G0512"}
APCM_BASE = frozenset({"G0556", "G0557", "G0558"})
APCM_BH_ADDONS = frozenset({"G0568", "G0569", "G0570"})
CCM = frozenset({"99490", "99439", "99487", "99489", "99491", "99437"})  # §1.11
PCM = frozenset({"99424", "99425", "99426", "99427"})  # §1.12
TCM = frozenset({"99495", "99496"})  # §1.13
RPM = frozenset({"99453", "99454", "99445", "99457", "99458", "99470", "99091"})
RTM = frozenset({"98975", "98976", "98977", "98978", "98980", "98981"})
DMHT = frozenset({"G0552", "G0553", "G0554"})

#: The monthly codes billed once per patient-month (rulebook §9 BHI-EXCL-005).
MONTHLY_ONCE = frozenset({"99484", "99492", "99493", "G2214", "G0323", "G0568", "G0569", "G0570"})

_PROGRAM_OF: dict[str, Program] = {}
for _codes, _program in (
    (GENERAL_BHI, Program.BHI),
    (COCM_ALL, Program.COCM),
    (APCM_BASE, Program.APCM),
    (CCM, Program.CCM),
    (PCM, Program.PCM),
    (TCM, Program.TCM),
    (RPM, Program.RPM),
    (RTM, Program.RTM),
    (DMHT, Program.DMHT),
):
    for _code in _codes:
        _PROGRAM_OF[_code] = _program
# NOTE: the APCM behavioral-health add-ons are BHI/CoCM services billed beside APCM.
_PROGRAM_OF["G0568"] = Program.COCM
_PROGRAM_OF["G0569"] = Program.COCM
_PROGRAM_OF["G0570"] = Program.BHI


def program_of(code: str) -> Program | None:
    """The care-management program a code bills, or None for other services."""
    return _PROGRAM_OF.get(code)


#: Programs whose time may not also count toward BHI/CoCM (rulebook §2.9, §4.5-4.7).
BEHAVIORAL_PROGRAMS = frozenset({Program.BHI, Program.COCM})
OTHER_CARE_MANAGEMENT = frozenset(
    {Program.CCM, Program.PCM, Program.TCM, Program.APCM, Program.RPM, Program.RTM, Program.DMHT}
)
