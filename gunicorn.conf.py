"""Gunicorn settings for production: `gunicorn backchannel.wsgi` after collectstatic.

Environment: PORT (default 8000), HOST (default 0.0.0.0), WEB_CONCURRENCY (workers,
default 2 x cores + 1), GUNICORN_TIMEOUT (seconds, default 30).
"""

import gc
import logging
import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Behind a load balancer that keeps connections open between requests.
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else None
errorlog = "-"
# Trust X-Forwarded-* only from the proxy in front (default: loopback).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_worker_init(worker):
    """Freeze what the worker has loaded (Django, the app, its URLs and views) out of the
    garbage collector's sight. Full collections then walk only what requests create: they
    had run about every tenth listing request, each adding tens of milliseconds."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view now, not on a first request)
    gc.freeze()


def on_starting(server):
    """A streamed response that the database left half-way is cut off on purpose and logged
    by the app as one warning line (backchannel/streaming.py): leave out gunicorn's
    "Error handling request" traceback for it. Workers inherit the filter."""
    from backchannel.streaming import InterruptedStreamFilter

    logging.getLogger("gunicorn.error").addFilter(InterruptedStreamFilter())
