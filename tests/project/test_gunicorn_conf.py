"""gunicorn.conf.py: what production serving sets up in each worker."""

import gc
import importlib.util
from pathlib import Path

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
