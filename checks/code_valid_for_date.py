"""Each BHI-family code is billed only on dates of service when it exists.

Why: a code billed before it took effect or after it was retired is denied outright: G0502-
G0504 and G0507 only in 2017; G2214 from 2021; G0323 from 2023 (for mental health counselors
and marriage and family therapists from 2024, when they became Medicare practitioners); APCM
G0556-G0558 and digital mental health G0552-G0554 from 2025; the APCM add-ons G0568-G0570
from 2026. The windows are data (bhi_audit/policy/code_validity.toml). The RHC/FQHC-only codes
G0511 and G0512 (end dates, D5 window) are reported by BHI-CODE-002, so one defect gives one
finding.
Source: rulebook §1.5, §1.6 (D11), §1.8-1.10, §1.15, §7.5.11 and §9 BHI-CODE-001; [S-FR21];
[S-FR23]; [S-FR24]; [S-FR25]; [S-FR26].
Passes: G2214 on 2021-01-01; G0323 by a clinical psychologist on 2023-01-01; G0323 by a mental
health counselor on 2024-01-01; G0568 on 2026-01-01.
Fails: G0507 on 2018-01-01 (retired); 99484 or 99492 on 2017-12-31, G2214 on 2020-12-31,
G0323 on 2022-12-31, G0557 on 2024-12-31, G0570 on 2025-12-31 (not yet effective); G0323 by a
mental health counselor on 2023-12-31.
Not verifiable: G0323 in 2023 without a roster giving the practitioner type. Said by the check
itself, not by REQUIRES, as the roster matters only for codes whose start date depends on the
practitioner type.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.context import LineUnit
from bhi_audit.policy import code_validity, code_window

ID = "BHI-CODE-001"
NAME = "code-valid-for-date"
SCOPE = "line"
DEFAULT_SEVERITY = "error"
SEVERITIES = {
    "retired": "error",
    "not-yet-effective": "error",
    "practitioner-not-yet-eligible": "error",
}
CODES = frozenset(
    code for window in code_validity().window if not window.rhc_fqhc_only for code in window.codes
)


def check(unit: LineUnit, options: None) -> Iterator[Problem]:
    """At most one problem per line: the code's own window, then the practitioner's."""
    line = unit.line
    window = code_window(line.code)
    if window is None:
        return
    day = line.date_of_service
    facts: dict[str, object] = {"valid_from": window.valid_from, "valid_to": window.valid_to}
    if window.valid_to is not None and day > window.valid_to:
        yield Problem(
            message=f"{line.code} retired after {window.valid_to} (date of service {day})",
            record=line,
            field="code",
            evidence=(line,),
            variant="retired",
            facts=facts,
        )
        return
    if window.valid_from is not None and day < window.valid_from:
        yield Problem(
            message=f"{line.code} not effective until {window.valid_from} (date of service {day})",
            record=line,
            field="code",
            evidence=(line,),
            variant="not-yet-effective",
            facts=facts,
        )
        return
    narrower = [w for w in window.practitioner if not w.in_force(day)]
    if not narrower:
        return
    batch = unit.month.batch
    practitioner = unit.billed.billing_practitioner
    member = batch.staff_member(practitioner)
    if member is None:
        missing = "no staff roster" if not batch.provided("staff") else f"{practitioner} not on it"
        types = ", ".join(t for w in narrower for t in w.types)
        yield Problem(
            message=f"{line.code} on {day}: practitioner type not verifiable ({missing}); "
            f"{types} may not bill it yet",
            record=line,
            field="billing_practitioner",
            unverifiable=True,
        )
        return
    for w in narrower:
        if member.practitioner_type.value in w.types:
            yield Problem(
                message=(
                    f"{line.code} billed by {practitioner} "
                    f"({member.practitioner_type.value.replace('_', ' ')}) on {day}; allowed for "
                    f"that practitioner type from {w.valid_from}"
                ),
                record=line,
                field="billing_practitioner",
                evidence=(line, member),
                variant="practitioner-not-yet-eligible",
                facts={"valid_from": w.valid_from},
            )
            return
