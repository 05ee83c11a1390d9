"""Checks every public listing applies to its query string before any filter sees it."""

import re

from django.core.exceptions import ValidationError

MAX_VALUES_PER_PARAMETER = 50
MAX_SEARCH_WORDS = 10
Q_MAX_LENGTH = 200  # characters of free text (``q``) a listing takes
PAGE_PATTERN = re.compile(r"^[1-9][0-9]{0,8}\Z")
# Parameters that take one value: a second one is an error, not silently dropped.
SINGLE_VALUED = frozenset({"q", "sort", "page"})


def known_query(params, known):
    """A copy of the query with only the parameters named in ``known``: what the page's
    own links (pages, facets, chips, exports) carry on, so unknown ones are not repeated."""
    kept = params.copy()
    for name in list(kept):
        if name not in known:
            del kept[name]
    return kept


def parameter_errors(params, known):
    """[(parameter, message)] for input no filter should see: NUL bytes, floods of values,
    repeats of a single-valued parameter. Names outside ``known`` are ignored."""
    errors = []
    for name, values in params.lists():
        if name not in known:
            continue
        if any("\x00" in value for value in values):
            errors.append((name, "Remove the NUL character from the value."))
        elif len(values) > MAX_VALUES_PER_PARAMETER:
            errors.append((name, f"Give at most {MAX_VALUES_PER_PARAMETER} values."))
        elif name in SINGLE_VALUED and len(values) > 1:
            errors.append((name, "Give this parameter once."))
    return errors


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


PAGE_ERROR = ("page", "Give a page number: a whole number from 1.")


class ReportedErrorsMixin:
    """For a public FilterSet: its cleaned values and its errors as the pages show them."""

    def active(self, name):
        """The cleaned values of one parameter, as a list ([] when absent or invalid)."""
        value = self.form.cleaned_data.get(name) if self.is_valid() else None
        if not value:
            return []
        return [value] if isinstance(value, str) else list(value)

    def error_list(self):
        """[(parameter, message)] for every invalid parameter."""
        return [(name, " ".join(errors)) for name, errors in self.form.errors.items()]
