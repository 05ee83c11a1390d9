"""The listing's counts that the count table (PublicMeetingCount) and the fact table
(meetings/public_facts.py) answer without reading the meetings: every count of a result
that only city, country, year and track filter, and of one that one party, two parties
or one organisation filter besides (meetings/counts.py chooses the route)."""

from django.db.models import Count, Sum

from backchannel.parameters import canonical

from . import public_facts
from .facet_rows import named_city_rows, party_counts, party_rows, year_track_totals
from .filter_fields import UNKNOWN_YEAR
from .models import NO_CITY, NO_YEAR, FactKind, PublicMeetingCount

# Results up to this size select their facts by meeting, not by city, year and track.
BY_MEETING_UP_TO = 1000
# The filters PublicMeetingCount can answer, and their lookups on it.
COUNTED_FILTERS = {
    "city": "city__in",
    "country": "city__country__in",
    "year": "year__in",
    "track": "track__in",
}


def table_value(name, value):
    """A filter value as PublicMeetingCount stores it: no year is NO_YEAR there."""
    return NO_YEAR if name == "year" and value == UNKNOWN_YEAR else value


def counted_filters_only(filterset):
    """Whether PublicMeetingCount can answer this filter: no other filter is active."""
    return not any(
        filterset.active(name)
        for name in filterset.filters
        if name not in COUNTED_FILTERS and name != "sort"
    )


def counted(filterset, without=()):
    """The PublicMeetingCount rows the active filters select, but those named in ``without``."""
    return PublicMeetingCount.objects.order_by().filter(**counted_lookups(filterset, without))


def counted_lookups(filterset, without=()):
    """{lookup: values} of the active filters the count table (and the fact table) answer,
    but those named in ``without``."""
    lookups = {}
    for name, lookup in COUNTED_FILTERS.items():
        values = [table_value(name, value) for value in filterset.active(name)]
        if values and name not in without:
            lookups[lookup] = values
    return lookups


def facts_for(filterset, kind, total=None):
    """The facts of one kind (meetings/public_facts.py) of the filter's result: selected by
    their own city, year and track when only those filters are active and the result
    (``total``, when known) is large, else by meeting.

    A city, year and track of 256 meetings: by their columns SQLite walked the city's
    35,000 party facts (44 ms at 100,000 meetings); by meeting, the (city, date) index
    gives the 256 and the facts' meeting index their rows."""
    small = total is not None and total <= BY_MEETING_UP_TO
    if counted_filters_only(filterset) and not small:
        return public_facts.facts_of(kind, counted_filters=counted_lookups(filterset))
    if anchor := anchor_fact(filterset):  # the meetings of the anchor's rows
        return public_facts.facts_beside(kind, anchor_rows(filterset, *anchor))
    return public_facts.facts_of(kind, result=filterset.qs)


def fact_counts(filterset, kind, keys=None, total=None):
    """{key: meetings} of one kind of fact over the filter's result of ``total`` meetings
    (only these keys when given): from the totals when no filter is active."""
    if not filter_key(filterset):
        return public_facts.totals(kind, keys)
    rows = facts_for(filterset, kind, total)
    if keys is not None:
        rows = rows.filter(key__in=keys)
    return public_facts.counted_by_key(rows)


def _grouped(rows, measure, *fields):
    return rows.order_by().values_list(*fields).annotate(n=measure).order_by()


def counts_from_table(filterset):
    """listing_counts from PublicMeetingCount: the same numbers, without reading meetings."""

    def rows(without=()):
        return counted(filterset, without)

    def parties(total):
        return fact_counts(filterset, FactKind.PARTY, total=total)

    return _counts_of_groups(filterset, rows, Sum("meetings"), parties)


def anchor_fact(filterset):
    """(kind, key) of the one fact whose rows, with the count table's filters, select the
    result, or None: ``party`` of one country or two (their pair), or one ``organization``,
    and no other filter but those the count table answers."""
    others = [
        name
        for name in filterset.filters
        if name not in COUNTED_FILTERS and name != "sort" and filterset.active(name)
    ]
    if others == ["party"]:
        codes = sorted({str(code) for code in filterset.active("party")})
        if len(codes) == 1:
            return FactKind.PARTY, codes[0]
        if len(codes) == 2:
            return FactKind.PAIR, public_facts.pair_key(*codes)
    organizations = filterset.active("organization")
    if others == ["organization"] and len(organizations) == 1:
        return FactKind.ORGANIZER, str(organizations[0].pk)
    return None


