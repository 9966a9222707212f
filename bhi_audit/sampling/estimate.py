"""Extrapolate an appraised sample: the overpayment's point estimate and confidence limits.

The formulas are the textbook ones (Cochran, *Sampling Techniques*, 3rd ed., ch. 2 and 5) that
contractors and the OIG apply (rulebook §11.3):

- per unit, the difference ``d = max(examined - audited, 0)``: an underpayment is listed but
  never netted against overpayments (rulebook §11.1, §11.4), and an *undetermined* unit counts
  as ``d = 0`` — it is never an error — and is listed for the auditor to settle;
- per stratum ``h`` (a simple random sample is one stratum): mean ``m_h``, variance ``s_h²``
  (divisor ``n_h - 1``); the total is ``T = Σ N_h m_h`` and its variance
  ``V = Σ N_h² (1 - n_h/N_h) s_h² / n_h`` (with the finite-population correction);
- limits use the t distribution with ``n - 1`` degrees of freedom for one stratum and
  Satterthwaite's effective degrees of freedom for several;
- the contractors' demand amount is the lower limit of the one-sided 90% interval; the OIG's
  "at least" is the lower limit of the two-sided 90% interval; the two-sided 80/90/95% limits
  are given as RAT-STATS prints them (scipy gives every quantile);
- the attribute appraisal (share of units not supported) gets an exact Clopper-Pearson
  interval.

Why warnings: with few non-zero differences or a strong skew the t interval can understate the
uncertainty (rulebook §11.3); Cochran's rule ``n > 25 G1²`` (G1: the sample skewness) is
checked, and a conservative alternative bound is offered with its method and assumption named.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from bhi_audit.errors import InputError
from bhi_audit.sampling.draw import SAMPLE_COLUMNS, SampleHeader, read_header

Verdict = Literal["supported", "not-supported", "undetermined"]
VERDICTS: dict[str, Verdict] = {
    "supported": "supported",
    "not-supported": "not-supported",
    "undetermined": "undetermined",
}
#: Fewer non-zero differences than this make the t interval doubtful (rulebook §11.3).
FEW_ERRORS = 5
CENT = Decimal("0.01")


@dataclass(frozen=True)
class AppraisedUnit:
    """One sampled unit with the auditor's verdict."""

    stratum: str
    number: int
    unit: str
    examined: Decimal
    audited: Decimal
    verdict: Verdict
    basis: str = "allowed"
    draw: int = 0
    findings: str = ""
    note: str = ""
    evidence: str = ""

    @property
    def overpayment(self) -> Decimal:
        """What would be recouped: never negative, zero when undetermined."""
        if self.verdict == "undetermined":
            return Decimal("0.00")
        return max(self.examined - self.audited, Decimal("0.00"))

    @property
    def underpayment(self) -> Decimal:
        """What was paid too little (listed, never netted)."""
        if self.verdict == "undetermined":
            return Decimal("0.00")
        return max(self.audited - self.examined, Decimal("0.00"))


@dataclass(frozen=True)
class StratumEstimate:
    """One stratum's part of the estimate."""

    label: str
    universe: int
    sampled: int
    errors: int
    mean: float
    variance: float
    overpaid_in_sample: Decimal


@dataclass(frozen=True)
class Limits:
    """A lower and upper confidence limit, in dollars."""

    lower: Decimal
    upper: Decimal


@dataclass(frozen=True)
class Estimate:
    """The variable and attribute appraisals of one sample."""

    universe: int
    sampled: int
    errors: int
    undetermined: tuple[str, ...]
    underpaid: tuple[str, ...]
    strata: tuple[StratumEstimate, ...]
    point: Decimal
    standard_error: Decimal
    degrees_of_freedom: float
    one_sided_90_lower: Decimal
    two_sided: dict[int, Limits]
    precision_90: Decimal
    precision_90_percent: float | None
    error_rate: float
    error_rate_90: tuple[float, float]
    warnings: tuple[str, ...] = field(default=())
    conservative_lower: Decimal | None = None


