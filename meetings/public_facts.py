"""The fact table: what each public meeting counts for in the overview and the party
facet (models/fact_table.py), and the totals of those facts over every public meeting.

A public meeting's facts are its parties (one per country code), its pairs of parties,
its organisers (each organisation once, whether it organises in any role or convenes
the meeting's series: what ``organization=`` selects) and its series. Each fact row
carries the meeting's city, year, track and date, so the filters the count table
answers (city, country, year, track) select facts without reading the meetings, and
any other filter selects them by meeting. ``PublicFactTotal`` adds them up over every
public meeting: the unfiltered overview and listing read a few hundred rows.

meetings/derived.py calls ``refresh`` wherever it writes a meeting's search words (every
kind of write), and also when a meeting's organisers or its series' convener change.
``refresh`` deletes the meetings' facts (the database returns what it deleted), writes
the new ones and moves each total by the difference, in one transaction; totals rows are
written in key order, so two writers never wait on each other in a cycle. ``rebuild``
writes every fact again and counts the totals from them.
"""

from collections import Counter
from itertools import combinations

from django.db import connections, transaction
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery

from .models import (
    NO_CITY,
    NO_YEAR,
    PUBLIC_VISIBILITIES,
    FactKind,
    Meeting,
    MeetingOrganizer,
    PublicFact,
    PublicFactTotal,
)

BATCH = 1000  # meetings read and written per round
COLUMNS = ("meeting_id", "kind", "key", "city_id", "year", "track", "start_date", "parties")
FACTS = PublicFact._meta.db_table
TOTALS = PublicFactTotal._meta.db_table
SERIES_ONLY = f"CASE WHEN kind = '{FactKind.SERIES}' THEN {{}}(start_date) END"
TOTALS_FROM_FACTS = (
    f"INSERT INTO {TOTALS} (kind, key, meetings, first_date, last_date) "  # noqa: S608
    f"SELECT kind, key, COUNT(*), {SERIES_ONLY.format('MIN')}, {SERIES_ONLY.format('MAX')} "
    f"FROM {FACTS} GROUP BY kind, key"
)


def party_codes(parties):
    """The sorted codes of a stored list of parties (the column holds "KP,US")."""
    if isinstance(parties, str):
        parties = parties.split(",")
    return sorted({str(code).strip() for code in parties or [] if str(code).strip()})


def pair_key(first, second):
    return f"{first} {second}"


def meeting_facts(parties, organizers, series_id):
    """[(kind, key)] of one public meeting."""
    codes = party_codes(parties)
    facts = [(FactKind.PARTY, code) for code in codes]
    facts += [(FactKind.PAIR, pair_key(*pair)) for pair in combinations(codes, 2)]
    facts += [(FactKind.ORGANIZER, str(pk)) for pk in sorted(organizers)]
    if series_id is not None:
        facts.append((FactKind.SERIES, str(series_id)))
    return facts


def facts_of_meetings(ids, using):
    """The fact rows of the public ones among these meetings."""
    fields = ("pk", "parties", "city_id", "start_date", "track", "series_id")
    meetings = Meeting.objects.using(using).filter(pk__in=ids, visibility__in=PUBLIC_VISIBILITIES)
    rows = list(meetings.values_list(*fields, "series__convener_id"))
    organizers = {}
    links = MeetingOrganizer.objects.using(using).filter(meeting_id__in=[row[0] for row in rows])
    for meeting_id, organization_id in links.values_list("meeting_id", "organization_id"):
        organizers.setdefault(meeting_id, set()).add(organization_id)
    facts = []
    for pk, parties, city_id, start_date, track, series_id, convener_id in rows:
        chosen = organizers.get(pk, set()) | ({convener_id} if convener_id else set())
        facts += fact_rows((pk, parties, city_id, start_date, track, series_id), chosen)
    return facts


def fact_rows(meeting, organizers):
    """The rows (in ``COLUMNS`` order) of one public meeting, given as (id, parties,
    city id, start date, track, series id), and the ids of its organisers (the series'
    convener among them): for writers that insert meetings in bulk."""
    pk, parties, city_id, start_date, track, series_id = meeting
    year = start_date.year if start_date else NO_YEAR
    where = (city_id or NO_CITY, year, track or "", start_date, ",".join(party_codes(parties)))
    return [
        (pk, str(kind), key, *where) for kind, key in meeting_facts(parties, organizers, series_id)
    ]


def _insert(facts, using):
    """Insert fact rows (tuples in ``COLUMNS`` order): on PostgreSQL in one statement over
    arrays, as executemany sends a statement per row."""
    if not facts:
        return
    connection = connections[using]
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [list(column) for column in zip(*facts, strict=True)]
            cursor.execute(
                f"INSERT INTO {FACTS} ({columns}) SELECT * FROM unnest("  # noqa: S608 (constants)
                "%s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::int[], %s::text[], "
                "%s::date[], %s::text[])",
                arrays,
            )
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            sql = f"INSERT INTO {FACTS} ({columns}) VALUES ({marks})"  # noqa: S608 (constants)
            cursor.executemany(sql, facts)


def _delete(ids, using):
    """Delete these meetings' facts: a Counter of the (kind, key) deleted."""
    listed = ", ".join(str(int(pk)) for pk in ids)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {FACTS} WHERE meeting_id IN ({listed}) RETURNING kind, key"  # noqa: S608 (ints)
        )
        return Counter(tuple(row) for row in cursor.fetchall())


