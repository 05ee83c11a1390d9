"""Cached public values: reused until any public record changes."""

import pytest
from django.core.cache import cache
from django.http import QueryDict

from backchannel.cache import VERSION_KEY, bump_record_version, cached_public, query_key_parts
from meetings.models import DialogueSeries, Meeting
from tests.factories import (
    make_city,
    make_meeting,
    make_participation,
    make_person,
    make_quote,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db


class Counter:
    """A compute function that counts its calls and returns the count."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"calls": self.calls}


@pytest.fixture(autouse=True)
def _empty_local_cache():
    cache.clear()


def test_cached_public_computes_once_for_the_same_parameters():
    compute = Counter()
    first = cached_public(("facets", {"city": ["geneva"]}), compute)
    second = cached_public(("facets", {"city": ["geneva"]}), compute)
    assert (first, second, compute.calls) == ({"calls": 1}, {"calls": 1}, 1)


def test_cached_public_keeps_other_parameters_apart():
    compute = Counter()
    cached_public(("facets", {"city": ["geneva"]}), compute)
    cached_public(("facets", {"city": ["berlin"]}), compute)
    cached_public(("count", {"city": ["geneva"]}), compute)
    assert compute.calls == 3


def test_cached_public_caches_an_empty_result():
    calls = []
    for _ in range(2):
        cached_public(("nothing",), lambda: calls.append(1))
    assert calls == [1]


def _change_meeting():
    meeting = make_meeting()
    meeting.title = "Changed"
    meeting.save()


def _delete_meeting():
    make_meeting().delete()


def _change_series():
    number = DialogueSeries.objects.count() + 1
    DialogueSeries.objects.create(name=f"Series {number}", slug=f"series-{number}")


def _add_topic():
    make_meeting().topics.add(make_topic())


def _add_source():
    make_meeting().sources.add(make_source())


CHANGES = {
    "meeting saved": _change_meeting,
    "meeting deleted": _delete_meeting,
    "participation": lambda: make_participation(make_meeting()),
    "person": make_person,
    "city": make_city,
    "topic": make_topic,
    "series": _change_series,
    "source": make_source,
    "quote": lambda: make_quote(make_person()),
    "meeting topics": _add_topic,
    "meeting sources": _add_source,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_cached_public_recomputes_after_a_record_changes(change):
    change()  # the records a change needs exist before the value is cached
    compute = Counter()
    cached_public(("facets",), compute)
    change()
    assert cached_public(("facets",), compute) == {"calls": 2}


def test_cached_public_recomputes_when_the_version_is_evicted():
    compute = Counter()
    cached_public(("facets",), compute)
    cache.delete(VERSION_KEY)
    assert cached_public(("facets",), compute) == {"calls": 2}


def test_bulk_writes_bump_the_version_by_hand():
    compute = Counter()
    cached_public(("facets",), compute)
    Meeting.objects.update(title="Bulk")  # sends no signal
    assert cached_public(("facets",), compute) == {"calls": 1}
    bump_record_version()
    assert cached_public(("facets",), compute) == {"calls": 2}


def test_cache_is_local_memory_by_default(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_cached_public_with_redis(redis_caches):
    """The same behaviour with the shared cache production uses (Redis at REDIS_URL)."""
    compute = Counter()
    assert cached_public(("facets",), compute, timeout=30) == {"calls": 1}
    assert cached_public(("facets",), compute, timeout=30) == {"calls": 1}
    _change_meeting()
    assert cached_public(("facets",), compute, timeout=30) == {"calls": 2}


def test_query_key_parts_normalise_order_repeats_and_blanks():
    first = QueryDict("year=2018&city=geneva&year=2017&q=&utm_source=x")
    second = QueryDict("city=geneva&year=2017&year=2018&year=2018")
    names = ["city", "year", "q", "track"]
    assert query_key_parts(first, names) == {"city": ["geneva"], "year": ["2017", "2018"]}
    assert query_key_parts(first, names) == query_key_parts(second, names)


def test_cached_public_shares_a_value_between_equal_queries():
    compute = Counter()
    for query in ("year=2018&year=2017", "year=2017&year=2018"):
        cached_public(("facets", query_key_parts(QueryDict(query), ["year"])), compute)
    assert compute.calls == 1
