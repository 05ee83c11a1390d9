"""meetings/dates.py: dates shown at their precision."""

from datetime import date

import pytest

from meetings.dates import (
    PartialDate,
    end_error,
    fits_precision,
    format_date_range,
    format_partial_date,
    parse_reduced_date,
    partial_date,
    precision_for,
    stored_period,
)
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


@pytest.mark.parametrize(
    ("parts", "expected", "precision"),
    [
        ((2019, None, None), PartialDate(2019), "year"),
        ((2019, 3, None), PartialDate(2019, 3), "month"),
        ((2019, 3, 15), PartialDate(2019, 3, 15), "day"),
        ((2020, 2, 29), PartialDate(2020, 2, 29), "day"),
    ],
)
def test_partial_date_from_parts(parts, expected, precision):
    found = partial_date(*parts)
    assert (found, found.precision) == (expected, precision)


def test_partial_date_of_no_parts_is_no_date():
    assert partial_date(None, None, None) is None


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ((2019, 4, 31), "April 2019 has 30 days."),
        ((2019, 2, 29), "February 2019 has 28 days."),
        ((2019, 1, 0), "January 2019 has 31 days."),
        ((2019, 13, None), "Months run from 1 to 12."),
        ((2019, None, 15), "Give the month as well, or leave the day empty."),
        ((None, 3, None), "Give the year as well."),
        ((None, None, 15), "Give the year as well."),
        ((0, None, None), "Give the year in four digits, such as 2019."),
        ((20190, None, None), "Give the year in four digits, such as 2019."),
    ],
)
def test_partial_date_refuses_impossible_parts(parts, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        partial_date(*parts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", PartialDate(2019)),
        ("2019-03", PartialDate(2019, 3)),
        (" 2019-03-15 ", PartialDate(2019, 3, 15)),
        ("", None),
    ],
)
def test_parse_reduced_date(text, expected):
    assert parse_reduced_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("March 2019", "“March 2019” is not a date: write 2019, 2019-03 or 2019-03-15."),
        ("15/03/2019", "“15/03/2019” is not a date: write 2019, 2019-03 or 2019-03-15."),
        ("2019-3", "“2019-3” is not a date: write 2019, 2019-03 or 2019-03-15."),
        ("2019-04-31", "April 2019 has 30 days."),
        ("2019-00", "Months run from 1 to 12."),
    ],
)
def test_parse_reduced_date_refuses_other_forms(text, message):
    with pytest.raises(ValueError) as error:
        parse_reduced_date(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("partial", "first", "last", "iso"),
    [
        (PartialDate(2019), date(2019, 1, 1), date(2019, 12, 31), "2019"),
        (PartialDate(2020, 2), date(2020, 2, 1), date(2020, 2, 29), "2020-02"),
        (PartialDate(2019, 3, 15), date(2019, 3, 15), date(2019, 3, 15), "2019-03-15"),
    ],
)
def test_partial_date_period(partial, first, last, iso):
    assert (partial.first_day, partial.last_day, str(partial)) == (first, last, iso)
    assert PartialDate.of(first, partial.precision) == partial


def test_partial_date_of_an_undated_meeting_is_none():
    assert PartialDate.of(None, "unknown") is None
    assert PartialDate.of(date(2019, 1, 1), "unknown") is None


@pytest.mark.parametrize(
    ("start", "end", "stored"),
    [
        (None, None, (None, "unknown", None)),
        (PartialDate(2019), None, (date(2019, 1, 1), "year", None)),
        (PartialDate(2019), PartialDate(2020), (date(2019, 1, 1), "year", date(2020, 12, 31))),
        (PartialDate(2019, 3), PartialDate(2019, 3), (date(2019, 3, 1), "month", None)),
        (
            PartialDate(2019, 3),
            PartialDate(2019, 4),
            (date(2019, 3, 1), "month", date(2019, 4, 30)),
        ),
        (
            PartialDate(2019, 3, 15),
            PartialDate(2019, 3, 17),
            (date(2019, 3, 15), "day", date(2019, 3, 17)),
        ),
    ],
)
def test_stored_period(start, end, stored):
    assert end_error(start, end) is None
    assert stored_period(start, end) == stored


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (None, PartialDate(2019), "An end needs a date to start from."),
        (
            PartialDate(2019, 3),
            PartialDate(2019),
            "Give the end as precisely as the date (to the month).",
        ),
        (PartialDate(2019, 3, 15), PartialDate(2019, 3, 14), "The end cannot be before the date."),
        (PartialDate(2019), PartialDate(2018), "The end cannot be before the date."),
    ],
)
def test_end_error(start, end, message):
    assert end_error(start, end) == message


@pytest.mark.parametrize(
    ("value", "precision", "stored"),
    [
        (None, "day", "unknown"),
        (None, "unknown", "unknown"),
        (date(2019, 3, 1), "month", "month"),
        (date(2019, 3, 15), "unknown", "day"),
    ],
)
def test_precision_for(value, precision, stored):
    assert precision_for(value, precision) == stored