def _move_totals(changes, using):
    """Add each (kind, key)'s change to its total, in key order."""
    rows = sorted((kind, key, n) for (kind, key), n in changes.items() if n)
    if not rows:
        return
    connection = connections[using]
    upsert = (
        f"ON CONFLICT (kind, key) DO UPDATE SET meetings = {TOTALS}.meetings + EXCLUDED.meetings"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement, as for the facts
            cursor.execute(
                f"INSERT INTO {TOTALS} (kind, key, meetings) "  # noqa: S608 (constants)
                f"SELECT * FROM unnest(%s::text[], %s::text[], %s::int[]) {upsert}",
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            sql = f"INSERT INTO {TOTALS} (kind, key, meetings) VALUES (%s, %s, %s) {upsert}"  # noqa: S608
            cursor.executemany(sql, rows)


def _date_series(keys, using):
    """Set the first and last dates of these series' totals from their facts."""
    if not keys:
        return
    rounds = PublicFact.objects.using(using).filter(kind=FactKind.SERIES, key=OuterRef("key"))
    dates = rounds.order_by().values("key")
    totals = PublicFactTotal.objects.using(using).filter(kind=FactKind.SERIES, key__in=keys)
    totals.update(
        first_date=Subquery(dates.annotate(first=Min("start_date")).values("first")),
        last_date=Subquery(dates.annotate(last=Max("start_date")).values("last")),
    )


def refresh(meeting_ids, using="default"):
    """Write the facts of these meetings again (none for one gone or confidential) and
    move the totals by the difference."""
    ids = sorted(set(meeting_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic(using=using, savepoint=False):
            _lock(batch, using)
            facts = facts_of_meetings(batch, using)
            deleted = _delete(batch, using)
            _insert(facts, using)
            changes = Counter({fact: -n for fact, n in deleted.items()})
            changes.update((kind, key) for _pk, kind, key, *_where in facts)
            _move_totals(changes, using)
            _date_series({key for kind, key in changes if kind == FactKind.SERIES}, using)


def _lock(ids, using):
    """Lock these meetings' rows (PostgreSQL; SQLite writes one transaction at a time),
    in id order: two refreshes of one meeting at once would each delete what the other
    had not committed yet and insert its facts, leaving them twice."""
    meetings = Meeting.objects.using(using).select_for_update().filter(pk__in=ids).order_by("pk")
    list(meetings.values_list("pk", flat=True))


def rebuild(using="default"):
    """Write every public meeting's facts again and count the totals from them."""
    public = Meeting.objects.using(using).public().order_by("pk")
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACTS}")  # noqa: S608 (a constant)
        ids = list(public.values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            _insert(facts_of_meetings(ids[start : start + BATCH], using), using)
        recount_totals(using)


def recount_totals(using="default"):
    """Count the totals again from the facts: after facts were inserted in bulk."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {TOTALS}")  # noqa: S608 (a constant)
        cursor.execute(TOTALS_FROM_FACTS)


def totals(kind, keys=None):
    """{key: meetings} of every public meeting, from the totals (none fallen to zero)."""
    rows = PublicFactTotal.objects.filter(kind=kind, meetings__gt=0)
    if keys is not None:
        rows = rows.filter(key__in=keys)
    return dict(rows.values_list("key", "meetings"))


def facts_of(kind, counted_filters=None, result=None, keys=None):
    """The facts of one kind (of these ``keys``, when given) of the meetings a filter selects: by
    the count table's filters ({lookup: values} on the fact's city, year and track) or by
    the result."""
    rows = PublicFact.objects.filter(kind=kind).order_by()
    if keys is not None:
        rows = rows.filter(key__in=keys)
    if counted_filters is not None:
        rows = rows.filter(**counted_filters)
    if result is not None:
        rows = rows.filter(meeting__in=result.order_by().values("pk"))
    return rows


def facts_beside(kind, facts):
    """The facts of one kind of the meetings that other ``facts`` are of."""
    return facts_of(kind).filter(meeting__in=facts.values("meeting_id"))


def with_fact(kind, keys):
    """A condition on public meetings: those with a fact of ``kind`` among ``keys`` (one
    index lookup, the facts holding public meetings only, as the listing selects)."""
    facts = PublicFact.objects.filter(kind=kind, key__in=[str(key) for key in keys])
    return Q(pk__in=facts.values("meeting_id"))


def counted_by_key(rows):
    """{key: meetings} of a set of facts."""
    return dict(rows.values_list("key").annotate(n=Count("*")).order_by())


def series_totals():
    """{key: (rounds, first date, last date)} of every series with a public round."""
    rows = PublicFactTotal.objects.filter(kind=FactKind.SERIES, meetings__gt=0)
    return {
        key: tuple(row)
        for key, *row in rows.values_list("key", "meetings", "first_date", "last_date")
    }


def series_by_key(rows):
    """{key: (rounds, first date, last date)} of a set of series facts."""
    grouped = rows.values_list("key").annotate(
        n=Count("*"), first=Min("start_date"), last=Max("start_date")
    )
    return {key: (n, first, last) for key, n, first, last in grouped}
