"""meetings/dates.py: dates shown at their precision."""

from datetime import date

import pytest

from meetings.dates import fits_precision, format_date_range, format_partial_date
from meetings.models import Meeting
from tests.factories import make_meeting


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (date(2017, 10, 14), "day", "14 October 2017"),
        (date(2017, 10, 1), "month", "October 2017"),
        (date(2016, 1, 1), "year", "2016"),
        (None, "day", "date unknown"),
        (None, "year", "date unknown"),
    ],
)
def test_format_partial_date_respects_precision(value, precision, expected):
    assert format_partial_date(value, precision) == expected


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (date(2017, 10, 14), None, "day", "14 October 2017"),
        (date(2017, 10, 14), date(2017, 10, 14), "day", "14 October 2017"),
        (date(2017, 10, 14), date(2017, 10, 16), "day", "14–16 October 2017"),
        (date(2017, 9, 30), date(2017, 10, 2), "day", "30 September – 2 October 2017"),
        (date(2017, 12, 30), date(2018, 1, 2), "day", "30 December 2017 – 2 January 2018"),
        (date(2017, 10, 1), date(2017, 10, 31), "month", "October 2017"),
        (date(2017, 10, 1), date(2017, 11, 30), "month", "October – November 2017"),
        (date(2017, 12, 1), date(2018, 1, 31), "month", "December 2017 – January 2018"),
        (date(2016, 1, 1), date(2016, 12, 31), "year", "2016"),
        (date(2016, 1, 1), date(2017, 12, 31), "year", "2016–2017"),
        (None, None, "month", "date unknown"),
    ],
)
def test_format_date_range(start, end, precision, expected):
    assert format_date_range(start, end, precision) == expected


@pytest.mark.parametrize(
    ("value", "precision", "fits"),
    [
        (date(2017, 10, 14), "day", True),
        (date(2017, 10, 1), "month", True),
        (date(2017, 10, 14), "month", False),
        (date(2017, 1, 1), "year", True),
        (date(2017, 10, 1), "year", False),
        (None, "year", True),
    ],
)
def test_fits_precision(value, precision, fits):
    assert fits_precision(value, precision) is fits


@pytest.mark.django_db
def test_meeting_date_display_uses_precision():
    meeting = make_meeting(start_date=date(2017, 10, 1), date_precision="month")
    assert meeting.date_display == "October 2017"


@pytest.mark.django_db
def test_year_filter_matches_every_precision_and_never_undated():
    day = make_meeting(start_date=date(2017, 10, 14), date_precision="day")
    month = make_meeting(start_date=date(2017, 10, 1), date_precision="month")
    year = make_meeting(start_date=date(2017, 1, 1), date_precision="year")
    make_meeting(start_date=date(2016, 12, 31), date_precision="day")
    make_meeting(start_date=None)
    found = set(Meeting.objects.filter(start_date__year=2017))
    assert found == {day, month, year}
