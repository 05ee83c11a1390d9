"""gunicorn.conf.py: what production serving sets up in each worker."""

import gc
import importlib.util
import logging
import sys
from pathlib import Path

from django.db import OperationalError

from backchannel.streaming import StreamInterrupted

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


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
