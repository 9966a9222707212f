"""Cost sharing is expected on BHI/CoCM lines and not waived, unless the patient is a QMB (info).

Why: BHI, CoCM and G0323 are not preventive services; the consent itself tells the patient that
cost sharing applies, and routinely waiving it is a compliance risk. QMBs have no cost-sharing
liability by law, and G0558 (APCM for a QMB) says the patient is one: billing a QMB's
coinsurance is prohibited. At most one note per patient: the QMB reminder, or G0558 billed for
a patient not recorded as QMB. The input records no waiver, so for an ordinary patient there is
nothing to find: the expected coinsurance (20% of the national non-facility amounts; lines in a
year without loaded rates are named, not priced at $0) is an opt-in note (``every_patient:
true``), since one info per correct patient would bury the findings that matter.
Source: rulebook §5.5a-c and §9 BHI-COST-001; [S-FR17]; [S-FAQ]; [S-AAFP]; Tile Health.
Passes: P1 (not QMB), 99484 in 2026-03 and 2026-04 (with ``every_patient``: "20% coinsurance
expected: $22.98", variant "coinsurance-expected").
Fails: P2 (QMB) -> "do not bill coinsurance" ("qmb"); P3 billed G0558 but qmb false ->
"g0558-not-qmb" (only that note).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.context import PatientRecords
from bhi_audit.policy import line_price

ID = "BHI-COST-001"
NAME = "cost-sharing-expected"
SCOPE = "patient"
DEFAULT_SEVERITY = "info"
SEVERITIES = {"coinsurance-expected": "info", "qmb": "info", "g0558-not-qmb": "info"}
CODES = GENERAL_BHI | COCM_ALL | {"G0558"}
COINSURANCE = Decimal("0.20")


class Options(BaseModel):
    """Whether ordinary (non-QMB) patients get the expected-coinsurance note too."""

    model_config = ConfigDict(extra="forbid")

    every_patient: bool = False


def check(records: PatientRecords, options: Options) -> Iterator[Problem]:
    """At most one note per patient; the coinsurance note only with ``every_patient``."""
    lines = [b for b in records.lines if b.code in GENERAL_BHI | COCM_ALL]
    qmb = records.patient.qmb if records.patient is not None else None
    g0558 = [b for b in records.lines if b.code == "G0558"]
    if g0558 and qmb is False:
        yield Problem(
            message="G0558 (APCM for a QMB) billed but the patient is not recorded as QMB",
            record=g0558[0].line,
            field="qmb",
            evidence=(g0558[0].line,),
            variant="g0558-not-qmb",
        )
        return  # which of the two is wrong is for the practice to settle
    if not lines:
        return
    if qmb or g0558:
        yield Problem(
            message=f"QMB: no deductible or coinsurance may be billed to the patient for "
            f"{len(lines)} BHI/CoCM line(s)",
            record=lines[0].line,
            field="qmb",
            variant="qmb",
        )
        return
    if not options.every_patient:
        return
    prices = [line_price(b.code, b.date_of_service, b.line.units) for b in lines]
    known = [p for p in prices if p is not None]
    share = (sum(known, Decimal("0")) * COINSURANCE).quantize(Decimal("0.01"), ROUND_HALF_UP)
    unpriced = len(prices) - len(known)
    if not known:
        amount = "amount unknown, rates not loaded"
    elif unpriced:
        amount = f"${share:,.2f} ({unpriced} line(s) without loaded rates)"
    else:
        amount = f"${share:,.2f}"
    yield Problem(
        message=(
            f"20% coinsurance expected from the patient on {len(lines)} BHI/CoCM line(s): "
            f"{amount}; not waived unless the patient is a QMB"
        ),
        record=lines[0].line,
        field="cost_sharing",
        facts={"coinsurance": str(share), "lines": len(lines)},
        variant="coinsurance-expected",
    )