def anchor_rows(filterset, kind, key, without=()):
    """The rows of the fact ``anchor_fact`` names that the active count-table filters but
    those in ``without`` select: one per meeting of the result."""
    return public_facts.facts_of(kind, counted_lookups(filterset, without), keys=[key])


def anchor_party_lists(filterset, kind, key):
    """[(stored parties, meetings)] of the result ``anchor_fact`` selects, from the lists
    of parties its rows carry: the key index alone (326 lists for ``KP US``, 5 ms)."""
    return _grouped(anchor_rows(filterset, kind, key), Count("*"), "parties")


def counted_source(filterset):
    """(rows, measure) that count the result without reading meetings: the count table's
    rows (each summing ``meetings``) or the anchor fact's (each one meeting), both with a
    city, year and track; None when only the meetings can count it."""
    if counted_filters_only(filterset):
        return counted(filterset), Sum("meetings")
    if anchor := anchor_fact(filterset):
        return anchor_rows(filterset, *anchor), Count("*")
    return None


def counts_from_facts(filterset, kind, key):
    """listing_counts from the rows of the fact that selects the result (``anchor_fact``):
    one row per meeting with its city, year, track and parties, as the count table's
    are groups.

    ``?party=KP&party=US`` at 100,000 meetings on PostgreSQL: the total, year and track
    of its 14,764 meetings 127 ms from the meetings, 12 ms from the pair's facts. Its
    party facet, grouped by the parties the rows carry, reads the key index alone: the
    party facts of those meetings took 56-87 ms (a join or a semi join over 42,688)."""

    def rows(without=()):
        return anchor_rows(filterset, kind, key, without)

    def parties(total):
        if kind == FactKind.PARTY:
            return _parties_beside(key, filterset, total)
        return party_counts(anchor_party_lists(filterset, kind, key))

    return _counts_of_groups(filterset, rows, Count("*"), parties)


def _parties_beside(code, filterset, total):
    """{party: meetings} of one party's meetings: its pairs with each other party, read by
    key (``?party=KP``: 25 ms, where the party facts of its 35,710 meetings took 72; on
    SQLite 10 ms, where grouping their rows by parties took 18)."""
    others = public_facts.totals(FactKind.PARTY).keys() - {code}
    pairs = {public_facts.pair_key(*sorted((code, other))): other for other in others}
    rows = public_facts.facts_of(FactKind.PAIR, counted_lookups(filterset), keys=list(pairs))
    beside = {pairs[pair]: n for pair, n in public_facts.counted_by_key(rows).items()}
    return ({code: total} if total else {}) | beside


def _counts_of_groups(filterset, rows, measure, parties):
    """listing_counts from rows of (city, year, track) that filter like the count table's
    (``rows(without)``: those the active filters but ``without`` select), each counting
    ``measure`` meetings; ``parties(total)`` gives the party facet's {code: meetings}.

    One GROUP BY year, track over the rows the other filters select gives the
    total (both filters applied in Python), the year facet (the track filter
    only) and the track facet (the year filter only); another gives the cities.
    """
    years_on = {table_value("year", year) for year in filterset.active("year")}
    tracks_on = set(filterset.active("track"))
    groups = list(_grouped(rows(without={"year", "track"}), measure, "year", "track"))

    def kept(by_year, by_track):
        return [
            (year, track, n)
            for year, track, n in groups
            if (not by_year or not years_on or year in years_on)
            and (not by_track or not tracks_on or track in tracks_on)
        ]

    total = year_track_totals(kept(True, True))[0]
    years = year_track_totals(kept(False, True))[1]
    tracks = year_track_totals(kept(True, False))[2]
    cities = _grouped(rows(without={"city"}).exclude(city=NO_CITY), measure, "city")
    city_rows = named_city_rows({city: n for city, n in cities if n})
    rows = {"city": city_rows, "year": years, "track": tracks, "party": party_rows(parties(total))}
    return {"total": total, "rows": rows}


def filter_key(filterset):
    """The cleaned filter values (not the sort or page), written canonically: a cache key part."""
    key = {}
    for name in filterset.filters:
        if name == "sort":
            continue
        values = sorted({canonical(value) for value in filterset.active(name)})
        if values:
            key[name] = values
    return key
