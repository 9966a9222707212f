"""The auditor pack: one typed document of a sample's design, per-unit verdicts and estimate.

Why one document: the text, JSON, CSV and HTML forms an auditor signs, files or hands to a
provider must say the same thing. :func:`build_pack` computes everything once, as strings
ready to show (money to the cent); the renderers in ``bhi_audit/reporters/auditor_pack.py``
only lay it out. Its JSON Schema is ``docs/auditor-pack-schema.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from bhi_audit import __version__
from bhi_audit.sampling.draw import SampleHeader
from bhi_audit.sampling.estimate import CONSERVATIVE_METHOD, AppraisedUnit, Estimate


class PackPart(BaseModel):
    """Base of the pack's parts: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SampleInfo(PackPart):
    """How the sample was drawn, and the command that proves it."""

    file: str
    frame: str
    frame_sha256: str
    frame_units: int
    unit: str
    generator: str
    seed: int
    design: str
    allocation: str
    spares: int
    replay: str


class StratumRow(PackPart):
    """One stratum: its universe, its sample and what the sample found."""

    stratum: str
    universe_units: int
    universe_examined: str
    sampled_units: int
    units_not_supported: int
    overpaid_in_sample: str
    mean_overpayment: str


class UnitRow(PackPart):
    """One appraised unit."""

    stratum: str
    draw: int
    number: int
    unit: str
    examined: str
    audited: str
    overpayment: str
    underpayment: str
    verdict: str
    findings: str
    note: str
    evidence: str


class LimitPair(PackPart):
    """Lower and upper confidence limits, in dollars."""

    lower: str
    upper: str


class VariableAppraisal(PackPart):
    """The overpayment in dollars (rulebook §11.3)."""

    point_estimate: str
    standard_error: str
    degrees_of_freedom: float
    lower_limit_one_sided_90: str
    two_sided: dict[str, LimitPair]
    precision_90: str
    precision_90_percent: float | None
    conservative_lower: str | None
    conservative_method: str | None


class AttributeAppraisal(PackPart):
    """The share of sampled units not supported, with its exact interval."""

    units_not_supported: int
    sampled_units: int
    error_rate: float
    two_sided_90: tuple[float, float]


class AuditorPack(PackPart):
    """Everything an auditor's report states, ready to render."""

    tool: str
    tool_version: str
    sample: SampleInfo
    universe_units: int
    universe_examined: str
    strata: tuple[StratumRow, ...]
    units: tuple[UnitRow, ...]
    variable: VariableAppraisal
    attribute: AttributeAppraisal
    undetermined: tuple[str, ...]
    underpaid: tuple[str, ...]
    warnings: tuple[str, ...]


def _cents(amount: Decimal) -> str:
    return f"{amount:.2f}"


def build_pack(
    header: SampleHeader, units: Sequence[AppraisedUnit], result: Estimate, sample_name: str
) -> AuditorPack:
    """The pack of an appraised sample and its estimate."""
    design = header.design
    examined_total = sum((examined for _n, examined in header.universe.values()), Decimal("0"))
    return AuditorPack(
        tool="bhi-audit",
        tool_version=__version__,
        sample=SampleInfo(
            file=sample_name,
            frame=header.frame_name,
            frame_sha256=header.frame_digest,
            frame_units=header.frame_units,
            unit=header.unit_kind,
            generator=header.generator,
            seed=design.seed,
            design="simple random" if len(design.strata) == 1 else "stratified random",
            allocation=design.allocation,
            spares=design.spares,
            replay=f"bhi-audit sample {header.frame_name} --replay {sample_name}",
        ),
        universe_units=result.universe,
        universe_examined=_cents(examined_total),
        strata=tuple(
            StratumRow(
                stratum=s.label,
                universe_units=s.universe,
                universe_examined=_cents(header.universe[s.label][1]),
                sampled_units=s.sampled,
                units_not_supported=s.errors,
                overpaid_in_sample=_cents(s.overpaid_in_sample),
                mean_overpayment=f"{s.mean:.4f}",
            )
            for s in result.strata
        ),
        units=tuple(
            UnitRow(
                stratum=u.stratum,
                draw=u.draw,
                number=u.number,
                unit=u.unit,
                examined=_cents(u.examined),
                audited=_cents(u.audited),
                overpayment=_cents(u.overpayment),
                underpayment=_cents(u.underpayment),
                verdict=u.verdict,
                findings=u.findings,
                note=u.note,
                evidence=u.evidence,
            )
            for u in units
        ),
        variable=VariableAppraisal(
            point_estimate=_cents(result.point),
            standard_error=_cents(result.standard_error),
            degrees_of_freedom=round(result.degrees_of_freedom, 4),
            lower_limit_one_sided_90=_cents(result.one_sided_90_lower),
            two_sided={
                str(level): LimitPair(lower=_cents(lim.lower), upper=_cents(lim.upper))
                for level, lim in result.two_sided.items()
            },
            precision_90=_cents(result.precision_90),
            precision_90_percent=(
                round(result.precision_90_percent, 2)
                if result.precision_90_percent is not None
                else None
            ),
            conservative_lower=(
                _cents(result.conservative_lower) if result.conservative_lower is not None else None
            ),
            conservative_method=(
                CONSERVATIVE_METHOD if result.conservative_lower is not None else None
            ),
        ),
        attribute=AttributeAppraisal(
            units_not_supported=result.errors,
            sampled_units=result.sampled,
            error_rate=round(result.error_rate, 6),
            two_sided_90=(round(result.error_rate_90[0], 6), round(result.error_rate_90[1], 6)),
        ),
        undetermined=result.undetermined,
        underpaid=result.underpaid,
        warnings=result.warnings,
    )
