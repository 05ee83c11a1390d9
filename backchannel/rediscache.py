"""Redis as an accelerator: while it does not answer, the cache is empty, not an error.

Django's own ``RedisCache`` raises when Redis is stopped, refuses connections or
times out, and every page that reads the cache answers 500. ``ResilientRedisCache``
answers as an empty cache instead (reads miss, writes are dropped) and says that
Redis is away (``answers()``), so that callers whose keys need a value read from
Redis (the record version, backchannel/cache.py) cache nothing meanwhile.

After a failed call no call tries Redis for ``RETRY_SECONDS``: a Redis that times
out costs one timeout per process every few seconds, not one per cache call. The
first call after that tries again, so the cache is in use again within seconds of
Redis's return. A warning is logged at most once a minute per process.

django-redis 7.0.0 with ``IGNORE_EXCEPTIONS`` was tried first: it answers a miss
without saying that Redis is away (the record version would read as None and
every worker would share pages under that), tries Redis again on every call, and
logs each failure at error level with a traceback.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2
WARN_SECONDS = 60
clock = time.monotonic  # tests move time forward instead of sleeping


def server_name(location):
    """host:port/db of a Redis URL (or a socket's path), without any password it holds."""
    parts = urlsplit(location)
    if not parts.hostname:
        return parts.path
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"


class RedisOutage:
    """Whether one Redis server answers, as the threads of this process have found it."""

    def __init__(self, location):
        self.server = server_name(location)
        self.failures = 0  # failed calls so far: a change tells callers Redis was away
        self._retry_at = None
        self._warned_at = None
        self._warned = False  # an outage was reported and its end is not yet
        self._lock = threading.Lock()

    def allows_call(self):
        retry_at = self._retry_at
        return retry_at is None or clock() >= retry_at

    def failed(self, error):
        with self._lock:
            now = clock()
            self.failures += 1
            self._retry_at = now + RETRY_SECONDS
            if self._warned_at is not None and now - self._warned_at < WARN_SECONDS:
                return
            self._warned_at, self._warned = now, True
        logger.warning(
            "Redis at %s does not answer (%s): serving without the cache, trying again every %s s",
            self.server,
            str(error).strip().replace("\n", " "),
            RETRY_SECONDS,
        )

    def answered(self):
        if self._retry_at is None:
            return
        with self._lock:
            warned, self._retry_at, self._warned = self._warned, None, False
        if warned:
            logger.info("Redis at %s answers again: caching resumes", self.server)


_outages = {}
_outages_lock = threading.Lock()


def outage_of(location):
    """The process-wide state of the Redis at ``location`` (cache objects are per thread)."""
    with _outages_lock:
        return _outages.setdefault(location, RedisOutage(location))


_AWAY = object()


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that reads as empty while Redis does not answer."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.outage = outage_of(self._servers[0])

    def answers(self):
        """False while Redis failed lately: nothing that needs it should be trusted or cached."""
        return self.outage.allows_call()

    def ping(self):
        """Whether Redis answers now (not tried again within the pause after a failure)."""
        return self._call(False, lambda: self._cache.get_client().ping())

    def _call(self, fallback, method, *args, **kwargs):
        if not self.outage.allows_call():
            return fallback
        try:
            result = method(*args, **kwargs)
        except RedisError as error:
            self.outage.failed(error)
            return fallback
        self.outage.answered()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._call(_AWAY, super().incr, key, delta, version)
        if value is _AWAY:
            raise ValueError(f"Key '{key}' not found: Redis does not answer.")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)
