"""Dates that keep their precision: `2024`, `2024-05` or `2024-05-19`, and periods between two."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A calendar date known to the year, the month or the day (0 = unknown)."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def iso(self) -> str:
        """The date as written: `2024`, `2024-05` or `2024-05-19`."""
        if self.month:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.day else f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.day:02d}" if self.day else f"{self.year:04d}"

    @property
    def human(self) -> str:
        """The date for people: `2024`, `May 2024` or `19 May 2024`."""
        if self.day:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    def agrees_with(self, other: PartialDate) -> bool:
        """True when one date is a more precise form of the other (2024-05 and 2024-05-19)."""
        return all(a == b or not a or not b for a, b in
                   ((self.year, other.year), (self.month, other.month), (self.day, other.day)))

    def __str__(self) -> str:
        return self.iso


def parse_date(text: str) -> PartialDate:
    """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError with a reason otherwise."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else 0 for part in match.groups())
    if year < 1:
        raise ValueError(f"'{text}' has no year 0")
    if match.group(2) and not 1 <= month <= 12:
        raise ValueError(f"'{text}' has no month {month}")
    if match.group(3) and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"'{text}' is not a real day")
    return PartialDate(year, month, day)


def looks_like_date(text: str) -> bool:
    """True when `text` has the shape of a date (it may still be an impossible one)."""
    return _DATE.fullmatch(text.strip()) is not None


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """The span a flow figure covers, written `start/end` (`2021-01/2021-09`)."""

    start: PartialDate
    end: PartialDate

    @property
    def iso(self) -> str:
        """The period as written."""
        return f"{self.start.iso}/{self.end.iso}"

    @property
    def human(self) -> str:
        """The period for people: `January–September 2021` or `2019 – 2021`."""
        a, b = self.start, self.end
        if a.year == b.year and a.month and b.month and not a.day and not b.day:
            return f"{MONTHS[a.month - 1]}–{MONTHS[b.month - 1]} {a.year}"
        return f"{a.human} – {b.human}"


def parse_period(text: str) -> Period:
    """Read `start/end`; raise ValueError with a reason otherwise."""
    parts = text.split("/")
    if len(parts) != 2:
        raise ValueError(f"'{text}' is not a period; write START/END, e.g. 2021-01/2021-09")
    start, end = parse_date(parts[0]), parse_date(parts[1])
    if end < start:
        raise ValueError(f"period '{text}' ends before it starts")
    return Period(start, end)
