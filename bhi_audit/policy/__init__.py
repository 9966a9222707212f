"""Year-versioned Medicare policy data: thresholds, conversion factors and RVUs.

Why data, not code: CMS changes these every calendar year. Each ``cyYYYY.toml`` beside this
module holds one year, chosen by each line's date of service, so a new year is one data file.
A date of service in a year without a file uses the nearest earlier year's *thresholds* (and
says so), but never its *rates*: payment for a year whose final-rule files are not loaded is
reported as "rates not loaded" (rulebook §6.4, BHI-PAY-001).
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field


class Thresholds(BaseModel):
    """Minute thresholds for the time-based codes (rulebook §2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    general_bhi_minutes: int
    cocm_initial_minutes: int
    cocm_subsequent_minutes: int
    cocm_initial_base: int
    cocm_subsequent_base: int
    addon_first_extra: int
    addon_block: int
    g2214_floor: int
    g2214_initial_max: int
    g2214_subsequent_max: int

    def addon_units_supported(self, minutes: int, initial: bool) -> int:
        """99494 units the month's minutes support (rulebook §9 BHI-TIME-003, §2.4 ladder)."""
        base = self.cocm_initial_base if initial else self.cocm_subsequent_base
        extra = minutes - base - self.addon_first_extra
        return 0 if extra < 0 else extra // self.addon_block + 1


class ConversionFactor(BaseModel):
    """A conversion factor in force for a span of dates of service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date
    end: date
    non_qp: Decimal
    qp: Decimal | None = None


class YearPolicy(BaseModel):
    """All policy values of one calendar year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int
    source: str
    thresholds: Thresholds
    conversion_factors: list[ConversionFactor] = Field(min_length=1)
    rvu: dict[str, list[Decimal]]


@cache
def available_years() -> tuple[int, ...]:
    """The calendar years with a policy file, ascending."""
    names = [p.name for p in resources.files(__package__).iterdir()]
    return tuple(sorted(int(n[2:6]) for n in names if n.startswith("cy") and n.endswith(".toml")))


@cache
def load_year(year: int) -> YearPolicy:
    """Parse one year's policy file."""
    text = resources.files(__package__).joinpath(f"cy{year}.toml").read_text("utf-8")
    return YearPolicy.model_validate(tomllib.loads(text))


class PolicyChoice(BaseModel):
    """The policy used for a date of service, and why (a fallback is said out loud)."""

    model_config = ConfigDict(frozen=True)

    requested_year: int
    policy: YearPolicy

    @property
    def exact(self) -> bool:
        """Whether the year's own data file was used."""
        return self.policy.year == self.requested_year

    @property
    def note(self) -> str | None:
        """A warning to show when another year's thresholds stand in."""
        if self.exact:
            return None
        return (
            f"no policy data for CY{self.requested_year}; thresholds of CY{self.policy.year} "
            "used and no payment rates applied"
        )


@cache
def policy_for_year(year: int) -> PolicyChoice:
    """The policy for ``year``: its own file, else the nearest earlier year (else earliest)."""
    years = available_years()
    earlier = [y for y in years if y <= year]
    chosen = earlier[-1] if earlier else years[0]
    return PolicyChoice(requested_year=year, policy=load_year(chosen))


def policy_for(day: date) -> PolicyChoice:
    """The policy that governs a date of service."""
    return policy_for_year(day.year)


def thresholds_for(day: date) -> Thresholds:
    """The minute thresholds in force on ``day``."""
    return policy_for(day).policy.thresholds


CENT = Decimal("0.01")


def unit_price(code: str, day: date, *, facility: bool = False, qp: bool = False) -> Decimal | None:
    """National payment for one unit of ``code`` on ``day`` (RVU x CF, rounded to the cent).

    None when the year's rates are not loaded or the code has no RVU in that year's file.
    """
    choice = policy_for(day)
    if not choice.exact:
        return None
    policy = choice.policy
    rvus = policy.rvu.get(code)
    if not rvus or (facility and len(rvus) < 2):
        return None
    factor = next(cf for cf in policy.conversion_factors if cf.start <= day <= cf.end)
    cf = factor.qp if qp and factor.qp is not None else factor.non_qp
    return (rvus[1 if facility else 0] * cf).quantize(CENT, rounding=ROUND_HALF_UP)


def line_price(code: str, day: date, units: int) -> Decimal | None:
    """Non-facility national amount for ``units`` of ``code`` (rulebook §6.3: RHC/FQHC too)."""
    price = unit_price(code, day)
    return None if price is None else price * units
