"""Every BHI/CoCM/APCM/care-management line has a national Medicare rate for its DOS year (info).

Why: an auditor and a biller want to know what a line should pay and which year's rates were
used, and above all when no rate can be given. Payment = total RVU of the date-of-service year x
the conversion factor in force on that date (CY2024 changes on 9 March; from CY2026 non-QP, with
the QP amount as a fact), national non-facility amount (also what RHC/FQHC care-management lines
are paid), no GPCI. For a year whose final-rule RVU file and conversion factors are not loaded
(CY2027 until they are), the finding says "rates not loaded" instead of carrying another year's
values forward. By default only lines that cannot be priced are reported (rates not loaded; no
national RVU, e.g. contractor-priced G0552): an info note on every correct line would bury the
findings that matter, and the dollars of each finding and the model comparison already carry the
amounts. The option ``every_line: true`` adds the expected amount of every priced line (a
payment worksheet). A code outside its validity window (G0507 in 2026) has no rate because it
may not be billed at all: BHI-CODE-001/002 report it, this check stays silent.
Source: rulebook §6.1, §6.2, §6.3, §6.4 and §9 BHI-PAY-001; [S-RVU24]; [S-RVU25]; [S-RVU26];
[S-CF]; [S-FR27P].
Passes: 99492 on 2026-03-10 (priced at $160.32: silent unless ``every_line``, then "expected
$160.32", 4.80 RVU x 33.4009); 99484 on 2024-03-08 ($54.03) and on 2024-03-09 ($54.92).
Fails: 99493 on 2027-01-15 -> "rates not loaded for CY2027"; G0552 -> "no national RVU"
(contractor-priced). With a CY2027 rate pack imported (``bhi-audit policy import rvu``), 2027
lines are priced and every message names the pack ("policy pack rvu-cy2027 (FILE, sha256 …)").
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from bhi_audit.checkapi import Problem
from bhi_audit.codes import APCM_BASE, CCM, COCM_ALL, DMHT, GENERAL_BHI, PCM, TCM
from bhi_audit.context import LineUnit
from bhi_audit.policy import code_window, policy_for, unit_price

ID = "BHI-PAY-001"
NAME = "expected-payment"
SCOPE = "line"
DEFAULT_SEVERITY = "info"
CODES = GENERAL_BHI | COCM_ALL | APCM_BASE | CCM | PCM | TCM | DMHT


class Options(BaseModel):
    """Whether priced lines are reported too (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    every_line: bool = False


def check(unit: LineUnit, options: Options) -> Iterator[Problem]:
    """One info per line that cannot be priced; with ``every_line``, also per priced line."""
    line = unit.line
    day = line.date_of_service
    window = code_window(line.code)
    if window is not None and not window.in_force(day):
        return  # a retired or not-yet-effective code is BHI-CODE-001/002's error, not a rate gap
    choice = policy_for(day)
    if not choice.exact:
        yield Problem(
            message=(
                f"{line.code}: rates not loaded for CY{day.year} (final-rule RVU file and "
                "conversion factors not in the policy data); no amount estimated"
            ),
            record=line,
            field="code",
            facts={"year": day.year},
        )
        return
    rvus = choice.policy.rvu.get(line.code)
    price = unit_price(line.code, day)
    pack = choice.policy.pack
    by = f", {pack}" if pack else ""
    if not rvus or price is None:
        yield Problem(
            message=f"{line.code}: no national RVU in the CY{day.year} policy data{by} "
            "(contractor-priced, not payable under the PFS, or not loaded)",
            record=line,
            field="code",
            facts={"year": day.year, **({"priced_by": pack} if pack else {})},
        )
        return
    if not options.every_line:
        return
    factor = next(cf for cf in choice.policy.conversion_factors if cf.start <= day <= cf.end)
    facts: dict[str, object] = {
        "unit_amount": str(price),
        "rvu_non_facility": str(rvus[0]),
        "conversion_factor": str(factor.non_qp),
        "amount": str(price * line.units),
    }
    if pack:
        facts["priced_by"] = pack
    qp = unit_price(line.code, day, qp=True)
    if factor.qp is not None and qp is not None:
        facts["unit_amount_qp"] = str(qp)
    units = f" x{line.units} = ${price * line.units:,.2f}" if line.units > 1 else ""
    yield Problem(
        message=(
            f"{line.code}: expected ${price:,.2f}{units} (CY{day.year} national non-facility, "
            f"{rvus[0]} RVU x CF {factor.non_qp}{by})"
        ),
        record=line,
        field="code",
        facts=facts,
    )
