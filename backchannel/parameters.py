"""Checks every public listing applies to its query string before any filter sees it.

A listing's parameters are its FilterSet's filters (and ``page`` when it pages): their
names are written once, there, and ``Parameters.of`` reads them from it.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

MAX_VALUES_PER_PARAMETER = 50
MAX_SEARCH_WORDS = 10
Q_MAX_LENGTH = 200  # characters of free text (``q``) a listing takes
PAGE_PATTERN = re.compile(r"^[1-9][0-9]{0,8}\Z")
PAGE_ERROR = ("page", "Give a page number: a whole number from 1.")


def repeatable(filter_):
    """Whether a filter takes several values (its field is a multiple choice)."""
    return issubclass(filter_.field_class.widget, forms.SelectMultiple)


@dataclass(frozen=True)
class Parameters:
    """The parameters a listing (or its exports) reads, and which take one value only."""

    known: frozenset
    single: frozenset

    @classmethod
    def of(cls, filterset_class, paginated=True):
        filters = filterset_class.base_filters
        page = {"page"} if paginated else set()
        single = {name for name, filter_ in filters.items() if not repeatable(filter_)}
        return cls(frozenset({*filters, *page}), frozenset(single | page))

    def kept(self, params):
        """A copy of the query with only the known parameters: what the page's own links
        (pages, facets, chips, exports) carry on, so unknown ones are not repeated."""
        return known_query(params, self.known)

    def errors(self, params):
        """[(parameter, message)] for input no filter should see: NUL bytes, floods of
        values, repeats of a single-valued parameter. Unknown names are ignored."""
        errors = []
        for name, values in params.lists():
            if name in self.known and (message := self._error(name, values)):
                errors.append((name, message))
        return errors

    def _error(self, name, values):
        if any("\x00" in value for value in values):
            return "Remove the NUL character from the value."
        if len(values) > MAX_VALUES_PER_PARAMETER:
            return f"Give at most {MAX_VALUES_PER_PARAMETER} values."
        if name in self.single and len(values) > 1:
            return "Give this parameter once."
        return None


def known_query(params, known):
    """A copy of the query with only the parameters named in ``known``."""
    kept = params.copy()
    for name in list(kept):
        if name not in known:
            del kept[name]
    return kept


def validate_search_words(value):
    """Free text is searched word by word: refuse more words than are searched."""
    if len(value.split()) > MAX_SEARCH_WORDS:
        raise ValidationError(f"Search for at most {MAX_SEARCH_WORDS} words.")


def page_number(params):
    """The requested page as an int, or None when ``page`` is not a whole number from 1."""
    raw = params.get("page", "1")
    if not PAGE_PATTERN.match(raw):
        return None
    return int(raw)


def canonical(value):
    """How a cleaned filter value is written in a URL: a record by its slug."""
    return str(getattr(value, "slug", value))


def chosen(value):
    """Whether a cleaned form value chooses anything. A model choice field's empty value
    is ``QuerySet.none()``, and asking its truth would build (and run) its SQL to learn
    that; a chosen QuerySet's records were checked to exist when the field cleaned."""
    if isinstance(value, QuerySet):
        return not value.query.is_empty()
    return bool(value)


class ReportedErrorsMixin:
    """For a public FilterSet: its cleaned values and its errors as the pages show them."""

    def active(self, name):
        """The cleaned values of one parameter, as a list ([] when absent or invalid)."""
        value = self.form.cleaned_data.get(name) if self.is_valid() else None
        if not chosen(value):
            return []
        many = hasattr(value, "__iter__") and not isinstance(value, str)
        return list(value) if many else [value]

    def selection(self):
        """{parameter: what the form shows chosen}: the values as URLs write them, a list
        for a repeatable parameter, a string ("" when none) for the others."""
        return {
            name: [canonical(value) for value in self.active(name)]
            if repeatable(filter_)
            else "".join(map(canonical, self.active(name)))
            for name, filter_ in self.filters.items()
        }

    def error_list(self):
        """[(parameter, message)] for every invalid parameter."""
        return [(name, " ".join(errors)) for name, errors in self.form.errors.items()]


def search_filter(label):
    """The free-text ``q`` every listing takes: at most Q_MAX_LENGTH characters and a
    bounded number of words, handled by the FilterSet's ``search`` method."""
    return django_filters.CharFilter(
        label=label, max_length=Q_MAX_LENGTH, method="search", validators=[validate_search_words]
    )
