"""The public cache: values and whole pages computed from public data only.

Keys carry a "record version": one number in the cache that every change to a
record the public pages show bumps (``bump_record_version``, called by the
receivers of meetings/derived.py), so a change makes every earlier entry
unreachable at once, on every app server that shares the cache. Set REDIS_URL in
production: with the default per-process LocMem cache, each worker has its own
version and would serve counts up to ``MEETINGS_CACHE_SECONDS`` old after another
worker's change.

While Redis does not answer (backchannel/rediscache.py) the version is unknown,
so nothing is read from or written to any cache: pages are computed every time.
A bump Redis misses is recorded in the database (``MissedCacheBump``, this app's
one table); before trusting Redis again after a failure, at start and every
``CATCH_UP_SECONDS``, each process looks for such rows and, finding new ones,
starts a fresh version, so entries cached before the change are never served
once Redis is back.

Only for public data: ``cached_public`` takes the parameters of a
``...objects.public()`` query as ``key_parts``, ``cached_public_page`` wraps views
that show the same public page to everyone. Staff views (admin, previews) must not
use them, since their results differ from the public ones for the same parameters.
"""

import functools
import hashlib
import json
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from .models import MissedCacheBump
from .parameters import known_query

VERSION_KEY = "meetings:public-record-version"
CAUGHT_UP_KEY = "meetings:missed-bumps-caught-up"  # the last MissedCacheBump acted on
CATCH_UP_SECONDS = 5
clock = time.monotonic  # tests move time forward instead of sleeping
DEFAULT_SECONDS = 600
LOCAL_SECONDS = 60  # the longest a worker keeps its own copy of a page
_MISSING = object()


def cache_answers():
    """False while the shared cache (Redis) does not answer; a local cache always does."""
    answers = getattr(cache, "answers", None)
    return answers is None or answers()


def record_version():
    """The current record version, starting one if the cache has none; None while the
    shared cache does not answer, and then nothing may be cached or served from a cache."""
    if not cache_answers():
        return None
    catch_up_missed_bumps()
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh start value, never a small number an evicted version could have had,
        # so entries written under an older version can never be read again.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_record_version():
    """Make every cached public value stale, now or, if Redis is away, once it is back."""
    if cache_answers():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet, or evicted (or Redis just went away)
            cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    if not cache_answers():
        MissedCacheBump.objects.create()


class CatchUp:
    """When this process last looked for missed bumps, and how many Redis failures it had seen."""

    def __init__(self):
        self.checked_at = None
        self.failures_seen = None
        self.lock = threading.Lock()

    def due(self, failures):
        return (
            self.checked_at is None
            or failures != self.failures_seen
            or clock() - self.checked_at >= CATCH_UP_SECONDS
        )


_catch_up = CatchUp()


def catch_up_missed_bumps():
    """Start a fresh record version if a change was recorded that Redis missed.

    Only for a shared cache, which can be away: at a process's first use, after any
    failed call, and every ``CATCH_UP_SECONDS`` (one query on the primary database).
    """
    outage = getattr(cache, "outage", None)
    if outage is None:
        return
    failures = outage.failures
    if not _catch_up.due(failures):
        return
    with _catch_up.lock:
        if not _catch_up.due(failures):  # another thread has just looked
            return
        latest = (
            MissedCacheBump.objects.using(DEFAULT_DB_ALIAS)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        # Not "newer than": ids start again after the database is recreated.
        if latest and latest != cache.get(CAUGHT_UP_KEY):
            cache.set(VERSION_KEY, time.time_ns(), timeout=None)
            cache.set(CAUGHT_UP_KEY, latest, timeout=None)
        if outage.failures == failures:  # every call above answered
            _catch_up.checked_at, _catch_up.failures_seen = clock(), failures


def query_key_parts(query, names):
    """The listed parameters of a GET query, normalised so equal filters share a key.

    Repeated values are sorted and empty ones dropped: ``?year=2018&year=2017`` and
    ``?year=2017&year=2018`` give the same parts; parameters not named are ignored.
    """
    parts = {}
    for name in sorted(names):
        values = sorted({value for value in query.getlist(name) if value})
        if values:
            parts[name] = values
    return parts


def public_key(key_parts):
    """The cache key of a public value, or None while the record version is unknown."""
    version = record_version()
    if version is None:
        return None
    digest = hashlib.sha256(json.dumps(key_parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"meetings:public:{version}:{digest}"


def cached_public(key_parts, compute, timeout=None):
    """``compute()``'s value for these public-query parameters, from the cache if it is there.

    ``key_parts`` is anything JSON can write (lists, dicts, strings, numbers,
    dates): name the value and give the query's normalised parameters, e.g.
    ``("facets", query_key_parts(request.GET, ["city", "year", "track", "q"]))``.
    With ``MEETINGS_CACHE_SECONDS = 0`` nothing is cached: ``compute()`` runs every time.
    """
    seconds = cache_seconds()
    if not seconds:  # caching turned off: always compute
        return compute()
    key = public_key(key_parts)
    if key is None:  # Redis is away
        return compute()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=seconds if timeout is None else timeout)
    return value


def cache_seconds():
    return getattr(settings, "MEETINGS_CACHE_SECONDS", DEFAULT_SECONDS)


def cached_public_page(view=None, *, parameters=frozenset()):
    """Serve a public page's 200 answers from the cache until any record changes.

    Keyed on the path and the query's ``parameters`` as written (the names the view
    reads; the page's links carry only those, so any other parameter changes
    nothing and gets no entry of its own). Only for views that show public data to
    everyone alike: nothing per user, no cookies, no CSRF token. Errors (400, 404)
    are rendered every time and never stored. A page is stored with its gzip-compressed
    body, compressed once, and served compressed to clients that accept gzip.
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
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            content = response.content
            stored = (content, response["Content-Type"], compress_string(content))
            store_page(key, stored, seconds)
        return page_response(request, *stored)

    return wrapper


def page_response(request, content, content_type, compressed=None):
    """A stored page: its compressed body when the client accepts gzip (the public
    compression middleware leaves a response that has its encoding alone)."""
    if compressed is not None and re_accepts_gzip.search(
        request.META.get("HTTP_ACCEPT_ENCODING", "")
    ):
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content, content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


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
