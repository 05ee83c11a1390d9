"""Cached values computed from public data only, such as facet counts.

Keys carry a "record version": one number in the cache that every change to a
record the public pages show bumps (the receivers below), so a change makes
every earlier entry unreachable at once, on every app server that shares the
cache. Set REDIS_URL in production: with the default per-process LocMem cache,
each worker has its own version and would serve counts up to
``MEETINGS_CACHE_SECONDS`` old after another worker's change.

Only for public data: pass the parameters of a ``...objects.public()`` query
as ``key_parts``. Staff views (admin, previews) must not use it, since their
results differ from the public ones for the same parameters. Bulk writes that
send no signals (``QuerySet.update``, ``bulk_create``) must call
``bump_record_version()`` themselves, as the populate command does.
"""

import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from people.models import Affiliation, Organization, Person

from .models import City, DialogueSeries, Meeting, Participation, Quote, Source, Topic

VERSION_KEY = "meetings:public-record-version"
DEFAULT_SECONDS = 600
WATCHED = (
    Meeting,
    Participation,
    Person,
    City,
    Topic,
    DialogueSeries,
    Source,
    Quote,
    Organization,
    Affiliation,
)
WATCHED_M2M = (Meeting.topics.through, Meeting.sources.through)
_MISSING = object()


def record_version():
    """The current record version, starting one if the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh start value, never a small number an evicted version could have had,
        # so entries written under an older version can never be read again.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_record_version():
    """Make every cached public value stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet, or evicted
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


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
    digest = hashlib.sha256(json.dumps(key_parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"meetings:public:{record_version()}:{digest}"


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
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=seconds if timeout is None else timeout)
    return value


def cache_seconds():
    return getattr(settings, "MEETINGS_CACHE_SECONDS", DEFAULT_SECONDS)


def record_changed(sender, **kwargs):
    # Now, so this transaction sees its change, and again at commit, so nothing
    # another server computed from the old data meanwhile outlives the commit.
    bump_record_version()
    transaction.on_commit(bump_record_version)


for model in WATCHED:
    post_save.connect(record_changed, sender=model, dispatch_uid=f"cache_saved_{model.__name__}")
    post_delete.connect(
        record_changed, sender=model, dispatch_uid=f"cache_deleted_{model.__name__}"
    )


@receiver(m2m_changed, dispatch_uid="cache_m2m_changed")
def relation_changed(sender, action, **kwargs):
    if sender in WATCHED_M2M and action.startswith("post_"):
        record_changed(sender)
