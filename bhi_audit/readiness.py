"""CoCM readiness per month: could the practice bill psychiatric collaborative care, by the records?

Why: the question a practice asks beside "which model pays more?" (bhi_audit.comparison) is
"are we ready to bill CoCM?". CoCM is more than minutes: a qualified psychiatric consultant, a
trained care manager, a registry, weekly caseload consultation, rating scales and consent are
required elements of 99492/99493 (rulebook §1.2-1.3, §3.2, §3.4, §3.7-3.10). This module reads
them from the records themselves, not from findings, so the answer does not depend on which
checks ran or on what was billed. Method and colours are in ``docs/readiness.md``:

- each month assesses its **CoCM patient-months** (a CoCM code billed or CoCM time logged);
  a month with no CoCM at all assesses its **general BHI** patient-months as if they were
  billed as CoCM (what switching would need);
- roster items (consultant, care manager) and caseload reviews are practice-wide; registry,
  rating scales, consents and minutes are counted per patient-month;
- green: the records show the requirement (for every patient-month); amber: they show it in
  part, or name the person but leave the qualification blank; red: they show it absent, or
  the input has no records of that kind (readiness that cannot be shown is not readiness).

Like the comparison, the per-patient counts are a tally that partitions add up and merge, so a
``--jobs`` audit gives the same readiness as a single pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from bhi_audit.codes import COCM_ALL, COCM_INITIAL, COCM_SHORT, GENERAL_BHI, program_of
from bhi_audit.comparison import ComparisonTally, behavioral_entries
from bhi_audit.context import Batch, PatientMonth, PatientRecords
from bhi_audit.models import CaseloadReview, ConsentElement, Program, Role, Staff
from bhi_audit.months import Month
from bhi_audit.policy import codes_price, policy_for_year, thresholds_for
from bhi_audit.result import (
    CocmMinutes,
    ModelComparison,
    RateYear,
    Readiness,
    ReadinessItem,
    ReadinessMonth,
    ReadinessStatus,
)
from bhi_audit.timecount import supported_cocm_codes

ZERO = Decimal("0.00")
#: Record references kept per item (sorted; the rest are counted in ``refs_more``).
MAX_REFS = 10
#: Consent statements CoCM needs (rulebook §3.2a, §8 D9; BHI-CONS-002).
REQUIRED_ELEMENTS = (ConsentElement.CONSULT_SPECIALISTS, ConsentElement.COST_SHARING)
_RANK: dict[ReadinessStatus, int] = {"green": 0, "amber": 1, "red": 2}

RULE_CONSULTANT = "rulebook §3.10, §9 BHI-COCM-001"
RULE_CARE_MANAGER = "rulebook §3.9, §9 BHI-COCM-004"
RULE_REGISTRY = "rulebook §1.2-1.3, §3.8, §9 BHI-COCM-002"
RULE_REVIEWS = "rulebook §3.8, §3.8a, §9 BHI-COCM-003"
RULE_SCALES = "rulebook §3.7, §9 BHI-COCM-005, BHI-COCM-006"
RULE_CONSENTS = "rulebook §3.2a, §8 D9, §9 BHI-CONS-001, BHI-CONS-002"
RULE_MINUTES = "rulebook §1.4, §2.3-2.5 (table 2.4), §9 BHI-TIME-002, BHI-TIME-003"


@dataclass
class _Counts:
    """One population's running counts in one month (plain sums and lists: mergeable)."""

    patient_months: int = 0
    registry_gaps: list[str] = field(default_factory=list)
    scale_gaps: list[str] = field(default_factory=list)
    instruments: Counter[str] = field(default_factory=Counter)
    consent_none: list[str] = field(default_factory=list)
    consent_incomplete: list[str] = field(default_factory=list)
    reach_99492: int = 0
    reach_99493: int = 0
    with_99494: int = 0
    units_99494: int = 0
    g2214_only: int = 0
    below_g2214: list[str] = field(default_factory=list)
    g2214_months: list[str] = field(default_factory=list)
    unknown_type: int = 0

    def merge(self, other: _Counts) -> None:
        """Add another partition's counts of the same month and population."""
        self.patient_months += other.patient_months
        self.registry_gaps += other.registry_gaps
        self.scale_gaps += other.scale_gaps
        self.instruments.update(other.instruments)
        self.consent_none += other.consent_none
        self.consent_incomplete += other.consent_incomplete
        self.reach_99492 += other.reach_99492
        self.reach_99493 += other.reach_99493
        self.with_99494 += other.with_99494
        self.units_99494 += other.units_99494
        self.g2214_only += other.g2214_only
        self.below_g2214 += other.below_g2214
        self.g2214_months += other.g2214_months
        self.unknown_type += other.unknown_type