def read_appraised(text: str, where: str) -> tuple[SampleHeader, list[AppraisedUnit]]:
    """The sample file with the auditor's ``audited`` and ``verdict`` cells filled in."""
    header = read_header(text, where)
    lines = text.split("\n")
    body_start = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO("\n".join(lines[body_start:]), newline="")))
    if not rows or tuple(rows[0]) != SAMPLE_COLUMNS:
        raise InputError(where, "the sample's column header differs", row=body_start + 1)
    units = []
    for offset, row in enumerate(rows[1:], start=body_start + 2):
        if len(row) != len(SAMPLE_COLUMNS):
            raise InputError(where, f"expected {len(SAMPLE_COLUMNS)} columns", row=offset)
        values = dict(zip(SAMPLE_COLUMNS, row, strict=True))
        if values["role"] != "sample":
            continue
        units.append(_appraised(values, where, offset))
    return header, units


def _appraised(values: dict[str, str], where: str, row: int) -> AppraisedUnit:
    verdict = VERDICTS.get(values["verdict"].strip())
    if verdict is None:
        raise InputError(
            where,
            "every sampled unit needs a verdict: supported, not-supported or undetermined",
            row=row,
            field="verdict",
        )
    examined = _money(values["examined"], where, row, "examined")
    audited_text = values["audited"].strip()
    if not audited_text and verdict == "not-supported":
        raise InputError(where, "a not-supported unit needs its audited amount", row, "audited")
    audited = _money(audited_text, where, row, "audited") if audited_text else examined
    return AppraisedUnit(
        stratum=values["stratum"],
        number=int(values["number"]) if values["number"].isdigit() else 0,
        unit=values["unit"],
        examined=examined,
        audited=audited,
        verdict=verdict,
        basis=values["basis"],
        draw=int(values["draw"]) if values["draw"].isdigit() else 0,
        findings=values["findings"],
        note=values["note"],
        evidence=values["evidence"],
    )


