"""What the audited months' logged minutes would pay billed as general BHI versus as CoCM.

Why: "should we run general BHI or collaborative care?" is a question practices ask, and the
audit already holds the answer's inputs: the countable minutes of every patient-month. For each
patient-month with BHI or CoCM time (method in ``docs/comparison.md``):

- the behavioral entries (logged to BHI, to CoCM, or to both and nothing else) are tallied
  once under each program's counting rules (§2.7-2.8, :mod:`bhi_audit.timecount`), with the
  month's BHI/CoCM billing practitioner (else the consent's, else a billing practitioner who
  logged the time) as the practitioner;
- general BHI pays 99484 when the BHI tally reaches 20 minutes (§2.1);
- CoCM pays what the CoCM tally supports by month type (§2.4): G2214, 99492 or 99493 with
  99494 units. The month type is that of a CoCM episode running over the months with
  behavioral time (a new one after six empty months, §3.12); when the months before are not
  all in the records, the lower of the two readings is used;
- amounts are the national non-facility rates of the month's year (§6.2), dated at month end.
  Months in a year without loaded rates are left out, and the note says how many.

No finding is raised here; the result is a summary for people deciding between the models.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.context import Batch, PatientIndex, PatientMonth, PatientRecords
from bhi_audit.episodes import LAPSE_MONTHS
from bhi_audit.models import Program, Role, TimeEntry
from bhi_audit.months import Month
from bhi_audit.policy import codes_price, thresholds_for
from bhi_audit.result import ComparisonRow, ModelComparison
from bhi_audit.timecount import supported_cocm_codes, tally_minutes

ZERO = Decimal("0.00")
BEHAVIORAL = frozenset({Program.BHI, Program.COCM})
#: The codes whose billing practitioner is the month's BHI/CoCM practitioner.
_BHI_OR_COCM = GENERAL_BHI | COCM_ALL


def behavioral_entries(month: PatientMonth) -> list[TimeEntry]:
    """The month's entries logged to BHI, to CoCM, or to both and nothing else."""
    return [e for e in month.time_entries if e.program and BEHAVIORAL.issuperset(e.program)]


def _practitioner(month: PatientMonth) -> str | None:
    for billed in month.lines:
        if billed.code in _BHI_OR_COCM and billed.billing_practitioner:
            return billed.billing_practitioner
    consents = [
        c
        for c in month.records.consents
        if set(c.programs) & BEHAVIORAL and c.billing_practitioner is not None
    ]
    if consents:
        return consents[-1].billing_practitioner
    # Nothing billed and no consent: a billing practitioner who logged the time is the treating
    # practitioner (§2.7b, §2.8: their own time counts for both models).
    batch = month.batch
    own = sorted(
        {
            e.staff_id
            for e in behavioral_entries(month)
            if e.staff_id is not None and batch.has_role(e.staff_id, Role.BILLING_PRACTITIONER)
        }
    )
    return own[0] if own else None


@dataclass
class _MonthTotal:
    patient_months: int = 0
    general_bhi: Decimal = ZERO
    cocm: Decimal = ZERO


def _month_types(months: list[Month], batch: Batch) -> dict[Month, bool | None]:
    """Initial (True), subsequent (False) or unknown (None) for each month with time."""
    types: dict[Month, bool | None] = {}
    previous: Month | None = None
    for month in months:
        if previous is not None and month.index - previous.index - 1 < LAPSE_MONTHS:
            types[month] = False
        else:
            lookback = month.plus(-LAPSE_MONTHS).first_day
            types[month] = True if batch.coverage.start <= lookback else None
        previous = month
    return types


@dataclass
class ComparisonTally:
    """The comparison's running sums: per patient, mergeable across patient partitions.

    Why: a partitioned audit (``bhi_audit/engine.py``) tallies its own patients and the
    partial tallies are merged; every sum here is a plain addition, so the merged tally
    equals the one made in a single pass.
    """

    rows: dict[Month, _MonthTotal] = field(default_factory=lambda: defaultdict(_MonthTotal))
    unpriced: int = 0
    uncertain: int = 0

    def add(self, records: PatientRecords) -> dict[Month, tuple[int, bool | None]]:
        """Add every patient-month of one patient that has BHI or CoCM time.

        Returns each such month's countable CoCM minutes and month type (None: unknown), which
        the readiness assessment reuses instead of tallying the same entries again.
        """
        batch = records.batch
        what_if: dict[Month, tuple[int, bool | None]] = {}
        behavioral = {m: behavioral_entries(records.month(m)) for m in records.months}
        months = [m for m in records.months if behavioral[m]]
        types = _month_types(months, batch)
        for month in months:
            unit = records.month(month)
            entries = behavioral[month]
            practitioner = _practitioner(unit)
            # NOTE: each entry counted as if logged to one program alone, by a flag rather
            # than relabelled copies or views of the records (6.5M attribute look-ups at 10k).
            bhi = tally_minutes(
                entries, Program.BHI, batch, practitioner=practitioner, as_logged_to_program=True
            ).minutes
            cocm = tally_minutes(
                entries, Program.COCM, batch, practitioner=practitioner, as_logged_to_program=True
            ).minutes
            what_if[month] = (cocm, types[month])
            thresholds = thresholds_for(month.last_day)
            general = {"99484": 1} if bhi >= thresholds.general_bhi_minutes else {}
            known = types[month]
            readings = [known] if known is not None else [True, False]
            cocm_values = [
                codes_price(supported_cocm_codes(cocm, reading, thresholds), month.last_day)
                for reading in readings
            ]
            general_value = codes_price(general, month.last_day)
            if general_value is None or any(v is None for v in cocm_values):
                self.unpriced += 1
                continue
            self.uncertain += types[month] is None
            row = self.rows[month]
            row.patient_months += 1
            row.general_bhi += general_value
            row.cocm += min(v for v in cocm_values if v is not None)
        return what_if

    def merge(self, other: ComparisonTally) -> None:
        """Add another partition's tally to this one."""
        for month, total in other.rows.items():
            row = self.rows[month]
            row.patient_months += total.patient_months
            row.general_bhi += total.general_bhi
            row.cocm += total.cocm
        self.unpriced += other.unpriced
        self.uncertain += other.uncertain

    def result(self) -> ModelComparison | None:
        """The finished comparison; None when no patient-month had BHI or CoCM time."""
        rows, unpriced, uncertain = self.rows, self.unpriced, self.uncertain
        if not rows and not unpriced:
            return None
        table = tuple(
            ComparisonRow(
                month=str(m),
                patient_months=r.patient_months,
                general_bhi=r.general_bhi,
                cocm=r.cocm,
            )
            for m, r in sorted(rows.items())
        )
        note = (
            "countable minutes of each patient-month with BHI/CoCM time, priced as 99484 "
            "(20+ min) versus the CoCM codes they support by month type; national non-facility "
            "rates"
        )
        if uncertain:
            note += (
                f"; {uncertain} patient-month(s) of unknown month type at the lower CoCM reading"
            )
        if unpriced:
            note += f"; {unpriced} patient-month(s) left out: rates not loaded for their year"
        return ModelComparison(
            rows=table,
            general_bhi=sum((r.general_bhi for r in table), ZERO),
            cocm=sum((r.cocm for r in table), ZERO),
            note=note,
        )


def compare_models(batch: Batch) -> ModelComparison | None:
    """The comparison over every patient-month with BHI or CoCM time; None when there is none."""
    tally = ComparisonTally()
    for records in PatientIndex(batch):
        tally.add(records)
        records.release()
    return tally.result()
