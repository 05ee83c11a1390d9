"""Checks every public listing applies to its query string before any filter sees it."""

import re

MAX_VALUES_PER_PARAMETER = 50
PAGE_PATTERN = re.compile(r"^[1-9][0-9]{0,8}\Z")


def parameter_errors(params):
    """[(parameter, message)] for input no filter should see: NUL bytes, floods of values."""
    errors = []
    for name, values in params.lists():
        if any("\x00" in value for value in values):
            errors.append((name, "Remove the NUL character from the value."))
        elif len(values) > MAX_VALUES_PER_PARAMETER:
            errors.append((name, f"Give at most {MAX_VALUES_PER_PARAMETER} values."))
    return errors


def page_number(params):
    """The requested page as an int, or None when ``page`` is not a whole number from 1."""
    raw = params.get("page", "1")
    if not PAGE_PATTERN.match(raw):
        return None
    return int(raw)


PAGE_ERROR = ("page", "Give a page number: a whole number from 1.")