def _money(text: str, where: str, row: int, name: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InputError(where, f"not an amount: {text!r}", row=row, field=name) from None
    if not value.is_finite() or value < 0:
        raise InputError(where, f"not an amount: {text!r}", row=row, field=name)
    return value


def estimate(header: SampleHeader, units: Sequence[AppraisedUnit], where: str) -> Estimate:
    """The overpayment estimate of an appraised sample (see the module docstring)."""
    from scipy import stats  # NOTE: an optional extra ("sampling"); imported on use only

    strata = []
    terms = []
    for label, (universe, _examined) in header.universe.items():
        mine = [u for u in units if u.stratum == label]
        diffs = [float(u.overpayment) for u in mine]
        n = len(diffs)
        if n < 2:
            raise InputError(where, f"stratum {label} has {n} appraised unit(s); 2 are needed")
        mean = sum(diffs) / n
        variance = sum((d - mean) ** 2 for d in diffs) / (n - 1)
        strata.append(
            StratumEstimate(
                label=label,
                universe=universe,
                sampled=n,
                errors=sum(1 for u in mine if u.verdict == "not-supported"),
                mean=mean,
                variance=variance,
                overpaid_in_sample=sum((u.overpayment for u in mine), Decimal("0.00")),
            )
        )
        terms.append(universe**2 * (1 - n / universe) * variance / n)
    sampled = sum(s.sampled for s in strata)
    universe_size = sum(s.universe for s in strata)
    point = sum(s.universe * s.mean for s in strata)
    variance_total = sum(terms)
    se = math.sqrt(variance_total)
    df = _degrees_of_freedom(strata, terms)

    def t(q: float) -> float:
        return float(stats.t.ppf(q, df))

    two_sided = {
        level: Limits(
            _cents(point - t(0.5 + level / 200) * se), _cents(point + t(0.5 + level / 200) * se)
        )
        for level in (80, 90, 95)
    }
    errors = sum(s.errors for s in strata)
    rate = errors / sampled
    low = float(stats.beta.ppf(0.05, errors, sampled - errors + 1)) if errors else 0.0
    high = float(stats.beta.ppf(0.95, errors + 1, sampled - errors)) if errors < sampled else 1.0
    precision = t(0.95) * se
    warnings = _warnings(units, strata, point - t(0.90) * se)
    conservative = None
    if warnings and len(strata) == 1:  # NOTE: the bound pools units, so one stratum only
        smallest = min((u.overpayment for u in units if u.overpayment > 0), default=None)
        one_sided_rate = (
            float(stats.beta.ppf(0.10, errors, sampled - errors + 1)) if errors else 0.0
        )
        if smallest is not None:
            conservative = _cents(universe_size * one_sided_rate * float(smallest))
    return Estimate(
        universe=universe_size,
        sampled=sampled,
        errors=errors,
        undetermined=tuple(u.unit for u in units if u.verdict == "undetermined"),
        underpaid=tuple(u.unit for u in units if u.underpayment > 0),
        strata=tuple(strata),
        point=_cents(point),
        standard_error=_cents(se),
        degrees_of_freedom=df,
        one_sided_90_lower=_cents(point - t(0.90) * se),
        two_sided=two_sided,
        precision_90=_cents(precision),
        precision_90_percent=(precision / point * 100) if point else None,
        error_rate=rate,
        error_rate_90=(low, high),
        warnings=tuple(warnings),
        conservative_lower=conservative,
    )


def _degrees_of_freedom(strata: Sequence[StratumEstimate], terms: Sequence[float]) -> float:
    """n - 1 for one stratum; Satterthwaite's effective degrees of freedom for several."""
    if len(strata) == 1:
        return float(strata[0].sampled - 1)
    denominator = sum(g**2 / (s.sampled - 1) for g, s in zip(terms, strata, strict=True))
    if denominator == 0:
        return float(sum(s.sampled for s in strata) - len(strata))
    return sum(terms) ** 2 / denominator


def _warnings(
    units: Sequence[AppraisedUnit], strata: Sequence[StratumEstimate], lower: float
) -> list[str]:
    notes = []
    diffs = [float(u.overpayment) for u in units]
    nonzero = sum(1 for d in diffs if d > 0)
    if nonzero < FEW_ERRORS:
        notes.append(
            f"only {nonzero} unit(s) with an overpayment (< {FEW_ERRORS}): "
            "the t interval is doubtful"
        )
    skew = _skewness(diffs)
    if skew is not None and len(diffs) <= 25 * skew**2:
        notes.append(
            f"the differences are skewed (G1 = {skew:.2f}; Cochran's rule wants n > 25 G1² = "
            f"{25 * skew**2:.0f}, n = {len(diffs)}): the t interval may understate the uncertainty"
        )
    for stratum in strata:
        if len(strata) > 1 and stratum.errors < 2:
            notes.append(f"stratum {stratum.label} has {stratum.errors} sampled error(s) (< 2)")
    if lower < 0:
        notes.append("the one-sided 90% lower limit is negative: no overpayment is demonstrated")
    unpriced = [u.unit for u in units if u.verdict == "not-supported" and u.basis == "unpriced"]
    if unpriced:
        notes.append(
            f"{len(unpriced)} unit(s) not supported on a code with no national rate and no paid "
            f"amount ({', '.join(unpriced)}): their overpayment is unknown and counted as $0.00; "
            "give paid_amount for them"
        )
    return notes


def _skewness(values: Sequence[float]) -> float | None:
    """The sample skewness G1 (adjusted Fisher-Pearson), None when it is undefined."""
    n = len(values)
    if n < 3:
        return None
    mean = sum(values) / n
    m2 = sum((v - mean) ** 2 for v in values) / n
    if m2 == 0:
        return None
    m3 = sum((v - mean) ** 3 for v in values) / n
    g1: float = m3 / m2**1.5
    return g1 * math.sqrt(n * (n - 1)) / (n - 2)


def _cents(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP)


CONSERVATIVE_METHOD = (
    "N x one-sided 90% Clopper-Pearson lower bound of the error rate x the smallest overpayment "
    "found; valid when every unit in error is overpaid at least that much"
)
