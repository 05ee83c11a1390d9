"""Middleware for running through faults, for public methods, and for compression."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, has_vary_header

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


def carries_nothing_private(request, response):
    """Whether a response is the same for every visitor: not the admin, no CSRF token
    rendered into it, no session or user read for it, no cookie set, not private."""
    match = request.resolver_match
    if request.path.startswith("/" + settings.ADMIN_PATH) or (
        match is not None and "admin" in match.app_names
    ):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if has_vary_header(response, "Cookie") or response.cookies:
        return False
    return "private" not in response.get("Cache-Control", "")


class PublicGZipMiddleware(GZipMiddleware):
    """Django's gzip, for public responses only (docs/security.md: why that avoids BREACH).

    A compressed response's length can leak a secret it carries to an attacker who
    can inject text into it and watch its size; a public page carries none. The
    admin, and any response with a CSRF token, a session or a cookie, go out as
    they are. Streamed exports are compressed chunk by chunk. Goes outside the
    session middleware (which adds ``Vary: Cookie`` when it reads the session) and
    inside WhiteNoise (static files come precompressed).
    """

    def process_response(self, request, response):
        if not carries_nothing_private(request, response):
            return response
        return super().process_response(request, response)
