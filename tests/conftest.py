"""Fixtures every test folder shares: clean caches and streams, the demo-like record the
public pages show, staff in each role, the public URLs, a clock and Redis servers."""

import datetime
import io
import os
import re
import shutil
import uuid

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from backchannel import cache as public_cache
from backchannel import rediscache
from meetings.models import DialogueSeries, Meeting, Participation, Visibility
from people.models import Affiliation
from tests.factories import (
    make_berlin_meeting,
    make_city,
    make_meeting,
    make_organization,
    make_participation,
    make_person,
    make_quote,
    make_series,
    make_source,
    make_topic,
)
from tests.redis_servers import (
    HOST,
    RUNNING_SERVER_TIMEOUT_SECONDS,
    Clock,
    PrivateRedis,
    SilentPort,
    free_port,
    use_redis,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached public values from one test must not answer another's (LocMem outlives rollbacks)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _close_streamed_responses(monkeypatch):
    """Close every streamed response at the end of the test, as a WSGI server closes each.

    A streamed body has read its first rows before the view returns
    (backchannel/streaming.py), so one a test did not read to the end holds a database
    cursor open; left to the garbage collector, it would close that cursor in some
    later test's transaction, which then fails.
    """
    from django.core.signals import request_finished
    from django.db import close_old_connections

    from backchannel import streaming

    opened = []

    class Tracked(streaming.StreamingHttpResponse):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    monkeypatch.setattr(streaming, "StreamingHttpResponse", Tracked)
    yield
    request_finished.disconnect(close_old_connections)  # as the test client does
    try:
        for response in opened:
            if not response.closed:
                response.close()
    finally:
        request_finished.connect(close_old_connections)


def pytest_configure(config):
    """Hypothesis caches what it learns under ./.hypothesis, even while collecting;
    point it at a temporary folder, removed at the end, so the working tree stays clean."""
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    config.hypothesis_home = tempfile.mkdtemp(prefix="hypothesis-")
    set_hypothesis_home_dir(config.hypothesis_home)
    _load_hypothesis_profile()


def _load_hypothesis_profile():
    """Property tests run the same examples every time (no flaky CI), with no deadline
    (database work varies), and may use function-scoped fixtures such as ``db``:
    each test rolls back what its examples write itself."""
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "backchannel",
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    settings.load_profile("backchannel")


def pytest_unconfigure(config):
    import shutil

    shutil.rmtree(getattr(config, "hypothesis_home", ""), ignore_errors=True)


# Records the public pages show


@pytest.fixture
def berlin():
    return make_city(name="Berlin", slug="berlin", country="DE")


@pytest.fixture
def demo(berlin):
    """A demo-like record: serving KP officials meet former US officials and academics."""
    geneva = make_city(name="Geneva", slug="geneva", country="CH")
    nuclear = make_topic(name="Denuclearisation", slug="denuclearisation")
    series = DialogueSeries.objects.create(name="Berlin channel", slug="berlin-channel")
    source = make_source(title="Report on informal dialogue", url="https://example.org/report")
    choe = make_person(
        full_name="Choe Son-hui", slug="choe-son-hui", country="KP", other_names="Choe Son Hui"
    )
    wit = make_person(full_name="Joel Wit", slug="joel-wit", country="US")
    meeting = make_meeting(
        title="Talks in Berlin",
        slug="talks-in-berlin",
        city=berlin,
        series=series,
        start_date=datetime.date(2017, 10, 1),
        date_precision="month",
        venue="A hotel",
        occasion="sidelines of a conference",
    )
    meeting.topics.add(nuclear)
    meeting.sources.add(source)
    make_participation(
        meeting,
        choe,
        side="KP",
        capacity="official",
        role="head",
        title_at_time="Director-General, North America Department",
    )
    make_participation(meeting, wit, side="US", capacity="former_official")
    Participation.objects.create(meeting=meeting, side="US", capacity="expert")
    make_quote(wit, meeting=meeting, source=source, text="We listened more than we talked.")
    meeting.refresh_from_db()
    geneva_meeting = make_meeting(
        title="Round in Geneva",
        slug="round-in-geneva",
        city=geneva,
        series=series,
        start_date=datetime.date(2016, 1, 1),
        date_precision="year",
        visibility=Visibility.PARTICIPANTS_WITHHELD,
        track_override="2",
    )
    undated = make_meeting(title="Undated contact", slug="undated-contact", city=berlin)
    make_participation(undated, wit, side="US", capacity="expert")
    make_participation(undated, side="KP", capacity="expert", anonymised=True)
    undated.refresh_from_db()
    return {
        "meeting": meeting,
        "geneva_meeting": geneva_meeting,
        "undated": undated,
        "choe": choe,
        "wit": wit,
        "series": series,
        "topic": nuclear,
    }


@pytest.fixture
def city():
    """The city the query-count tests seed their meetings in."""
    return make_city(slug="berlin")


@pytest.fixture
def person():
    """A public person with an affiliation, named in every seeded meeting."""
    person = make_person(slug="joel-wit")
    Affiliation.objects.create(person=person, organization=make_organization(slug="inst"))
    return person


# Staff in each role


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=io.StringIO())


def _staff(username, group=None):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(roles):
    return _staff("editor", "Editors")


@pytest.fixture
def publisher(roles):
    return _staff("publisher", "Publishers")


@pytest.fixture
def viewer(roles):
    return _staff("viewer", "Viewers")


def _may_delete_people(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="people", codename="delete_person")
    )
    return User.objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def merger(roles):
    """An editor who may also delete people, so may merge them, but not publish."""
    return _may_delete_people(_staff("merger", "Editors"))


