"""Whole public pages from the public cache (meetings/cache.py), for meetings and people."""

import functools

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse

from backchannel.parameters import known_query
from meetings.cache import cache_seconds, public_key

LOCAL_SECONDS = 60


def cached_public_page(view=None, *, parameters=frozenset()):
    """Serve a public page's 200 answers from the cache until any record changes.

    Keyed on the path and the query's ``parameters`` as written (the names the view
    reads; the page's links carry only those, so any other parameter changes
    nothing and gets no entry of its own). Only for views that show public data to
    everyone alike: nothing per user, no cookies, no CSRF token. Errors (400, 404)
    are rendered every time and never stored.
    """
    if view is None:
        return functools.partial(cached_public_page, parameters=parameters)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = cache_seconds()
        if not seconds:
            return view(request, *args, **kwargs)
        query = known_query(request.GET, parameters).urlencode()
        key = public_key(("page", request.path, query))
        if key is None:  # Redis is away: neither this worker's copies nor Redis may answer
            return view(request, *args, **kwargs)
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
    A copy lives at most a minute, so one fetched late from Redis does not outlive
    the shared entry by much.
    """
    local = _local()
    stored = local.get(key) if local else None
    if stored is None:
        stored = cache.get(key)
        if stored is not None and local:
            local.set(key, stored, timeout=min(seconds, LOCAL_SECONDS))
    return stored


def store_page(key, page, seconds):
    cache.set(key, page, timeout=seconds)
    if local := _local():
        local.set(key, page, timeout=min(seconds, LOCAL_SECONDS))
