"""Apply the month-level exclusivity pairs of ``policy/exclusivity.toml`` to a patient-month.

Why shared: several §9 checks (BHI-EXCL-002, -003, -006, -008, -009, -010) are the same rule
with different data — "a line billing one of these codes may not share the calendar month with
a line billing one of those, by the same / another / any practitioner". The pairs and their
effective dates are data; this module only matches them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bhi_audit.context import BilledLine, PatientMonth
from bhi_audit.policy import ExclusivePair, exclusions


@dataclass(frozen=True)
class PairHit:
    """A flagged line, the lines it conflicts with, and the pair that forbids it."""

    line: BilledLine
    partners: tuple[BilledLine, ...]
    pair: ExclusivePair

    @property
    def partner_codes(self) -> str:
        """``99492/99493`` — the conflicting codes, sorted."""
        return "/".join(sorted({b.code for b in self.partners}))

    @property
    def partner_practitioners(self) -> str:
        """The partners' billing practitioners, sorted."""
        return ", ".join(sorted({str(b.billing_practitioner) for b in self.partners}))


def find_pair_hits(month: PatientMonth, check_id: str) -> Iterator[PairHit]:
    """Every line of ``month`` that one of ``check_id``'s pairs forbids, in line order."""
    for pair in exclusions(check_id):
        for billed in month.lines:
            if billed.code not in pair.flagged or not pair.in_force(billed.date_of_service):
                continue
            partners = tuple(
                other
                for other in month.lines
                if other is not billed
                and other.code in pair.with_
                and pair.in_force(other.date_of_service)
                and pair.applies_between(billed.billing_practitioner, other.billing_practitioner)
            )
            if partners:
                yield PairHit(line=billed, partners=partners, pair=pair)


def codes_of(check_id: str) -> frozenset[str]:
    """Every code a check's pairs flag (for the check's ``CODES``)."""
    return frozenset(code for pair in exclusions(check_id) for code in pair.flagged)
