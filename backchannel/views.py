"""The site-wide pages: home, the health check, robots.txt and the 500/503 answer."""

import sys

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as django_server_error

from meetings.models import City, Meeting

from .middleware import UNAVAILABLE_ERRORS, database_unavailable_response
from .parameters import Q_MAX_LENGTH

HOME_LATEST = 8


@require_safe
def home(request):
    meetings = Meeting.objects.public()
    context = {
        "latest": meetings.newest_first().for_rows()[:HOME_LATEST],
        "meeting_count": meetings.count(),
        "city_count": City.objects.public().count(),
        "q_max_length": Q_MAX_LENGTH,
    }
    return render(request, "home.html", context)


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def cache_health():
    """How the cache answers: Redis is pinged (not again within its pause after a failure)."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "local"  # this process's memory: nothing to reach
    return "ok" if ping() else "unavailable"


@require_safe
@never_cache
def healthz(request):
    """200 while the database answers, else 503; the cache is reported, never fatal."""
    database = database_answers()
    lines = [f"database: {'ok' if database else 'unavailable'}", f"cache: {cache_health()}"]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain", status=200 if database else 503
    )


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Allow: /", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


def server_error(request):
    """500, unless the error was the database being away (e.g. in a middleware): then 503."""
    _type, exception, _traceback = sys.exc_info()
    if isinstance(exception, UNAVAILABLE_ERRORS):
        return database_unavailable_response()
    return django_server_error(request)
