"""Redis servers that refuse, hang, or answer and then stop, for the Redis outage tests."""

import contextlib
import socket
import subprocess
import time
import uuid

import redis

HOST = "127.0.0.1"
TIMEOUT_SECONDS = 0.2  # what a silent port costs a test
# A running server of the test's own: never slower than this, even when the machine is
# busy and the server has just restarted (its append-only file fsyncs every write).
RUNNING_SERVER_TIMEOUT_SECONDS = 2


class Clock:
    """The monotonic clock of the cache code, moved by hand: no test sleeps."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def use_redis(settings, url, timeout=TIMEOUT_SECONDS):
    """The caches production has with REDIS_URL=url, under a key prefix of the test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "backchannel.rediscache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"backchannel-test-{uuid.uuid4().hex}",
            "OPTIONS": {
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
            },
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-pages-{uuid.uuid4().hex}",
        },
    }
    settings.MEETINGS_CACHE_SECONDS = 600


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class SilentPort:
    """A port that takes connections and never answers, as a hung Redis does."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind((HOST, 0))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.url = f"redis://{HOST}:{self.listener.getsockname()[1]}/12"
        self.accepted = []

    def connections(self):
        """How many connections were made to it so far."""
        with contextlib.suppress(BlockingIOError):
            while True:
                self.accepted.append(self.listener.accept()[0])
        return len(self.accepted)

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.listener.close()


class PrivateRedis:
    """A redis-server of the test's own, stopped and started again by its process id.

    Its data survives a restart (append-only file), as with a Redis that only hung, lost
    the network for a while, or was restarted with persistence on: the hard case, where
    entries cached before the outage are still there when it comes back. Also used by
    bench/redis_faults.py.
    """

    def __init__(self, folder, port=None):
        self.folder = folder
        self.port = port or free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", ""]
        command += ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder)]
        command += ["--logfile", str(self.folder / "redis.log")]
        self.process = subprocess.Popen(command)
        client = self.client()
        deadline = time.monotonic() + 10
        while True:  # waiting for the server to start; nothing here times the app
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            assert self.process.poll() is None, (self.folder / "redis.log").read_text()
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def client(self):
        return redis.Redis(host=HOST, port=self.port, socket_connect_timeout=1)
