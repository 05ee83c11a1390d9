"""Dates at the precision they are known to: a day, a month, a year, or not at all.

Pure functions and values, no database: how such dates are shown, read from their
parts or from ISO 8601 reduced forms ('2019', '2019-03'), and stored (a first day and
a precision).
"""

import calendar
import datetime
import re
from dataclasses import dataclass

DAY = "day"
MONTH = "month"
YEAR = "year"
UNDATED = "unknown"  # the precision of a meeting no source dates
UNKNOWN = "date unknown"


def _day(value):
    return f"{value.day} {value:%B %Y}"


def format_partial_date(value, precision):
    """'14 October 2017', 'October 2017', '2017' or 'date unknown'."""
    if value is None:
        return UNKNOWN
    if precision == YEAR:
        return str(value.year)
    if precision == MONTH:
        return f"{value:%B %Y}"
    return _day(value)


def format_date_range(start, end, precision):
    """A start date and an optional end date, sharing what they have in common."""
    if start is None:
        return UNKNOWN
    if end is None or end == start:
        return format_partial_date(start, precision)
    if precision == YEAR:
        if start.year == end.year:
            return str(start.year)
        return f"{start.year}–{end.year}"
    if precision == MONTH:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%B %Y}"
        if start.year == end.year:
            return f"{start:%B} – {end:%B %Y}"
        return f"{start:%B %Y} – {end:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {_day(end)}"
    return f"{_day(start)} – {_day(end)}"


def fits_precision(value, precision):
    """Whether a start date is the first day of its period, as stored dates must be."""
    if value is None or precision == DAY:
        return True
    if precision == MONTH:
        return value.day == 1
    return (value.month, value.day) == (1, 1)


def precision_for(value, precision):
    """The precision to store with ``value``: ``unknown`` exactly when there is no date.

    A date given with no precision (``unknown``) is taken as the day it names.
    """
    if value is None:
        return UNDATED
    return DAY if precision == UNDATED else precision


@dataclass(frozen=True)
class PartialDate:
    """A date as the sources give it: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self):
        if self.day is not None:
            return DAY
        return MONTH if self.month is not None else YEAR

    @property
    def first_day(self):
        return datetime.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self):
        if self.day is not None:
            return self.first_day
        month = self.month or 12
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def parts(self):
        return (self.year, self.month, self.day)

    def __str__(self):
        """The ISO 8601 reduced form: '2019', '2019-03' or '2019-03-15'."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @classmethod
    def of(cls, value, precision):
        """The partial date a stored date stands for at ``precision`` (None when undated)."""
        if value is None or precision == UNDATED:
            return None
        if precision == YEAR:
            return cls(value.year)
        if precision == MONTH:
            return cls(value.year, value.month)
        return cls(value.year, value.month, value.day)


def partial_date(year, month=None, day=None):
    """The partial date of these parts; ValueError saying what is wrong with them.

    Every part may be None; no part at all gives None (no date).
    """
    if year is None:
        if month is not None or day is not None:
            raise ValueError("Give the year as well.")
        return None
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError("Give the year in four digits, such as 2019.")
    if month is None:
        if day is not None:
            raise ValueError("Give the month as well, or leave the day empty.")
        return PartialDate(year)
    if not 1 <= month <= 12:
        raise ValueError("Months run from 1 to 12.")
    if day is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise ValueError(f"{calendar.month_name[month]} {year} has {days} days.")
    return PartialDate(year, month, day)


REDUCED_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_reduced_date(text):
    """'2019', '2019-03' or '2019-03-15' as a partial date; '' as None; else ValueError."""
    text = text.strip()
    if not text:
        return None
    found = REDUCED_ISO.fullmatch(text)
    if found is None:
        raise ValueError(f"“{text}” is not a date: write 2019, 2019-03 or 2019-03-15.")
    year, month, day = (int(part) if part else None for part in found.groups())
    return partial_date(year, month, day)


def end_error(start, end):
    """What is wrong with ``end`` as the end of a meeting dated ``start``, or None."""
    if end is None:
        return None
    if start is None:
        return "An end needs a date to start from."
    if end.precision != start.precision:
        return f"Give the end as precisely as the date (to the {start.precision})."
    if end.last_day < start.first_day:
        return "The end cannot be before the date."
    return None


def stored_period(start, end=None):
    """``(start_date, date_precision, end_date)`` to store for a partial date and its end.

    The start is the first day of its period, the end the last day of its own (None when
    it is the start's period); check ``end_error`` first.
    """
    if start is None:
        return None, UNDATED, None
    last = end.last_day if end is not None and end != start else None
    return start.first_day, start.precision, last
