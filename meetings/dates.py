"""Dates shown at the precision they are known to: a day, a month or a year."""

DAY = "day"
MONTH = "month"
YEAR = "year"
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