def is_cocm_month(unit: PatientMonth) -> bool:
    """Whether the patient-month is CoCM: a CoCM code billed or CoCM time logged (§3.12)."""
    return any(program_of(b.code) is Program.COCM for b in unit.lines) or any(
        Program.COCM in e.program for e in unit.time_entries
    )


def _behavioral_months(records: PatientRecords) -> list[Month]:
    """Months with BHI/CoCM time or a BHI/CoCM code billed, ascending."""
    months = []
    for month in records.months:
        unit = records.month(month)
        if behavioral_entries(unit) or any(b.code in GENERAL_BHI | COCM_ALL for b in unit.lines):
            months.append(month)
    return months


def _cocm_codes(minutes: int, initial: bool | None, month: Month) -> tuple[dict[str, int], bool]:
    """The CoCM codes ``minutes`` support (§2.4), and whether the month type was unknown.

    With the type unknown, the reading that pays less is taken, as in the comparison (and the
    initial reading, whose thresholds are higher, when the year's rates are not loaded).
    """
    thresholds = thresholds_for(month.last_day)
    if initial is not None:
        return supported_cocm_codes(minutes, initial, thresholds), False
    readings = [supported_cocm_codes(minutes, reading, thresholds) for reading in (True, False)]
    initial_price, subsequent_price = (codes_price(c, month.last_day) for c in readings)
    if initial_price is None or subsequent_price is None or initial_price <= subsequent_price:
        return readings[0], True
    return readings[1], True


