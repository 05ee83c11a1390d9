"""Dates as the sources give them: a year, a month or a day, read from parts or from ISO
8601 reduced forms, and stored as a first day, a precision and an end's last day."""

from datetime import date

import pytest

from meetings.dates import (
    PartialDate,
    end_error,
    parse_reduced_date,
    partial_date,
    precision_for,
    stored_period,
)


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
