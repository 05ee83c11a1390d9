"""Streamed responses that start only once the database has answered for them.

A streamed response sends its status line with its first chunk, so an outage
found later cannot turn into a 503. ``primed_streaming_response`` therefore reads
the body, inside the view, until a chunk comes after the database has answered a
query: an outage before that raises in the view and the middleware answers 503
with Retry-After, like every other page. An outage after that ends the body with
``StreamInterrupted``, logged here as one warning line; the server then aborts the
connection without the final chunk, so the client sees an unfinished transfer,
never a file that looks whole. gunicorn.conf.py keeps gunicorn from logging a
traceback for it (``InterruptedStreamFilter``).
"""

import contextlib
import itertools
import logging
import traceback

from django.db import connections
from django.http import StreamingHttpResponse

from .middleware import UNAVAILABLE_ERRORS

logger = logging.getLogger(__name__)


class StreamInterrupted(Exception):
    """The database went away in the middle of a streamed body (already logged)."""


class InterruptedStreamFilter(logging.Filter):
    """Drops a server's error record for a ``StreamInterrupted``: it was logged once already."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, StreamInterrupted)


class _AnsweredQueries:
    """An execute wrapper that counts the queries the database has answered."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        self.count += 1
        return result


def primed(chunks):
    """(chunks read, the rest): read until one came after a database answer, or to the end.

    An outage while reading raises here, before any response exists.
    """
    rest = iter(chunks)
    answered = _AnsweredQueries()
    head = []
    with contextlib.ExitStack() as watching:
        for connection in connections.all():
            watching.enter_context(connection.execute_wrapper(answered))
        try:
            for chunk in rest:
                head.append(chunk)
                if answered.count:
                    break
        except UNAVAILABLE_ERRORS as error:
            _release(error)
            raise
    return head, rest


def _release(error):
    """Clear the locals of the frames an error came through, so that the query iterators
    they held (and their server-side cursors) are closed now, not whenever the garbage
    collector finds them, perhaps inside another request's transaction."""
    while error is not None:
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__


def _cut_off_on_outage(request, chunks):
    try:
        yield from chunks
    except UNAVAILABLE_ERRORS as error:
        reason = str(error).strip().replace("\n", " ")
        _release(error)
    else:
        return
    # Raised outside the handler, so that it carries none of the failed query's frames.
    logger.warning(
        "Database unavailable while streaming %s: %s; the response was cut off",
        request.path,
        reason,
    )
    raise StreamInterrupted(request.path)


def primed_streaming_response(request, chunks, **kwargs):
    """A StreamingHttpResponse of ``chunks`` (keyword arguments as for it), primed.

    Every streamed view answers through this.
    """
    head, rest = primed(chunks)
    body = _cut_off_on_outage(request, itertools.chain(head, rest))
    return StreamingHttpResponse(body, **kwargs)
