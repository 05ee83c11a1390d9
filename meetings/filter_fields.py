"""The pieces meetings/filters.py builds the listing's parameters from: repeated
values (OR, or AND for ``party``), and the values and conditions of ``year`` (with
``unknown``), ``party`` (a country at the table) and the ``from``/``to`` range.
"""

import datetime
import functools
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_countries import countries

from . import dates, public_facts
from .models import DatePrecision, FactKind

UNKNOWN_YEAR = "unknown"  # ``year=unknown``: the meetings no source dates
FIRST_FILTER_YEAR = 1000  # a year in a URL has four digits
PARTY_CODE = re.compile(r"[A-Z]{2}\Z")
ASCII_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")


class YearField(forms.RegexField):
    """Four digits, 1000 to 9999 (an int), or ``unknown`` (the string) for undated meetings."""

    def __init__(self, **kwargs):
        super().__init__(
            rf"^(?:[1-9][0-9]{{3}}|{UNKNOWN_YEAR})\Z",
            error_messages={"invalid": "Enter a four-digit year, such as 2017, or “unknown”."},
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        return value if value == UNKNOWN_YEAR else int(value)


def year_condition(year):
    """Q for the meetings of one ``YearField`` value."""
    if year == UNKNOWN_YEAR:
        return Q(start_date__isnull=True)
    return Q(start_date__year=year)


class PartyField(forms.Field):
    """An ISO 3166-1 alpha-2 code as written: two capital letters naming a country.

    Lowercase is refused, as the ``country`` parameter refuses it: one spelling per URL.
    """

    def to_python(self, value):
        value = value or ""
        if not PARTY_CODE.match(value) or value not in country_codes():
            raise ValidationError(
                "Give a country as its two-letter ISO code in capitals, such as KP or US.",
                code="invalid",
            )
        return value


@functools.cache
def country_codes():
    return frozenset(code for code, _name in countries)


def party_conditions(codes):
    """Conditions true together for the public meetings that have all of ``codes`` (checked
    codes, sorted) among their parties, read from the fact table (meetings/public_facts.py):
    one code's party rows, or the pairs of the first code with each other one (a meeting
    with the pairs KP–US and CN–KP has CN, KP and US), an index lookup each. Matching the
    stored text ("KP,US") scanned every meeting; a party lookup per code made SQLite
    intersect them (``KP`` and ``US``: 97 ms for the page's rows, their pair 20 ms). The
    table holds public meetings only, as the listing's filter selects among them."""
    if len(codes) == 1:
        return [public_facts.with_fact(FactKind.PARTY, codes)]
    first, *others = codes
    return [
        public_facts.with_fact(FactKind.PAIR, [public_facts.pair_key(first, other)])
        for other in others
    ]


class ReducedDateField(forms.CharField):
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a ``dates.PartialDate``): a real date of
    a four-digit year from 1000 on."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if not ASCII_DATE.fullmatch(text):  # \d would take other scripts' digits
            raise ValidationError(
                f"“{text}” is not a date: write 2019, 2019-03 or 2019-03-15.", code="invalid"
            )
        try:
            value = dates.parse_reduced_date(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
        if value.year < FIRST_FILTER_YEAR:
            raise ValidationError("Give a year of four digits, from 1000.", code="invalid")
        return value


def range_error(start, end):
    """What is wrong with a ``from``–``to`` range (partial dates or None), or None."""
    if start is not None and end is not None and end.last_day < start.first_day:
        return f"The range ends ({end}) before it starts ({start}): swap from and to."
    return None


def starts_by(last_day):
    """Q for dated meetings whose period starts on or before ``last_day`` (a range's end)."""
    return Q(start_date__lte=last_day)


def ends_from(first_day):
    """Q for dated meetings whose period ends on or after ``first_day`` (a range's start).

    A period ends on ``end_date`` when one is stored (the last day of its own period),
    else at the end of the start's period; as every start is the first day of its
    period, that end is on or after ``first_day`` exactly when the start is on or after
    the first day of ``first_day``'s period at the meeting's precision.
    """
    by_precision = [
        (DatePrecision.DAY, first_day),
        (DatePrecision.MONTH, first_day.replace(day=1)),
        (DatePrecision.YEAR, datetime.date(first_day.year, 1, 1)),
    ]
    condition = Q(end_date__gte=first_day)
    for precision, first in by_precision:
        condition |= Q(end_date=None, date_precision=precision, start_date__gte=first)
    return condition


class ValueListField(forms.Field):
    """A repeated parameter whose every value must pass ``child``; the result is a list."""

    widget = forms.SelectMultiple

    def __init__(self, *, child, **kwargs):
        self.child = child
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError("Give one value per parameter.", code="invalid_list")
        return [self.child.clean(item) for item in value]


class AnyOfFilter(django_filters.Filter):
    """OR of ``condition(value)`` over every value of a repeated parameter (each checked
    by ``child``)."""

    field_class = ValueListField

    def __init__(self, *, condition, **kwargs):
        self.condition = condition
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        combined = Q()
        for item in sorted(set(value), key=str):
            combined |= self.condition(item)
        return qs.filter(combined)


class AllOfFilter(AnyOfFilter):
    """AND over every value of a repeated parameter: ``condition`` takes them all, sorted,
    and gives the conditions to AND."""

    def filter(self, qs, value):
        values = sorted({str(item) for item in value or ()})
        for condition in self.condition(values) if values else ():
            qs = qs.filter(condition)
        return qs


class DateBoundFilter(django_filters.Filter):
    """One end of the ``from``–``to`` range: a date as precise as the user knows it."""

    field_class = ReducedDateField


class RangeForm(forms.Form):
    """The filter form, checking that ``from`` and ``to`` make a range."""

    def clean(self):
        data = super().clean()
        if message := range_error(data.get("from"), data.get("to")):
            self.add_error("to", message)
        return data
