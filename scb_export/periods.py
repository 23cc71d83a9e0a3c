"""SCB's half-year periods: 1 = 1 January–30 June, 2 = 1 July–31 December."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_PERIOD = re.compile(r"^(\d{4})H([12])$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match((text or "").strip().upper())
        if not match:
            raise PeriodError(_("Ange halvår som ÅÅÅÅH1 eller ÅÅÅÅH2, t.ex. 2026H1."))
        year = int(match.group(1))
        if not 2015 <= year <= 2100:
            raise PeriodError(_("Året %(year)s är inte rimligt.") % {"year": year})
        return cls(year, int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def label(self) -> str:
        if self.half == 1:
            return _("%(year)s första halvåret") % {"year": self.year}
        return _("%(year)s andra halvåret") % {"year": self.year}

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def is_finished(self, today: dt.date) -> bool:
        """A period can be reported for good only once it has ended."""
        return self.end < today

    def has_started(self, today: dt.date) -> bool:
        return self.start <= today
