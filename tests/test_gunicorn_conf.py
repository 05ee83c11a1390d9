"""gunicorn.conf.py: what production serving sets up in each worker."""

import contextlib
import gc
import http.client
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError

from backchannel.streaming import StreamInterrupted

PROJECT = Path(__file__).resolve().parents[1]
CONF = PROJECT / "gunicorn.conf.py"


def load_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_new_worker_freezes_what_it_loaded_out_of_the_collector():
    conf = load_conf()
    gc.unfreeze()
    try:
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000  # Django, the app and its views
    finally:
        gc.unfreeze()


def test_workers_follow_the_core_count_unless_set(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    assert load_conf().workers == 5
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert load_conf().workers == 3


def error_record(error):
    try:
        raise error
    except Exception:
        return logging.LogRecord(
            "gunicorn.error",
            logging.ERROR,
            __file__,
            1,
            "Error handling request",
            (),
            sys.exc_info(),
        )


def test_gunicorn_leaves_out_only_tracebacks_of_streams_the_app_cut_off():
    error_log = logging.getLogger("gunicorn.error")
    before = list(error_log.filters)
    try:
        load_conf().on_starting(server=None)
        assert not error_log.filter(error_record(StreamInterrupted("/meetings/export.csv")))
        assert error_log.filter(error_record(OperationalError("down")))
        assert error_log.filter(error_record(ValueError("a bug")))
    finally:
        error_log.filters = before


HOST = "127.0.0.1"


SEED = """
import datetime
from tests.factories import make_berlin_meeting
for day in (1, 2, 3, 4):
    make_berlin_meeting(start_date=datetime.date(2018, 5, day))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_env(tmp_path):
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    keep.pop("REDIS_URL", None)
    return keep | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SECRET_KEY": "gunicorn-test-only",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_MANIFEST_STATIC": "0",
        "MEETINGS_CACHE_SECONDS": "0",
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, check=True)


def get(port, path, **headers):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", path, headers=headers)
    return conn.getresponse()


@contextlib.contextmanager
def gunicorn(env, log_path):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "tests.outage_wsgi:application"]
    command += ["--config", "gunicorn.conf.py", "--bind", f"{HOST}:{port}", "--workers", "1"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get(port, "/healthz").status == 200:
                    break
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def served(tmp_path):
    env = app_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "shell", "--no-imports", "-c", SEED)
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(env, log_path) as port:
        yield port, log_path


def test_a_stream_cut_off_by_an_outage_is_visibly_unfinished_and_logged_once(served):
    port, log_path = served
    whole = get(port, "/meetings/export.csv")
    lines = whole.read().decode().splitlines()
    assert (whole.status, len(lines)) == (200, 5)

    before_first_row = get(port, "/meetings/export.csv", **{"X-Fail-After": "0"})
    assert (before_first_row.status, before_first_row.getheader("Retry-After")) == (503, "30")
    before_first_row.read()

    # The meetings' query, then for each meeting (a batch of one here) its topic links,
    # its participations, the people not seen before, its organisers and its sources:
    # the twelfth query, the third meeting's first, fails.
    cut = get(port, "/meetings/export.csv", **{"X-Fail-After": "11"})
    assert (cut.status, cut.getheader("Transfer-Encoding")) == (200, "chunked")
    with pytest.raises(http.client.IncompleteRead) as incomplete:
        cut.read()
    assert incomplete.value.partial.decode().splitlines() == lines[:3]

    log = log_path.read_text()
    assert "Traceback" not in log
    assert "Error handling request" not in log
    streaming = [line for line in log.splitlines() if "while streaming" in line]
    assert streaming == [
        "Database unavailable while streaming /meetings/export.csv: "
        "injected: the database went away; the response was cut off"
    ]
    assert log.count("Database unavailable for /meetings/export.csv") == 1
