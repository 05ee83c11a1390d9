"""How an export reads (meetings/export_records.py): rows as the database driver gives
them, a batch of meetings at a time, and the values worked out once per export for every
meeting that has them (a participant's label, a date range as text, side tracks, a
link), each a ``Memo``.

Columns come as the driver gives them: dates as ISO text from SQLite, JSON as text from
both databases, booleans as 0 or 1 from SQLite.
"""

import datetime
import json

from django.db import connections
from django.db.models import F
from django.db.models.expressions import RawSQL

from . import dates
from .models import Participation, web_link


class Memo(dict):
    """``make(key)`` for each key, made once and kept, forgetting all past ``limit``."""

    def __init__(self, make, limit=50_000):
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, key):
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.make(key)
        return value


def as_date(value):
    """A date column as the driver gives it (SQLite: ISO text) as a date."""
    return datetime.date.fromisoformat(value) if value.__class__ is str else value


def as_json(value):
    """A JSON column as the driver gives it (text) as its value."""
    return json.loads(value) if isinstance(value, str) else value


def date_range(key):
    """(start, end, the range as text) of a meeting's (start, end, precision) as read."""
    start, end, precision = key
    start, end = as_date(start), as_date(end)
    return start, end, dates.format_date_range(start, end, precision)


def label(key):
    """``Participation.public_label`` of a (capacity, side): country names go through
    translations, which is slow row after row."""
    capacity, side = key
    return Participation(capacity=capacity, side=side).public_label


class Known:
    """What an export reads or works out once and uses in every batch."""

    def __init__(self, url_prefix):
        self.url_prefix = url_prefix  # a meeting's URL without its slug
        self.people = {}  # person id: (full name, slug), of the publicly named
        self.topics = {}  # topic id: {"slug", "name"}
        self.labels = Memo(label)  # (capacity, side): label
        self.dates = Memo(date_range)  # (start, end, precision) as read: date_range
        self.side_tracks = Memo(as_json)  # as read: {side: track}
        self.web_urls = Memo(web_link)  # URL: itself when safe to link to, else ""


def meeting_batches(rows, size):
    """Lists of up to ``size`` rows of a ``values_list`` queryset, as the driver
    gives them, read in order from one cursor (server-side on PostgreSQL, as Django's
    ``iterator()`` reads)."""
    connection = connections[rows.db]
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    chunked = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if chunked else connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch


def of_batch(queryset, field, ids):
    """``queryset`` narrowed to rows whose ``field`` is one of ``ids`` (never empty).

    The ids go as one parameter: an array unnested on PostgreSQL, a JSON array read by
    ``json_each`` on SQLite. Django prepares the values of a parameter list one by one
    (a tenth of an export's time for thousands); written as literals instead, every
    batch's query was a new statement, which SQLite keeps prepared (the process grew by
    tens of MiB) and PostgreSQL took longer to plan than to run. PostgreSQL joins the
    unnested ids through the index rather than hashing every meeting.
    """
    if connections[queryset.db].vendor == "postgresql":
        in_batch = RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    else:
        in_batch = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])
    return queryset.alias(of_batch=F(field)).filter(of_batch__in=in_batch)


def plain_rows(queryset):
    """The rows of a ``values_list`` queryset as the database driver gives them, without
    Django's machinery row by row (iterators, converters). Dates come as text from
    SQLite, JSON as text from both, booleans as 0 or 1 from SQLite."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