@dataclass
class ReadinessTally:
    """Per month and population (``cocm`` / ``general_bhi``): the patient-level counts."""

    months: dict[tuple[Month, str], _Counts] = field(default_factory=dict)

    def add(
        self,
        records: PatientRecords,
        what_if: Mapping[Month, tuple[int, bool | None]] | None = None,
    ) -> None:
        """Count every BHI/CoCM patient-month of one patient.

        ``what_if``: each month's countable CoCM minutes and month type, as the comparison
        computed them (:meth:`ComparisonTally.add` returns them); computed here when not given.
        """
        months = _behavioral_months(records)
        if not months:
            return
        if what_if is None:
            what_if = ComparisonTally().add(records)
        for month in months:
            unit = records.month(month)
            population = "cocm" if is_cocm_month(unit) else "general_bhi"
            counts = self.months.setdefault((month, population), _Counts())
            self._count(unit, what_if.get(month), counts)

    @staticmethod
    def _count(unit: PatientMonth, timed: tuple[int, bool | None] | None, counts: _Counts) -> None:
        key = unit.label
        month = unit.month
        counts.patient_months += 1
        enrolled = [
            e
            for e in unit.records.enrollments
            if e.enrolled_on <= month.last_day
            and (e.ended_on is None or e.ended_on >= month.first_day)
        ]
        if not enrolled:
            counts.registry_gaps.append(key)
        scales = [a for a in unit.records.assessments if month.contains(a.date)]
        counts.instruments.update(a.instrument for a in scales)
        if not scales:
            counts.scale_gaps.append(key)
        consents = [
            c
            for c in unit.consents_for(Program.COCM)
            if c.date_obtained <= month.last_day
            and (c.revoked_on is None or c.revoked_on > month.first_day)
        ]
        complete = [c for c in consents if all(e in c.elements for e in REQUIRED_ELEMENTS)]
        if not consents:
            counts.consent_none.append(key)
        elif not complete:
            counts.consent_incomplete.append(consents[-1].consent_id)
        # A month with BHI/CoCM billed but no time logged supports nothing.
        codes, unknown = _cocm_codes(*timed, month) if timed else ({}, False)
        counts.unknown_type += unknown
        if COCM_INITIAL in codes:
            counts.reach_99492 += 1
        elif "99493" in codes:
            counts.reach_99493 += 1
        elif COCM_SHORT in codes:
            counts.g2214_only += 1
            counts.g2214_months.append(key)
        else:
            counts.below_g2214.append(key)
        units = codes.get("99494", 0)
        counts.with_99494 += units > 0
        counts.units_99494 += units

    def merge(self, other: ReadinessTally) -> None:
        """Add another partition's tally to this one."""
        for key, counts in other.months.items():
            self.months.setdefault(key, _Counts()).merge(counts)

    def result(self, batch: Batch, comparison: ModelComparison | None) -> Readiness | None:
        """The finished readiness; None when no patient-month had BHI or CoCM."""
        if not self.months:
            return None
        money = {row.month: row for row in comparison.rows} if comparison else {}
        months = []
        for month in sorted({m for m, _ in self.months}):
            cocm = self.months.get((month, "cocm"))
            assessed: Literal["cocm", "general_bhi"] = "cocm" if cocm else "general_bhi"
            counts = cocm if cocm is not None else self.months[(month, "general_bhi")]
            items = (
                consultant_item(batch, month),
                care_manager_item(batch, month),
                _registry_item(counts),
                caseload_reviews_item(batch, month),
                _scales_item(counts),
                _consents_item(counts),
                _minutes_item(counts, month),
            )
            row = money.get(str(month))
            months.append(
                ReadinessMonth(
                    month=str(month),
                    assessed=assessed,
                    patient_months=counts.patient_months,
                    status=max((i.status for i in items), key=_RANK.__getitem__),
                    items=items,
                    minutes=_minutes(counts),
                    priced_patient_months=row.patient_months if row else 0,
                    general_bhi=row.general_bhi if row else None,
                    cocm=row.cocm if row else None,
                )
            )
        return Readiness(
            months=tuple(months),
            general_bhi=comparison.general_bhi if comparison else ZERO,
            cocm=comparison.cocm if comparison else ZERO,
            rates=rate_years(sorted({m.year for m, _ in self.months})),
            money_note=comparison.note if comparison else "no BHI or CoCM time logged",
            note=(
                "computed from the records: roster, caseload reviews, registry enrollments, "
                "assessments, consents and time entries; each month assesses its CoCM "
                "patient-months, or, with no CoCM in the month, its general BHI patient-months "
                "as if billed as CoCM (docs/readiness.md)"
            ),
        )


# --------------------------------------------------------------------------- items


def _item(
    item: str,
    title: str,
    status: ReadinessStatus,
    summary: str,
    rule: str,
    evidence: tuple[str, ...] = (),
    refs: list[str] | None = None,
) -> ReadinessItem:
    ordered = sorted(set(refs or ()))
    return ReadinessItem(
        item=item,
        title=title,
        status=status,
        summary=summary,
        evidence=evidence,
        refs=tuple(ordered[:MAX_REFS]),
        refs_more=max(0, len(ordered) - MAX_REFS),
        rule=rule,
    )


def _share(ok: int, total: int) -> ReadinessStatus:
    """All patient-months: green; some: amber; none: red (docs/readiness.md)."""
    if ok == total:
        return "green"
    return "amber" if ok else "red"


