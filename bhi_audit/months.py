"""Calendar months: the service period of every monthly care-management code (rulebook §5.4a)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import NamedTuple

#: Labels and first and last days by month, made once each: every check asks for them again
#: (a NamedTuple has no room to cache them itself; an audit spans a few dozen months).
_LABELS: dict[tuple[int, int], str] = {}
_FIRST_DAYS: dict[tuple[int, int], date] = {}
_LAST_DAYS: dict[tuple[int, int], date] = {}


class Month(NamedTuple):
    """A calendar month, ordered and hashable; ``str()`` gives ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        """The month that contains ``day``."""
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM``."""
        year, month = text.split("-")
        return cls(int(year), int(month))

    def __str__(self) -> str:
        label = _LABELS.get(self)
        if label is None:
            label = _LABELS[self] = f"{self.year:04d}-{self.month:02d}"
        return label

    @property
    def first_day(self) -> date:
        """The first day of the month."""
        day = _FIRST_DAYS.get(self)
        if day is None:
            day = _FIRST_DAYS[self] = date(self.year, self.month, 1)
        return day

    @property
    def last_day(self) -> date:
        """The last day of the month."""
        day = _LAST_DAYS.get(self)
        if day is None:
            last = calendar.monthrange(self.year, self.month)[1]
            day = _LAST_DAYS[self] = date(self.year, self.month, last)
        return day

    @property
    def index(self) -> int:  # type: ignore[override]  # NOTE: a month's ordinal, not tuple.index
        """Months since year 0, so that differences count months."""
        return self.year * 12 + self.month - 1

    def plus(self, months: int) -> Month:
        """The month ``months`` later (or earlier, when negative)."""
        index = self.index + months
        return Month(index // 12, index % 12 + 1)

    def contains(self, day: date | None) -> bool:
        """Whether ``day`` falls in this month."""
        return day is not None and day.year == self.year and day.month == self.month
