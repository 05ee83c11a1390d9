"""Middleware for running through faults."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# Raised when the database cannot be reached or the connection dropped; other
# database errors (constraint violations, bad SQL) are bugs and stay 500s.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response():
    """503 with Retry-After and a short page that needs nothing from the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """While the database is away, answer 503 with Retry-After instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Views that answer 503 themselves (the health check) say when to retry, too.
        if response.status_code == 503 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE_ERRORS):
            logger.warning("Database unavailable for %s: %s", request.path, exception)
            return database_unavailable_response()
        return None


PUBLIC_METHODS = ("GET", "HEAD")


class PublicMethodsMiddleware:
    """Public views answer 405 to any method but GET, HEAD and OPTIONS, before CSRF runs.

    Every route outside the admin is a public page that only reads, so a POST, PUT,
    PATCH or DELETE there is refused as a method, not as a forged form (CSRF's 403),
    and the answer sets no cookie and does not vary on one. OPTIONS reaches the view,
    which answers as Django does. Goes before ``CsrfViewMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in (*PUBLIC_METHODS, "OPTIONS"):
            return None
        if "admin" in request.resolver_match.app_names:
            return None
        return HttpResponseNotAllowed(PUBLIC_METHODS)