def active_in(member: Staff, month: Month) -> bool:
    """Whether a roster member is active during any day of ``month``."""
    return (member.active_from is None or member.active_from <= month.last_day) and (
        member.active_to is None or member.active_to >= month.first_day
    )


def _who(member: Staff) -> str:
    name = member.name or member.staff_id
    return name if name == member.staff_id else f"{name} ({member.staff_id})"


def _roster(batch: Batch, role: Role, month: Month) -> list[Staff] | None:
    """Active roster members with ``role``, by id; None when the input has no roster."""
    if "staff" not in batch.bundle.provided:
        return None
    return sorted(
        (s for s in batch.staff.values() if s.has_role(role) and active_in(s, month)),
        key=lambda s: s.staff_id,
    )


def consultant_item(batch: Batch, month: Month) -> ReadinessItem:
    """A psychiatric consultant on the roster, trained in psychiatry and a full-range prescriber.

    Green: one such consultant active in the month; amber: a consultant whose qualifications
    the roster leaves blank (not disproved; BHI-COCM-001's warning); red: none on the roster,
    every one recorded as not qualified, or no roster in the input. Rulebook §3.10.
    """
    title = "psychiatric consultant on the roster and qualified"
    members = _roster(batch, Role.PSYCHIATRIC_CONSULTANT, month)
    if members is None:
        return _item(
            "psychiatric_consultant", title, "red", "no staff roster in the input", RULE_CONSULTANT
        )
    if not members:
        return _item(
            "psychiatric_consultant",
            title,
            "red",
            f"no psychiatric consultant on the roster in {month}",
            RULE_CONSULTANT,
        )
    evidence = []
    qualified = undocumented = 0
    for member in members:
        flags = {
            "full-range prescriber": member.full_psych_prescriber,
            "trained in psychiatry": member.psychiatry_trained,
        }
        lacking = [name for name, value in flags.items() if value is False]
        blank = [name for name, value in flags.items() if value is None]
        if lacking:
            state = "not qualified: not " + ", not ".join(lacking)
        elif blank:
            undocumented += 1
            state = "roster does not record: " + ", ".join(blank)
        else:
            qualified += 1
            state = "qualified: " + ", ".join(flags)
        evidence.append(f"{_who(member)}: psychiatric consultant, {state}")
    status: ReadinessStatus = "green" if qualified else "amber" if undocumented else "red"
    summary = f"{qualified} qualified psychiatric consultant(s) of {len(members)} on the roster"
    return _item(
        "psychiatric_consultant",
        title,
        status,
        summary,
        RULE_CONSULTANT,
        tuple(evidence),
        [m.staff_id for m in members],
    )


def care_manager_item(batch: Batch, month: Month) -> ReadinessItem:
    """A behavioral health care manager (BHCM) on the roster with behavioral health training.

    Green: one active BHCM with ``bh_training`` true; amber: training left blank; red: none on
    the roster, every one recorded untrained, or no roster. Rulebook §3.9.
    """
    title = "trained behavioral health care manager (BHCM)"
    members = _roster(batch, Role.BHCM, month)
    if members is None:
        return _item(
            "care_manager", title, "red", "no staff roster in the input", RULE_CARE_MANAGER
        )
    if not members:
        return _item(
            "care_manager",
            title,
            "red",
            f"no care manager on the roster in {month}",
            RULE_CARE_MANAGER,
        )
    trained = sum(1 for m in members if m.bh_training is True)
    blank = sum(1 for m in members if m.bh_training is None)
    words = {
        True: "behavioral health training",
        False: "no behavioral health training",
        None: "training not recorded",
    }
    evidence = tuple(
        f"{_who(m)}: care manager"
        + (f" ({m.credential})" if m.credential else "")
        + f", {words[m.bh_training]}"
        for m in members
    )
    status: ReadinessStatus = "green" if trained else "amber" if blank else "red"
    return _item(
        "care_manager",
        title,
        status,
        f"{trained} trained care manager(s) of {len(members)} on the roster",
        RULE_CARE_MANAGER,
        evidence,
        [m.staff_id for m in members],
    )


