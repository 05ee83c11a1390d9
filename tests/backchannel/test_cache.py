"""backchannel/cache.py: cached public values and whole cached pages, reused until any
public record changes, and never shared between different queries."""

import datetime
import gzip

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from backchannel.cache import (
    VERSION_KEY,
    bump_record_version,
    cached_public,
    public_key,
    query_key_parts,
)
from meetings.models import DialogueSeries, Meeting, Visibility
from people.models import Affiliation
from tests.factories import (
    make_city,
    make_meeting,
    make_organization,
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


def get(client, url, headers=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


@pytest.fixture
def record():
    city = make_city(name="Geneva", slug="geneva", country="CH")
    meeting = make_meeting(
        city=city, start_date=datetime.date(2017, 3, 1), title="Lakeside talks", slug="lakeside"
    )
    person = make_person(full_name="Ada Example", slug="ada-example")
    participation = make_participation(meeting, person, side="US")
    return meeting, person, participation


PAGES = ["/meetings/", "/meetings/?city=geneva", "/meetings/lakeside/", "/people/ada-example/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_second_request_is_served_without_queries(client, record, url):
    first, cold = get(client, url)
    second, warm = get(client, url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert cold > 0 and warm == 0


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_is_served_compressed_to_clients_that_accept_gzip(client, record, url):
    plain = client.get(url)
    for _ in range(2):  # stored by the plain request; compressed once, served from the cache
        response, queries = get(client, url, headers={"Accept-Encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == plain.content
        assert "Accept-Encoding" in response["Vary"] and queries == 0
    assert not client.get(url).has_header("Content-Encoding")


@pytest.mark.parametrize("url", PAGES)
def test_a_meeting_made_confidential_disappears_from_cached_pages(client, record, url):
    meeting, _person, _participation = record
    assert b"Lakeside talks" in client.get(url).content
    meeting.visibility = Visibility.CONFIDENTIAL
    meeting.save()
    response = client.get(url)
    assert b"Lakeside talks" not in response.content
    if url in ("/meetings/lakeside/", "/people/ada-example/"):
        assert response.status_code == 404
    elif url == "/meetings/?city=geneva":
        assert response.status_code == 400  # no public meeting uses the city any more


def test_an_anonymised_participant_leaves_the_cached_pages(client, record):
    _meeting, _person, participation = record
    for url in PAGES:
        assert b"Ada Example" in client.get(url).content
    participation.anonymised = True
    participation.save()
    for url in PAGES[:3]:
        assert b"Ada Example" not in client.get(url).content
    assert client.get("/people/ada-example/").status_code == 404


def test_a_new_affiliation_shows_on_the_cached_person_page(client, record):
    _meeting, person, _participation = record
    client.get("/people/ada-example/")
    organization = make_organization(name="Lake Institute")
    Affiliation.objects.create(person=person, organization=organization)
    assert b"Lake Institute" in client.get("/people/ada-example/").content


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/meetings/", "city=nowhere", 400),
        ("/meetings/", "page=99", 404),
        ("/meetings/missing/", "", 404),
        ("/people/nobody/", "", 404),
    ],
)
def test_errors_are_not_stored(client, record, path, query, status):
    for _ in range(2):
        assert client.get(f"{path}?{query}").status_code == status
    assert cache.get(public_key(("page", path, query))) is None
    client.get("/meetings/")
    assert cache.get(public_key(("page", "/meetings/", ""))) is not None  # the key is right


def test_no_page_caching_when_turned_off(client, record, settings):
    settings.MEETINGS_CACHE_SECONDS = 0
    _response, cold = get(client, "/meetings/lakeside/")
    _response, again = get(client, "/meetings/lakeside/")
    assert again == cold > 0


def test_another_query_string_is_another_page(client, record):
    client.get("/meetings/")
    response = client.get("/meetings/?sort=date")
    assert response.context is not None  # rendered, not the unsorted page


@pytest.mark.parametrize("url", PAGES)
def test_with_redis_a_worker_keeps_its_copy_until_a_change(client, record, redis_caches, url):
    """A worker keeps the pages it served; a change made anywhere (a bump of the version
    in Redis) hides every worker's copies at once."""
    meeting, _person, _participation = record
    first, _ = get(client, url)
    path, _, query = url.partition("?")
    shared_copy = public_key(("page", path, query))
    assert redis_caches["default"].delete(shared_copy)  # this worker's own copy still serves
    second, warm = get(client, url)
    assert second.content == first.content and warm == 0
    assert b"Lakeside talks" in second.content

    meeting.visibility = Visibility.CONFIDENTIAL
    meeting.save()  # bumps the version in Redis; this worker's copy is not touched
    third, cold = get(client, url)
    assert cold > 0
    assert b"Lakeside talks" not in third.content


@pytest.mark.parametrize(
    ("first_url", "second_url"),
    [
        ("/meetings/?city=geneva&utm_source=a", "/meetings/?city=geneva&utm_source=b"),
        ("/meetings/", "/meetings/?fbclid=x"),
        ("/meetings/lakeside/", "/meetings/lakeside/?ref=newsletter"),
        ("/people/ada-example/", "/people/ada-example/?utm_medium=email"),
    ],
)
def test_unknown_parameters_share_the_cached_page(client, record, first_url, second_url):
    """Pages and their links ignore unknown parameters, so the cache does too: tracking
    parameters add no entries and evict nothing."""
    first, _ = get(client, first_url)
    second, warm = get(client, second_url)
    assert warm == 0
    assert second.content == first.content
