"""Project-wide error views."""

import sys

from django.views.defaults import server_error as django_server_error

from .middleware import UNAVAILABLE_ERRORS, database_unavailable_response


def server_error(request):
    """500, unless the error was the database being away (e.g. in a middleware): then 503."""
    _type, exception, _traceback = sys.exc_info()
    if isinstance(exception, UNAVAILABLE_ERRORS):
        return database_unavailable_response()
    return django_server_error(request)
