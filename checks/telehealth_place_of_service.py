"""BHI, CoCM and care-management lines are not billed as telehealth (POS 02/10, 95/93/FQ).

Why: these are care-management services furnished over a calendar month in any setting, not
Medicare telehealth services (CMS declined to add 99484 and PCM to the telehealth list, and
no source lists CoCM). Billing them with a telehealth place of service (02, 10) or modifier
(95, 93, FQ) invites a facility-rate or telehealth-edit denial: a warning. For digital mental
health treatment (G0552-G0554) the MAC states POS 02 and 10 may not be used: an error. The
line's own place of service wins over the claim's. The CY2027 proposed rule adds the
informational telehealth modifiers BB and BC (from 1 Jan 2027): by the revision of 2 Dec 2026
(§6.4) they are accepted on any line and never reported, not even on DMHT lines.
Source: rulebook §3.15, §5.2, §5.3b-e, §1.10, §6.4 and §9 BHI-POS-001; [S-FR25] (via ASAM);
[S-NOR-DMHT]; [S-FR27P] (BB/BC, secondary source).
Passes: 99484 with POS 11; 99493 with no modifier; G0553 with POS 11; 99484 with modifier BB,
G0553 with BB and BC.
Fails: 99484 with POS 10 (warning); 99493 with modifier 95 (warning); G0553 on a claim with
POS 02 (error).
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import APCM_BASE, CCM, COCM_ALL, DMHT, GENERAL_BHI, PCM
from bhi_audit.context import LineUnit

ID = "BHI-POS-001"
NAME = "telehealth-place-of-service"
SCOPE = "line"
DEFAULT_SEVERITY = "warning"
SEVERITIES = {"care-management": "warning", "dmht": "error"}
CODES = GENERAL_BHI | COCM_ALL | CCM | PCM | APCM_BASE | DMHT

TELEHEALTH_POS = frozenset({"02", "10"})
TELEHEALTH_MODIFIERS = frozenset({"95", "93", "FQ"})
#: Informational telehealth modifiers proposed for CY2027 (§6.4): accepted, never reported.
INFORMATIONAL_MODIFIERS = frozenset({"BB", "BC"})


def check(unit: LineUnit, options: None) -> Iterator[Problem]:
    """At most one problem per line billed with a telehealth POS or modifier."""
    line, claim = unit.line, unit.claim
    pos = line.place_of_service or (claim.place_of_service if claim else None)
    reasons = []
    if pos in TELEHEALTH_POS:
        reasons.append(f"POS {pos}")
    modifiers = sorted(TELEHEALTH_MODIFIERS.intersection(line.modifiers))
    if modifiers:
        reasons.append(f"modifier {'/'.join(modifiers)}")
    if not reasons:
        return
    dmht = line.code in DMHT
    why = (
        "digital mental health treatment may not be billed as telehealth"
        if dmht
        else "care management is not a Medicare telehealth service"
    )
    yield Problem(
        message=f"{line.code} billed with {' and '.join(reasons)} ({why})",
        record=line,
        field="place_of_service" if pos in TELEHEALTH_POS else "modifiers",
        evidence=(line,),
        variant="dmht" if dmht else "care-management",
        facts={"place_of_service": pos, "modifiers": "/".join(modifiers)},
    )
