"""The meeting listing's numbers: the total and the city, year, track and party facet
counts of a filtered result, by one of three routes.

When only city, country, year and track filter the result, every count comes from
``PublicMeetingCount`` (a few thousand rows the database keeps up to date: see
meetings/derived.py) instead of from the meetings themselves. When one party, two
parties or one organisation filter it besides, from the rows of that fact
(meetings/public_facts.py), which carry each meeting's city, year and track. Any other
filter counts the matching meetings: in one pass when no city, year or track filter is
active, else facet by facet. Every route gives the same numbers (property tests compare
them). Each facet counts the result without that facet's own filter, so that OR-ing
another value into it adds exactly that value's count. How the numbers are shown is
meetings/facets.py's.
"""

from collections import Counter

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count
from django.db.models.functions import ExtractYear

from backchannel.cache import cached_public

from .facet_rows import (
    named_city_rows,
    party_counts,
    party_rows,
    year_facet_rows,
    year_track_totals,
)
from .models import FactKind, Track
from .table_counts import (
    anchor_fact,
    counted_filters_only,
    counts_from_facts,
    counts_from_table,
    fact_counts,
    filter_key,
)

# A result's rows (id, city_id, year, track, parties), grouped by city, year and track
# (the last column 1) and by parties (0): _groups_and_parties.
GROUPED_ONCE_POSTGRESQL = (
    "SELECT r.city_id, r.year, r.track, r.parties, COUNT(*), GROUPING(r.parties) "
    "FROM ({result}) AS r GROUP BY GROUPING SETS ((r.city_id, r.year, r.track), (r.parties))"
)
GROUPED_ONCE = (
    "WITH r AS ({result}) "
    "SELECT city_id, year, track, NULL, COUNT(*), 1 FROM r GROUP BY 1, 2, 3 "
    "UNION ALL SELECT NULL, NULL, NULL, parties, COUNT(*), 0 FROM r GROUP BY 4"
)


class Year(ExtractYear):
    """The year of a date; on SQLite read from the ISO text, not through a Python function
    called once per row (which took most of the facet query's time)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 1, 4) AS integer)", params


def _city_rows(qs):
    """Grouped by city id (read in order from an index), then the few cities' names."""
    counts = dict(
        qs.exclude(city=None).order_by().values_list("city_id").annotate(n=Count("pk")).order_by()
    )
    return named_city_rows(counts)


def _year_rows(qs):
    rows = (
        qs.order_by().annotate(year=Year("start_date")).values_list("year").annotate(n=Count("pk"))
    )
    return year_facet_rows(dict(rows.order_by()))


def _track_rows(qs):
    labels = dict(Track.choices)
    rows = qs.exclude(track="").order_by().values("track").annotate(n=Count("pk")).order_by("track")
    return [(row["track"], labels[row["track"]], row["n"]) for row in rows]


FACET_ROWS = {"city": _city_rows, "year": _year_rows, "track": _track_rows}


def facet_rows(filterset, name):
    """[(value, label, count)] of one facet: over the result without its own filter if active."""
    active = filterset.active(name)
    return FACET_ROWS[name](filterset.qs_without(name) if active else filterset.qs)


def year_track_rows(qs):
    """(total, year rows, track rows) of ``qs`` from one GROUP BY year, track."""
    rows = (
        qs.order_by()
        .annotate(year=Year("start_date"))
        .values_list("year", "track")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return year_track_totals(rows)


def cached_listing_counts(filterset):
    """``listing_counts`` of a valid public filter, from the public cache."""
    return cached_public(
        ("listing-counts", filter_key(filterset)), lambda: listing_counts(filterset)
    )


def listing_counts(filterset):
    """{"total", "rows": {facet: [(value, label, count)]}}, from the count table when it can."""
    if counted_filters_only(filterset):
        return counts_from_table(filterset)
    if anchor := anchor_fact(filterset):
        return counts_from_facts(filterset, *anchor)
    return counts_from_meetings(filterset)


def counts_from_meetings(filterset):
    """listing_counts by grouping the meetings: in one pass when no facet's own filter is
    active (``counts_in_one_pass``); else the total, the year and the track facets come
    from one query when neither is active; the city facet from another, the party facet
    from a third."""
    if not any(filterset.active(name) for name in FACET_ROWS):
        return counts_in_one_pass(filterset)
    return counts_facet_by_facet(filterset)


def counts_facet_by_facet(filterset):
    """listing_counts with each facet grouped over the result without its own filter."""
    total, years, tracks = year_track_rows(filterset.qs)
    rows = {
        "city": facet_rows(filterset, "city"),
        "year": facet_rows(filterset, "year") if filterset.active("year") else years,
        "track": facet_rows(filterset, "track") if filterset.active("track") else tracks,
        "party": party_rows(fact_counts(filterset, FactKind.PARTY)),
    }
    return {"total": total, "rows": rows}


def counts_in_one_pass(filterset):
    """listing_counts of a result that no city, year or track filter narrows, so that each
    of those facets counts the result itself: one GROUP BY city, year and track, summed
    here, and one of the stored party lists. ``?q=maritime`` at 100,000 meetings on
    PostgreSQL: the search ran once for the three, not once each (years and tracks 17
    ms, cities 14). The two groupings are one query, one pass over the result
    (``_groups_and_parties``). (Grouping by city, year, track and parties at
    once made a broad result's groups many: ``?status=held``, 60,077 meetings, took 95
    ms more.)"""
    groups, parties = _groups_and_parties(filterset.qs)
    years_and_tracks, cities = [], Counter()
    for city, year, track, n in groups:
        years_and_tracks.append((year, track, n))
        if city is not None:
            cities[city] += n
    total, years, tracks = year_track_totals(years_and_tracks)
    rows = {"city": named_city_rows(cities), "year": years, "track": tracks}
    return {"total": total, "rows": rows | {"party": party_rows(party_counts(parties))}}


def _groups_and_parties(qs):
    """([(city id, year, track, meetings)], [(stored parties, meetings)]) of a result, from
    one query that reads it once and groups it both ways. PostgreSQL: GROUPING SETS
    (EXPLAIN ANALYZE at 100,000 meetings: ``?q=maritime`` 17.6 + 17.1 -> 20.1 ms as two
    GROUP BYs and one, ``?from=2015&to=2016-06`` 27.9 + 25.5 -> 42.2 ms). SQLite, which
    has none: the result as a common table expression, which SQLite (3.35 on) stores
    once as it is read twice (``from``/``to`` 162 -> 85 ms, ``q`` 55 -> 43 ms,
    ``status=held`` 309 -> 175 ms). The result is the listing's own query (its SQL,
    unchanged, a row per meeting: with the meeting's id, a DISTINCT it may carry stays one
    per meeting), grouped from outside."""
    rows = qs.annotate(year=Year("start_date")).values_list(
        "pk", "city_id", "year", "track", "parties"
    )
    try:
        sql, params = rows.order_by().query.get_compiler(qs.db).as_sql()
    except EmptyResultSet:  # a condition no row can meet (``pk__in=[]``): nothing to read
        return [], []
    connection = connections[qs.db]
    grouped = GROUPED_ONCE_POSTGRESQL if connection.vendor == "postgresql" else GROUPED_ONCE
    groups, parties = [], []
    with connection.cursor() as cursor:
        cursor.execute(grouped.format(result=sql), params)
        for city, year, track, stored, n, by_place in cursor.fetchall():
            if by_place:  # EXTRACT gives a numeric, which the ORM would make an int
                groups.append((city, None if year is None else int(year), track, n))
            else:
                parties.append((stored, n))
    return groups, parties
