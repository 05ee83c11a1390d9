import copy
import os
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connections

from backchannel import rediscache, routers
from meetings import cache as meetings_cache


def _add_replica_mirror():
    """A ``replica`` alias mirroring the test database, as DATABASE_REPLICA_URL gives in production.

    Added when this folder is collected, before the test databases are set up, so
    Django's test runner configures it as a mirror of ``default``. No router uses
    it unless a test installs one.
    """
    if routers.REPLICA in connections.settings:
        return
    replica = copy.deepcopy(connections.settings["default"])
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
    connections.settings[routers.REPLICA] = replica
    settings.DATABASES[routers.REPLICA] = replica


_add_replica_mirror()


@pytest.fixture
def replica_router(settings):
    """The primary/replica router installed, starting unpinned as a new request does."""
    settings.DATABASE_ROUTERS = ["backchannel.routers.PrimaryReplicaRouter"]
    token = routers._pinned.set(False)
    yield
    routers._pinned.reset(token)
    connections[routers.REPLICA].close()  # persistent connections would block dropping the test DB


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
    monkeypatch.setattr(meetings_cache, "_catch_up", meetings_cache.CatchUp())
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
