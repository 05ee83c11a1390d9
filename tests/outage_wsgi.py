"""The app as gunicorn serves it, with a database outage on demand, for the gunicorn tests.

A request carrying ``X-Fail-After: N`` finds the database gone after its first N
queries. The CSV export goes back to the database for every meeting, so an outage
can fall between its rows.
"""

import threading

from django.db import OperationalError, connection

from backchannel.wsgi import application as django_application
from meetings import export_records

export_records.BATCH_SIZE = 1
_request = threading.local()


def _fail_late(execute, sql, params, many, context):
    left = getattr(_request, "queries_left", None)
    if left is not None:
        if left == 0:
            raise OperationalError("injected: the database went away")
        _request.queries_left = left - 1
    return execute(sql, params, many, context)


def application(environ, start_response):
    header = environ.get("HTTP_X_FAIL_AFTER")
    _request.queries_left = int(header) if header else None
    if _fail_late not in connection.execute_wrappers:
        connection.execute_wrappers.append(_fail_late)
    return django_application(environ, start_response)
