"""Year-versioned Medicare policy data: thresholds, conversion factors and RVUs.

Why data, not code: CMS changes these every calendar year. Each ``cyYYYY.toml`` beside this
module holds one year, chosen by each line's date of service, so a new year is one data file.
A date of service in a year without a file uses the nearest earlier year's *thresholds* (and
says so), but never its *rates*: payment for a year whose final-rule files are not loaded is
reported as "rates not loaded" (rulebook §6.4, BHI-PAY-001).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
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
    #: G0512 (RHC/FQHC CoCM, discontinued 2026): minutes every source accepts, and the first
    #: month's stricter MICMT reading, below which a month with the floor met is a warning
    #: (rulebook §1.7c, §8 D15). None in years without G0512.
    g0512_minutes: int | None = None
    g0512_initial_minutes: int | None = None

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
    #: the imported policy pack that supplied the rates (None: the built-in file)
    pack: str | None = None


#: Rate packs imported by the user (``policy-dirs``), by year; set once per run by the CLI.
_RATE_PACKS: dict[int, YearRates] = {}


class YearRates(BaseModel):
    """A year's rates from an imported pack (see ``bhi_audit.policy.packs``)."""

    model_config = ConfigDict(frozen=True)

    year: int
    label: str
    conversion_factor: Decimal
    rvu: dict[str, list[Decimal]]


def use_rate_packs(rates: Iterable[YearRates]) -> None:
    """Price the packs' years with their rates from now on (replacing any earlier packs).

    Why module state: every check, the engine and the sampling tools price through
    ``unit_price``; the packs are trusted configuration fixed for the whole run, like the
    built-in files, so they are installed once before the audit instead of threaded through
    every caller.
    """
    _RATE_PACKS.clear()
    _RATE_PACKS.update({r.year: r for r in rates})
    policy_for_year.cache_clear()
    unit_price.cache_clear()


def rate_packs() -> tuple[YearRates, ...]:
    """The rate packs in use, by year."""
    return tuple(_RATE_PACKS[y] for y in sorted(_RATE_PACKS))


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
        """A warning to show when another year's thresholds stand in, or which pack priced."""
        if self.policy.pack is not None:
            return f"CY{self.requested_year} priced by {self.policy.source}"
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
    policy = load_year(chosen)
    rates = _RATE_PACKS.get(year)
    if rates is not None:  # the pack's rates; thresholds stay the built-in year's (or earlier)
        policy = policy.model_copy(
            update={
                "year": year,
                "source": f"{rates.label}; thresholds of CY{chosen}",
                "conversion_factors": [
                    ConversionFactor(
                        start=date(year, 1, 1),
                        end=date(year, 12, 31),
                        non_qp=rates.conversion_factor,
                    )
                ],
                "rvu": rates.rvu,
                "pack": rates.label,
            }
        )
    return PolicyChoice(requested_year=year, policy=policy)


def policy_for(day: date) -> PolicyChoice:
    """The policy that governs a date of service."""
    return policy_for_year(day.year)


def thresholds_for(day: date) -> Thresholds:
    """The minute thresholds in force on ``day``."""
    return policy_for(day).policy.thresholds


CENT = Decimal("0.01")


@cache
def unit_price(code: str, day: date, *, facility: bool = False, qp: bool = False) -> Decimal | None:
    """National payment for one unit of ``code`` on ``day`` (RVU x CF, rounded to the cent).

    None when the year's rates are not loaded or the code has no RVU in that year's file.
    Remembered (until :func:`use_rate_packs` changes the rates): a practice bills a few codes
    on a few hundred days, and checks, the comparison and the engine price them again and again.
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


def codes_price(codes: Mapping[str, int], day: date) -> Decimal | None:
    """Non-facility national amount of a set of codes and units; None if any is unpriced."""
    total = Decimal("0.00")
    for code, units in codes.items():
        price = line_price(code, day, units)
        if price is None:
            return None
        total += price
    return total


# --------------------------------------------------------------------------- effective-dated
# Code validity windows and exclusivity pairs are not yearly values: each entry carries its own
# first and last date of service. They live in ``code_validity.toml`` and ``exclusivity.toml``
# beside the yearly files (see docs/policy-data.md).


class _Dated(BaseModel):
    """A rule in force for dates of service ``valid_from..valid_to`` (either bound optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    valid_from: date | None = None
    valid_to: date | None = None
    source: str

    def in_force(self, day: date) -> bool:
        """Whether the rule applies to a date of service."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class PractitionerWindow(_Dated):
    """A later (or earlier-ending) window for some billing practitioner types."""

    types: list[str] = Field(min_length=1)


class CodeWindow(_Dated):
    """When a family of codes may be billed (rulebook §1, §9 BHI-CODE-001)."""

    codes: list[str] = Field(min_length=1)
    warn_from: date | None = None
    warn_note: str = "end date disputed"
    rhc_fqhc_only: bool = False
    practitioner: list[PractitionerWindow] = Field(default_factory=list)

    def in_warning_span(self, day: date) -> bool:
        """Whether ``day`` falls in the disputed span that ends the window (D5)."""
        return self.warn_from is not None and self.warn_from <= day and self.in_force(day)

    def practitioner_window(self, practitioner_type: str) -> PractitionerWindow | None:
        """The narrower window that applies to a billing practitioner type, if any."""
        return next((w for w in self.practitioner if practitioner_type in w.types), None)


class RhcTransition(BaseModel):
    """When RHCs/FQHCs moved from a bundled G-code to the individual codes (rulebook §1.7)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str
    rhc_code: str
    individual_codes: list[str] = Field(min_length=1)
    individual_from: date
    source: str


class CodeValidity(BaseModel):
    """The whole ``code_validity.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window: list[CodeWindow]
    rhc_transition: list[RhcTransition]


class ExclusivePair(_Dated):
    """Codes that may not share a patient-month with other codes (rulebook §4)."""

    check: str
    flagged: list[str] = Field(min_length=1)
    with_: list[str] = Field(min_length=1, alias="with")
    practitioner: str = Field(pattern=r"^(same|other|any)$")

    def applies_between(self, first: str | None, second: str | None) -> bool:
        """Whether two billing practitioners' lines fall under this pair."""
        if self.practitioner == "same":
            return first == second
        if self.practitioner == "other":
            return first != second
        return True


class Exclusivity(BaseModel):
    """The whole ``exclusivity.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pair: list[ExclusivePair]


def _read_data(name: str) -> dict[str, object]:
    return tomllib.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


@cache
def code_validity() -> CodeValidity:
    """Code validity windows and RHC/FQHC transitions (``code_validity.toml``)."""
    return CodeValidity.model_validate(_read_data("code_validity.toml"))


def code_window(code: str) -> CodeWindow | None:
    """The validity window of ``code``, or None when the data sets no bounds for it."""
    return next((w for w in code_validity().window if code in w.codes), None)


def rhc_transition_for(code: str) -> RhcTransition | None:
    """The RHC/FQHC transition that ``code`` belongs to (as bundled or individual code)."""
    return next(
        (
            t
            for t in code_validity().rhc_transition
            if code == t.rhc_code or code in t.individual_codes
        ),
        None,
    )


@cache
def exclusivity() -> Exclusivity:
    """Month-level exclusivity pairs (``exclusivity.toml``)."""
    return Exclusivity.model_validate(_read_data("exclusivity.toml"))


def exclusions(check_id: str) -> tuple[ExclusivePair, ...]:
    """The exclusivity pairs a check reports, in file order."""
    return tuple(p for p in exclusivity().pair if p.check == check_id)