@pytest.fixture
def publishing_merger(roles):
    """A publisher (Publishers may delete, so merge, people)."""
    return _may_delete_people(_staff("chief", "Publishers"))


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.org", "pw")


@pytest.fixture
def admin_client_as(client):
    """Log the test client in as the given user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def no_group_staff(db):
    return _staff("staff")


class CsrfSession:
    """A browser-like session: logged in through the real login page, CSRF checks on.

    ``post`` sends the CSRF token a page of the admin gave this session, as a form would.
    """

    def __init__(self, user):
        self.client = Client(enforce_csrf_checks=True)
        login_url = reverse("admin:login")
        token = _page_token(self.client.get(login_url))
        response = self.client.post(
            login_url,
            {"username": user.username, "password": "pw", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302, "the login page refused the test user"
        # Logging in rotates the token: read the new one from a page, as a browser would.
        self.token = _page_token(self.client.get(reverse("admin:index")))

    def post(self, url, data, **kwargs):
        return self.client.post(url, {**data, "csrfmiddlewaretoken": self.token}, **kwargs)

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)


def _page_token(response):
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found, f"no CSRF token on {response.request['PATH_INFO']}"
    return found.group(1)


@pytest.fixture
def csrf_session():
    """Log a user in through the login page; return their CSRF-checked session."""
    return CsrfSession


# Public URLs, the clock and Redis servers

STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(
        username="editor", password=STAFF_PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def public_record(db):
    """A public meeting and one of its named participants: (meeting URL, person URL)."""
    meeting = make_berlin_meeting()
    person = meeting.participations.filter(person__isnull=False).first().person
    return meeting.get_absolute_url(), person.get_absolute_url()


def _routes(patterns, namespace=""):
    """(namespace, name, converter names) for every route outside the admin."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from _routes(pattern.url_patterns, inner)
        else:
            yield namespace, pattern.name, sorted(pattern.pattern.converters)


@pytest.fixture
def public_urls(public_record):
    """Every public URL of the project, found in the URLconf, with real slugs filled in.

    A route this cannot fill in fails the test that uses it, so new public
    routes are checked too.
    """
    meeting_slug = public_record[0].strip("/").split("/")[-1]
    meeting = Meeting.objects.get(slug=meeting_slug)
    meeting.series = make_series(convener=make_organization())
    meeting.save()
    slugs = {
        "meetings": meeting_slug,
        "people": public_record[1].strip("/").split("/")[-1],
        "organizations": meeting.series.convener.slug,
        "series": meeting.series.slug,
    }
    urls, unknown = [], []
    for namespace, name, converters in _routes(get_resolver().url_patterns):
        route = f"{namespace}:{name}" if namespace else name
        if name and not converters:
            urls.append(reverse(route))
        elif name and converters == ["slug"] and namespace in slugs:
            urls.append(reverse(route, kwargs={"slug": slugs[namespace]}))
        else:
            unknown.append(route or f"{namespace}: unnamed")
    assert unknown == [], "teach the public_urls fixture these routes"
    return urls


@pytest.fixture
def clock(monkeypatch):
    """A fresh process as far as the cache code knows, with a clock the test moves."""
    fake = Clock()
    monkeypatch.setattr(rediscache, "clock", fake)
    monkeypatch.setattr(public_cache, "clock", fake)
    monkeypatch.setattr(rediscache, "_outages", {})
    monkeypatch.setattr(public_cache, "_catch_up", public_cache.CatchUp())
    return fake


@pytest.fixture
def refusing_redis(settings, clock):
    """REDIS_URL set, nothing listening on its port: every connection is refused."""
    url = f"redis://{HOST}:{free_port()}/12"
    use_redis(settings, url)
    return url


@pytest.fixture
def silent_redis(settings, clock):
    """REDIS_URL set to a port that takes connections and never answers."""
    port = SilentPort()
    use_redis(settings, port.url)
    yield port
    port.close()


@pytest.fixture
def private_redis(settings, clock, tmp_path):
    """REDIS_URL set to a redis-server of the test's own, which it may stop and start."""
    if shutil.which("redis-server") is None:
        assert not os.environ.get("CI"), "CI must have redis-server for the Redis outage tests"
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = PrivateRedis(tmp_path)
    server.start()
    use_redis(settings, server.url, timeout=RUNNING_SERVER_TIMEOUT_SECONDS)
    yield server
    if server.running():
        server.stop()


REDIS_TEST_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_answers():
    try:
        return redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def redis_caches(settings, monkeypatch):
    """The caches production has with REDIS_URL: Redis shared, page copies per worker.

    Under a key prefix of its own, so tests never meet each other's entries, and with
    the Redis state of a fresh process.
    """
    monkeypatch.setattr(rediscache, "_outages", {})
    monkeypatch.setattr(public_cache, "_catch_up", public_cache.CatchUp())
    if not _redis_answers():
        # CI starts Redis, so there these tests always run.
        assert not os.environ.get("CI"), f"Redis does not answer at {REDIS_TEST_URL}"
        pytest.skip(f"no Redis at {REDIS_TEST_URL}: start redis-server or set REDIS_URL")
    prefix = f"backchannel-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "backchannel.rediscache.ResilientRedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-pages-{uuid.uuid4().hex}",
        },
    }
    yield caches
    caches["pages"].clear()
    server = redis.Redis.from_url(REDIS_TEST_URL)
    for key in server.scan_iter(match=f"{prefix}:*"):  # clear() would empty the whole database
        server.delete(key)
