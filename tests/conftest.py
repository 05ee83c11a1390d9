import pytest


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
