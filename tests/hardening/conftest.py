import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver, reverse

from backchannel import rediscache
from meetings import cache as meetings_cache
from tests.factories import make_berlin_meeting

from .redis_servers import HOST, Clock, PrivateRedis, SilentPort, free_port, use_redis

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
    slugs = {
        "meetings": public_record[0].strip("/").split("/")[-1],
        "people": public_record[1].strip("/").split("/")[-1],
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
    monkeypatch.setattr(meetings_cache, "clock", fake)
    monkeypatch.setattr(rediscache, "_outages", {})
    monkeypatch.setattr(meetings_cache, "_catch_up", meetings_cache.CatchUp())
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
    use_redis(settings, server.url)
    yield server
    if server.running():
        server.stop()


# Staff in each role, for the tests of what the admin lets through.
from tests.admin.conftest import editor, roles  # noqa: E402, F401
