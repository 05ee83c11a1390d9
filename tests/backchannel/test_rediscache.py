"""Redis is an accelerator, not a dependency: with it refusing, hanging or stopped, every
page answers from the database, staff work, nothing stale is served, and the cache is
used again within seconds of Redis's return."""

import datetime
import logging

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backchannel import cache as public_cache
from backchannel.cache import CATCH_UP_SECONDS, VERSION_KEY, public_key
from backchannel.models import MissedCacheBump
from backchannel.rediscache import RETRY_SECONDS, WARN_SECONDS, server_name
from meetings.models import Meeting, Visibility
from tests.admin_forms import existing_rows, meeting_form_data
from tests.conftest import STAFF_PASSWORD
from tests.factories import make_berlin_meeting, make_city

pytestmark = pytest.mark.django_db

MEETING_URL = "/meetings/lakeside/"


@pytest.fixture
def lakeside():
    city = make_city(name="Geneva", slug="geneva", country="CH")
    return make_berlin_meeting(
        city=city, slug="lakeside", title="Lakeside talks", start_date=datetime.date(2017, 3, 1)
    )


def get(client, url):
    """(response, body, number of queries)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode(), len(captured)


def local_copies():
    return len(caches["pages"]._cache)


def redis_warnings(caplog):
    return [
        r for r in caplog.records if r.name == "backchannel.rediscache" and r.levelname == "WARNING"
    ]


def test_every_public_page_answers_from_the_database_while_redis_refuses(
    client, public_urls, refusing_redis
):
    for url in public_urls:
        first, _body, queries = get(client, url)
        again, _body, queries_again = get(client, url)

        assert (first.status_code, again.status_code) == (200, 200), url
        assert queries_again == queries, url  # computed again, not served from a cache
    assert local_copies() == 0


def test_staff_log_in_and_save_while_redis_refuses(client, staff_user, lakeside, refusing_redis):
    credentials = {"username": "editor", "password": STAFF_PASSWORD}
    login = client.post(reverse("admin:login"), credentials | {"next": reverse("admin:index")})
    assert (login.status_code, login["Location"]) == (302, reverse("admin:index"))
    assert client.get(reverse("admin:index")).status_code == 200

    change = reverse("admin:meetings_meeting_change", args=[lakeside.pk])
    data = meeting_form_data(lakeside, existing_rows(lakeside), title="Lakeside talks, renamed")
    response = client.post(change, data)

    assert response.status_code == 302
    assert Meeting.objects.get().title == "Lakeside talks, renamed"
    assert MissedCacheBump.objects.exists()  # for Redis to hear of once it is back
    assert "Lakeside talks, renamed" in get(client, MEETING_URL)[1]
    logout = client.post(reverse("admin:logout"))
    assert logout.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302  # to the login page


def test_a_warning_at_most_once_a_minute(client, lakeside, refusing_redis, clock, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(5):
            assert client.get(MEETING_URL).status_code == 200
            clock.advance(RETRY_SECONDS)
        assert len(redis_warnings(caplog)) == 1
        clock.advance(WARN_SECONDS)
        client.get(MEETING_URL)

    warnings = redis_warnings(caplog)
    assert len(warnings) == 2
    assert warnings[0].getMessage().startswith(f"Redis at {refusing_redis[8:]} does not answer (")
    assert "\n" not in warnings[0].getMessage()


def test_a_hung_redis_costs_one_timeout_per_pause_not_per_request(
    client, lakeside, silent_redis, clock
):
    for _ in range(5):
        assert client.get(MEETING_URL).status_code == 200
    assert silent_redis.connections() == 1

    clock.advance(RETRY_SECONDS)
    for _ in range(5):
        assert client.get(MEETING_URL).status_code == 200
    assert silent_redis.connections() == 2


def test_health_check_reports_redis_and_stays_200(client, refusing_redis):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (
        200,
        b"database: ok\ncache: unavailable\n",
    )


def test_health_check_reports_redis_answering(client, private_redis):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"database: ok\ncache: ok\n")


def in_redis(key):
    backend = caches["default"]
    return backend._cache.get(backend.make_key(key), None) is not None


def stop_then_unpublish_then_restart(client, private_redis, lakeside):
    """Cache the pages, stop Redis, make the meeting confidential, start Redis again."""
    for url in (MEETING_URL, "/meetings/"):
        get(client, url)
        assert get(client, url)[2] == 0  # a copy in this worker and one in Redis
    stale_key = public_key(("page", MEETING_URL, ""))
    copies = local_copies()
    private_redis.stop()

    response, _body, queries = get(client, MEETING_URL)
    assert (response.status_code, queries > 0) == (200, True)  # no copy is served
    lakeside.visibility = Visibility.CONFIDENTIAL
    lakeside.save()  # Redis misses the version bump
    assert get(client, MEETING_URL)[0].status_code == 404
    assert "Lakeside talks" not in get(client, "/meetings/")[1]
    assert local_copies() == copies  # nothing stored while Redis was away

    private_redis.start()
    assert in_redis(stale_key)  # the page as it was is still in Redis


def test_pages_of_a_stopped_redis_are_not_served_and_the_cache_returns(
    client, private_redis, lakeside, clock, caplog
):
    with caplog.at_level(logging.INFO):
        stop_then_unpublish_then_restart(client, private_redis, lakeside)
        clock.advance(RETRY_SECONDS)
        assert get(client, MEETING_URL)[0].status_code == 404
        _listing, body, cold = get(client, "/meetings/")
        assert "Lakeside talks" not in body
        assert get(client, "/meetings/")[2] == 0 < cold  # cached again

    server = f"Redis at 127.0.0.1:{private_redis.port}/0"
    assert [
        (r.levelname, r.getMessage().split(" (")[0])
        for r in caplog.records
        if r.name == "backchannel.rediscache"
    ] == [
        ("WARNING", f"{server} does not answer"),
        ("INFO", f"{server} answers again: caching resumes"),
    ]


def another_worker(settings, monkeypatch):
    """This process as another worker would be: its own Redis state, the same page copies."""
    monkeypatch.setattr("backchannel.rediscache._outages", {})
    monkeypatch.setattr(public_cache, "_catch_up", public_cache.CatchUp())
    settings.CACHES = dict(settings.CACHES)  # new cache objects, under the same names


@pytest.mark.parametrize("worker", ["that made the change", "started meanwhile", "left idle"])
def test_no_worker_serves_what_was_cached_before_a_change_redis_missed(
    client, private_redis, lakeside, clock, settings, monkeypatch, worker
):
    stop_then_unpublish_then_restart(client, private_redis, lakeside)
    if worker == "started meanwhile":
        another_worker(settings, monkeypatch)
    elif worker == "left idle":
        # No request reached it while Redis was away; it had just looked for missed bumps.
        another_worker(settings, monkeypatch)
        public_cache._catch_up.checked_at = clock()
        public_cache._catch_up.failures_seen = 0
        clock.advance(CATCH_UP_SECONDS)
    else:
        clock.advance(RETRY_SECONDS)

    assert get(client, MEETING_URL)[0].status_code == 404
    assert "Lakeside talks" not in get(client, "/meetings/")[1]
    assert caches["default"].get(VERSION_KEY) is not None


def test_a_bump_redis_takes_records_nothing(private_redis, lakeside):
    lakeside.title = "Renamed"
    lakeside.save()

    assert not MissedCacheBump.objects.exists()


@pytest.mark.parametrize(
    ("location", "logged"),
    [
        ("redis://:s3cret@cache.internal:6380/2", "cache.internal:6380/2"),
        ("rediss://user:s3cret@cache.internal", "cache.internal:6379/0"),
        ("unix://:s3cret@/run/redis/redis.sock?db=1", "/run/redis/redis.sock"),
    ],
)
def test_warnings_name_the_server_never_its_password(location, logged):
    assert server_name(location) == logged
