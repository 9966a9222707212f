"""RHC/FQHC claims bill BHI and CoCM with the code set of the year, on the right claim form.

Why: RHCs and FQHCs bill care management on an institutional claim (type of bill 71X for an
RHC, 77X for an FQHC) under revenue code 052X. Until 2024 general BHI was billed there as G0511
and CoCM as G0512; from 2025 RHCs/FQHCs bill the individual codes (99484, ...) for general BHI,
with G0511 accepted until its end date; G0512 was discontinued on 2026-01-01 in favour of
99492-99494/G2214. The G0511 end date is disputed (D5): accepted with a warning from
2025-07-01 to 2025-09-30, an error from 2025-10-01. G0511/G0512 are never payable on a
professional claim or on another institutional bill type. Dates and codes are data
(bhi_audit/policy/code_validity.toml).
Source: rulebook §1.7, §5.6, D5, §7.5.11 and §9 BHI-CODE-002; [S-NOR-RHC] (BPM ch. 13 §230);
[S-FR25]; [S-FR26]; [S-AHRQ].
Passes: TOB 711, revenue 0521: G0511 on 2025-06-30, 99484 on 2025-01-01, G0512 on 2025-12-31,
99492 on 2026-01-01.
Fails: TOB 711: G0511 on 2025-07-01 (warning) and on 2025-10-01 (error); G0512 on 2026-01-01;
99484 on 2024-12-31 and 99493 on 2025-12-31 (individual code too early); revenue code 0510;
G0511 on a professional claim or on TOB 131.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.context import LineUnit
from bhi_audit.models import ClaimType
from bhi_audit.policy import code_validity, code_window, rhc_transition_for

ID = "BHI-CODE-002"
NAME = "rhc-fqhc-code-set"
SCOPE = "line"
DEFAULT_SEVERITY = "error"
SEVERITIES = {
    "rhc-code-off-rhc-claim": "error",
    "rhc-code-retired": "error",
    "transition-window": "warning",
    "individual-code-too-early": "error",
    "revenue-code": "error",
}
_RHC_CODES = frozenset(
    code for window in code_validity().window if window.rhc_fqhc_only for code in window.codes
)
CODES = _RHC_CODES | frozenset(
    code for t in code_validity().rhc_transition for code in t.individual_codes
)
_RHC_BILL_TYPES = {"71": "RHC", "77": "FQHC"}


def check(unit: LineUnit, options: None) -> Iterator[Problem]:
    """Problems with the line's claim form, revenue code and code-for-year."""
    line, claim = unit.line, unit.claim
    if claim is None:
        return
    day = line.date_of_service
    tob = (claim.type_of_bill or "").lstrip("0")
    facility = _RHC_BILL_TYPES.get(tob[:2]) if claim.claim_type is ClaimType.INSTITUTIONAL else None
    if facility is None:
        if line.code not in _RHC_CODES:
            return  # not an RHC/FQHC claim: the individual codes are ordinary PFS codes
        if claim.claim_type is ClaimType.INSTITUTIONAL and not tob:
            yield Problem(
                message=f"{line.code} is RHC/FQHC-only; claim {claim.claim_id} has no type of "
                "bill to show it is an RHC (71X) or FQHC (77X) claim",
                record=line,
                field="type_of_bill",
                unverifiable=True,
            )
            return
        form = (
            f"type of bill {claim.type_of_bill}"
            if claim.claim_type is ClaimType.INSTITUTIONAL
            else "a professional claim"
        )
        yield Problem(
            message=f"{line.code} is billable only on an RHC (TOB 71X) or FQHC (TOB 77X) "
            f"institutional claim, not on {form}",
            record=line,
            field="code",
            evidence=(line, claim),
            variant="rhc-code-off-rhc-claim",
        )
        return
    if not (line.revenue_code or "").startswith("052"):
        yield Problem(
            message=f"{facility} care-management line {line.code} needs revenue code 052X "
            f"(got {line.revenue_code or 'none'})",
            record=line,
            field="revenue_code",
            evidence=(line,),
            variant="revenue-code",
        )
    window = code_window(line.code) if line.code in _RHC_CODES else None
    if window is not None and window.valid_to is not None and day > window.valid_to:
        yield Problem(
            message=f"{line.code} on {day}: {facility}s bill the individual codes after "
            f"{window.valid_to}",
            record=line,
            field="code",
            evidence=(line,),
            variant="rhc-code-retired",
            facts={"valid_to": window.valid_to},
        )
    elif window is not None and window.in_warning_span(day):
        yield Problem(
            message=f"{line.code} on {day}: in the disputed end-date window "
            f"{window.warn_from}..{window.valid_to} ({window.warn_note}); bill the individual code",
            record=line,
            field="code",
            evidence=(line,),
            variant="transition-window",
        )
    transition = rhc_transition_for(line.code)
    if transition and line.code in transition.individual_codes and day < transition.individual_from:
        yield Problem(
            message=f"{line.code} on an {facility} claim on {day}: {facility}s bill "
            f"{transition.service} as {transition.rhc_code} until {transition.individual_from}",
            record=line,
            field="code",
            evidence=(line,),
            variant="individual-code-too-early",
            facts={"individual_from": transition.individual_from},
        )