def weeks_of(month: Month) -> list[tuple[date, date]]:
    """The month's weeks: Monday-to-Sunday weeks whose Thursday falls in it (ISO 8601 rule).

    Why: a week straddling two months then belongs to exactly one, so "weeks covered" never
    counts a week twice; a month has four or five.
    """
    first = month.first_day
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    weeks = []
    while month.contains(thursday):
        weeks.append((thursday - timedelta(days=3), thursday + timedelta(days=3)))
        thursday += timedelta(days=7)
    return weeks


def caseload_reviews_item(batch: Batch, month: Month) -> ReadinessItem:
    """Weekly caseload consultation with the psychiatric consultant: weeks covered of the month.

    Green: a review in every week of the month (weeks outside the records' period are not
    counted); amber: reviews held in the month, some weeks without; red: no review held in the
    month (§3.8a keeps that an error), or no caseload reviews in the input. Rulebook §3.8.
    """
    title = "weekly caseload reviews held"
    if "caseload_reviews" not in batch.bundle.provided:
        return _item(
            "caseload_reviews", title, "red", "no caseload reviews in the input", RULE_REVIEWS
        )
    coverage = batch.coverage
    weeks = [w for w in weeks_of(month) if coverage.start <= w[0] + timedelta(3) <= coverage.end]
    nearby: list[CaseloadReview] = [
        r for m in (month.plus(-1), month, month.plus(1)) for r in batch.reviews_in(m)
    ]
    held = [r for r in nearby if month.contains(r.date)]
    covered = [w for w in weeks if any(w[0] <= r.date <= w[1] for r in nearby)]
    missed = [f"week of {start}" for start, end in weeks if (start, end) not in covered]
    evidence = [f"{len(held)} caseload review(s) held in {month}"]
    if missed:
        evidence.append("no review in the " + ", ".join(missed))
    consultants = sorted({r.consultant_id for r in held})
    if consultants:
        names = [_who(m) if (m := batch.staff_member(c)) else c for c in consultants]
        evidence.append("with consultant(s) " + ", ".join(names))
    if len(weeks) < len(weeks_of(month)):
        evidence.append(f"the records cover {len(weeks)} of the month's weeks")
    status: ReadinessStatus = (
        "red" if not held else "green" if len(covered) == len(weeks) else "amber"
    )
    refs = [r.review_id for r in nearby if any(w[0] <= r.date <= w[1] for w in weeks)]
    return _item(
        "caseload_reviews",
        title,
        status,
        f"{len(covered)} of {len(weeks)} weeks covered by a caseload review",
        RULE_REVIEWS,
        tuple(evidence),
        refs,
    )


def _registry_item(counts: _Counts) -> ReadinessItem:
    total = counts.patient_months
    ok = total - len(counts.registry_gaps)
    return _item(
        "registry",
        "registry in use",
        _share(ok, total),
        f"{ok} of {total} patient-month(s) on the registry",
        RULE_REGISTRY,
        ("references: patient-months not on the registry",) if counts.registry_gaps else (),
        counts.registry_gaps,
    )


def _scales_item(counts: _Counts) -> ReadinessItem:
    total = counts.patient_months
    ok = total - len(counts.scale_gaps)
    evidence = []
    if counts.instruments:
        shown = ", ".join(f"{name} ({n})" for name, n in sorted(counts.instruments.items()))
        evidence.append(f"scales administered: {shown}")
    if counts.scale_gaps:
        evidence.append("references: patient-months with no rating scale")
    return _item(
        "rating_scales",
        "rating scales administered (PHQ-9, GAD-7, ...)",
        _share(ok, total),
        f"{ok} of {total} patient-month(s) with a rating scale in the month",
        RULE_SCALES,
        tuple(evidence),
        counts.scale_gaps,
    )


