"""The overview's numbers: the shape of a filtered public result, by year and track,
pair of countries, city, organiser and series.

Every number is an aggregate the database computes over the result of the listing's
own filter (``MeetingFilter`` over ``Meeting.objects.public()``), so each equals the
total of the listing it links to. Years, tracks and cities come from the public count
table when only the filters it can answer are active (as the listing's counts do);
pairs of parties, organisers and series from the fact table (meetings/public_facts.py):
its totals when no filter is active, else its rows of the result. Python only ranks the
groups, never walks the meetings.
"""

from django.db.models import Count

from backchannel.cache import cached_public
from people.models import Organization

from . import public_facts
from .counts import Year
from .facet_rows import offered_year, pair_counts
from .models import (
    NO_CITY,
    NO_YEAR,
    City,
    DialogueSeries,
    FactKind,
    Track,
    public_organizers,
)
from .table_counts import (
    anchor_fact,
    anchor_party_lists,
    counted_source,
    fact_counts,
    facts_for,
    filter_key,
)

TOP_PAIRS = 15
TOP_PLACES = 15  # cities and organisers
TOP_SERIES = 25
NAMED_BY_ID = 200  # series looked up by their ids; more are read all at once
# Tracks from the bottom of a stacked bar up; "" is a track no rule or source gives yet.
TRACK_ORDER = ("1", "1.5", "2", "")


def cached_overview(filterset):
    """``overview_numbers`` of a valid public filter, from the public cache."""
    return cached_public(("overview", filter_key(filterset)), lambda: overview_numbers(filterset))


def overview_numbers(filterset):
    """Everything the overview counts: plain data (a cache value)."""
    groups = year_track_groups(filterset)
    total = sum(n for _year, _track, n in groups)
    series = series_rows(filterset, total)
    return {
        "total": total,
        "groups": groups,
        "pairs": party_pairs(filterset, total),
        "cities": city_rows(filterset),
        "organizers": organizer_rows(filterset, total),
        "series": series[:TOP_SERIES],
        "series_count": len(series),
        "new_series": new_series_per_year(series),
    }


def year_track_groups(filterset):
    """[(year or None, track, meetings)] of the result: None for "date unknown"; years no
    date can have are left out of the groups but not of the total."""
    if source := counted_source(filterset):
        counted_rows, measure = source
        rows = counted_rows.values_list("year", "track").annotate(n=measure).order_by()
    else:
        rows = (
            filterset.qs.order_by()
            .annotate(year=Year("start_date"))
            .values_list("year", "track")
            .annotate(n=Count("pk"))
            .order_by()
        )
    groups = {}
    for year, track, n in rows:
        key = (None if year in (None, NO_YEAR) else year, track or "")
        groups[key] = groups.get(key, 0) + (n or 0)
    return sorted(
        ((year, track, n) for (year, track), n in groups.items() if n),
        key=lambda group: (group[0] is None, group[0] or 0, TRACK_ORDER.index(group[1])),
    )


def party_pairs(filterset, total=None):
    """[(code, code, meetings)] of the pairs of sides that sat together most often. When
    one fact selects the result (``anchor_fact``), from its rows' lists of parties: the
    pair facts of ``?party=KP&party=US``'s 14,764 meetings took 57 ms, the 326 lists
    their rows carry 5 (PostgreSQL, 100,000 meetings)."""
    if anchor := anchor_fact(filterset):
        counts = pair_counts(anchor_party_lists(filterset, *anchor))
    else:
        counts = fact_counts(filterset, FactKind.PAIR, total=total)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(*key.split(" "), n) for key, n in ranked[:TOP_PAIRS]]


def leaders(counts, places=TOP_PLACES):
    """The keys of {key: count} that can be among the first ``places`` once ties are
    broken by name: those counting at least as many as the last place."""
    if not counts:
        return []
    least = sorted(counts.values(), reverse=True)[:places][-1]
    return [key for key, n in counts.items() if n >= least]


def city_rows(filterset):
    """[(slug, name, country code, meetings)] of the cities that host most: grouped by
    city id (from the count table or the anchor fact's rows when they can answer the
    filter), then the leaders named."""
    if source := counted_source(filterset):
        counted_rows, measure = source
        rows = counted_rows.exclude(city=NO_CITY).values_list("city").annotate(n=measure)
    else:
        rows = filterset.qs.exclude(city=None).order_by().values_list("city")
        rows = rows.annotate(n=Count("pk"))
    counts = {city: n for city, n in rows.order_by() if n}
    named = City.objects.public().filter(pk__in=leaders(counts))  # the gate names them
    ranked = sorted(
        (-counts[pk], name, slug, str(code or ""))
        for pk, slug, name, code in named.values_list("pk", "slug", "name", "country")
    )
    return [(slug, name, code, -negative) for negative, name, slug, code in ranked[:TOP_PLACES]]


def organizer_rows(filterset, total=None):
    """[(slug, name, meetings)] of the organisations that organise most: in any role, or
    as the convener of the meeting's series (as ``organization=`` selects them), each
    meeting once. With the organisation filter on, only the chosen organisations: a
    meeting another one also organised is in the result, but no listing selects "this
    one and one of those"."""
    chosen = [str(value.pk) for value in filterset.active("organization")]
    counts = fact_counts(filterset, FactKind.ORGANIZER, keys=chosen or None, total=total)
    leading = Organization.objects.filter(pk__in=[int(key) for key in leaders(counts)])
    named = public_organizers(leading)  # the gate names them, whatever the facts say
    rows = named.values_list("pk", "slug", "name")
    ranked = sorted((-counts[str(pk)], name, slug) for pk, slug, name in rows)
    return [(slug, name, -negative) for negative, name, slug in ranked[:TOP_PLACES]]


def series_rows(filterset, total=None):
    """[(slug, name, rounds, first date, last date)] of every series in the result, the
    most rounds first; the dates None when no round of it is dated."""
    if filter_key(filterset):
        rounds = public_facts.series_by_key(facts_for(filterset, FactKind.SERIES, total))
    else:
        rounds = public_facts.series_totals()
    named = DialogueSeries.objects.public()  # the gate names them, whatever the facts say
    if len(rounds) <= NAMED_BY_ID:  # else reading them all is cheaper than a long IN list
        named = named.filter(pk__in=[int(key) for key in rounds])
    ranked = sorted(
        (-rounds[str(pk)][0], name, slug, rounds[str(pk)][1:])
        for pk, slug, name in named.values_list("pk", "slug", "name")
        if str(pk) in rounds
    )
    return [(slug, name, -negative, *dates) for negative, name, slug, dates in ranked]


def new_series_per_year(series):
    """[(year, [(slug, name)])]: the series whose first known round falls in each year
    (the monitor's "inaugural" count), oldest year first."""
    years = {}
    for slug, name, _rounds, first, _last in series:
        if first is not None and offered_year(first.year):
            years.setdefault(first.year, []).append((slug, name))
    return [(year, sorted(years[year], key=lambda item: item[1])) for year in sorted(years)]


TRACK_LABELS = dict(Track.choices) | {"": "Track not determined"}
