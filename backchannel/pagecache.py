"""Whole public pages from the public cache (meetings/cache.py), for meetings and people."""

import functools

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse

from meetings.cache import cache_seconds, public_key


def cached_public_page(view):
    """Serve a public page's 200 answers from the cache until any record changes.

    Keyed on the path and the exact query string, so the same URL gives the same
    bytes the view would render now (its links repeat the query as written). Only for
    views that show public data to everyone alike: nothing per user, no cookies,
    no CSRF token. Errors (400, 404) are rendered every time and never stored.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = cache_seconds()
        if not seconds:
            return view(request, *args, **kwargs)
        key = public_key(("page", request.path, request.META.get("QUERY_STRING", "")))
        stored = stored_page(key, seconds)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            store_page(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper


def _local():
    """The worker's own page cache (settings: with Redis), or None."""
    return caches["pages"] if "pages" in settings.CACHES else None


def stored_page(key, seconds):
    """From this worker's memory if it has the page under this version, else the shared cache.

    The key holds the shared record version, so a local copy is found only while
    nothing has changed since it was stored, whichever worker made the change.
    """
    local = _local()
    stored = local.get(key) if local else None
    if stored is None:
        stored = cache.get(key)
        if stored is not None and local:
            local.set(key, stored, timeout=seconds)
    return stored


def store_page(key, page, seconds):
    cache.set(key, page, timeout=seconds)
    if local := _local():
        local.set(key, page, timeout=seconds)