def _consents_item(counts: _Counts) -> ReadinessItem:
    total = counts.patient_months
    ok = total - len(counts.consent_none) - len(counts.consent_incomplete)
    evidence = []
    if counts.consent_incomplete:
        evidence.append(
            f"{len(counts.consent_incomplete)} CoCM consent(s) without consult_specialists "
            "and cost_sharing both recorded"
        )
    if counts.consent_none:
        evidence.append(f"{len(counts.consent_none)} patient-month(s) with no CoCM consent")
    if counts.consent_incomplete or counts.consent_none:
        evidence.append("references: the incomplete consents, then patient-months without one")
    refs = sorted(set(counts.consent_incomplete)) + sorted(set(counts.consent_none))
    item = _item(
        "consents",
        "CoCM consent with the required elements",
        _share(ok, total),
        f"{ok} of {total} patient-month(s) with a CoCM consent recording consult_specialists "
        "and cost_sharing",
        RULE_CONSENTS,
        tuple(evidence),
    )
    # NOTE: kept in this order (incomplete consents first), not re-sorted by _item.
    return item.model_copy(
        update={"refs": tuple(refs[:MAX_REFS]), "refs_more": max(0, len(refs) - MAX_REFS)}
    )


def _minutes(counts: _Counts) -> CocmMinutes:
    return CocmMinutes(
        patient_months=counts.patient_months,
        reach_99492=counts.reach_99492,
        reach_99493=counts.reach_99493,
        with_99494=counts.with_99494,
        units_99494=counts.units_99494,
        g2214_only=counts.g2214_only,
        below_g2214=len(counts.below_g2214),
        unknown_month_type=counts.unknown_type,
    )


def _minutes_item(counts: _Counts, month: Month) -> ReadinessItem:
    """Minutes per patient-month against the 99492/99493 thresholds (§2.4 table).

    Green: every patient-month reaches 99492 or 99493; amber: some do; red: none does (G2214
    at most, or nothing billable).
    """
    total = counts.patient_months
    base = counts.reach_99492 + counts.reach_99493
    thresholds = thresholds_for(month.last_day)
    evidence = [
        f"99492 (initial, {thresholds.cocm_initial_minutes}+ min): {counts.reach_99492}",
        f"99493 (subsequent, {thresholds.cocm_subsequent_minutes}+ min): {counts.reach_99493}",
        f"with 99494 units: {counts.with_99494} ({counts.units_99494} unit(s))",
        f"only G2214 ({thresholds.g2214_floor}+ min): {counts.g2214_only}",
        f"below the G2214 floor: {len(counts.below_g2214)}",
    ]
    if counts.unknown_type:
        evidence.append(f"{counts.unknown_type} of unknown month type, at the lower-paying reading")
    gaps = counts.g2214_months + counts.below_g2214
    if gaps:
        evidence.append("references: patient-months short of 99492/99493")
    return _item(
        "minutes",
        "countable minutes per patient-month reach 99492/99493",
        _share(base, total),
        f"{base} of {total} patient-month(s) reach 99492/99493 by countable CoCM minutes",
        RULE_MINUTES,
        tuple(evidence),
        gaps,
    )


def rate_years(years: list[int]) -> tuple[RateYear, ...]:
    """Which rates price each year, and their source (rulebook §6.1-6.2, §6.4)."""
    rates = []
    for year in years:
        choice = policy_for_year(year)
        if not choice.exact:
            rates.append(RateYear(year=year, loaded=False, source=f"rates not loaded for CY{year}"))
            continue
        policy = choice.policy
        factors = tuple(
            f"${cf.non_qp} non-QP from {cf.start} to {cf.end}" for cf in policy.conversion_factors
        )
        rates.append(
            RateYear(year=year, loaded=True, source=policy.source, conversion_factors=factors)
        )
    return tuple(rates)
