"""Country names looked up once per language: django-countries translates on every call."""

import functools

from django.utils.translation import get_language, override
from django_countries import countries


@functools.cache
def _names(language):
    with override(language):
        return {code: str(name) for code, name in countries}


def country_names():
    """{code: name} in the active language: for naming many countries at once."""
    return _names(get_language())


def country_name(code):
    """The country's name in the active language ("" for no country, the code if unknown)."""
    if not code:
        return ""
    return _names(get_language()).get(str(code), str(code))
