"""The overview's numbers: the shape of a filtered public result, by year and track,
pair of countries, city, organiser and series.

Every number is an aggregate the database computes over the result of the listing's
own filter (``MeetingFilter`` over ``Meeting.objects.public()``), so each equals the
total of the listing it links to. Years and tracks come from the public count table
when only the filters it can answer are active (as the listing's counts do). Python
only walks the groups: the distinct lists of parties, the cities, the organisers and
the series, never the meetings.
"""

from itertools import combinations

from django.db.models import Count, F, Max, Min, Q, Sum

from backchannel.cache import cached_public

from .counts import Year, counted, counted_filters_only, filter_key, offered_year
from .models import NO_CITY, NO_YEAR, MeetingOrganizer, Track

TOP_PAIRS = 15
TOP_PLACES = 15  # cities and organisers
TOP_SERIES = 25
# Tracks from the bottom of a stacked bar up; "" is a track no rule or source gives yet.
TRACK_ORDER = ("1", "1.5", "2", "")


def cached_overview(filterset):
    """``overview_numbers`` of a valid public filter, from the public cache."""
    return cached_public(("overview", filter_key(filterset)), lambda: overview_numbers(filterset))


def overview_numbers(filterset):
    """Everything the overview counts: plain data (a cache value)."""
    groups = year_track_groups(filterset)
    series = series_rows(filterset.qs)
    return {
        "total": sum(n for _year, _track, n in groups),
        "groups": groups,
        "pairs": party_pairs(filterset.qs),
        "cities": city_rows(filterset),
        "organizers": organizer_rows(filterset),
        "series": series[:TOP_SERIES],
        "series_count": len(series),
        "new_series": new_series_per_year(series),
    }


def year_track_groups(filterset):
    """[(year or None, track, meetings)] of the result: None for "date unknown"; years no
    date can have are left out of the groups but not of the total."""
    if counted_filters_only(filterset):
        rows = (
            counted(filterset).values_list("year", "track").annotate(n=Sum("meetings")).order_by()
        )
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


def party_pairs(qs):
    """[(code, code, meetings)] of the pairs of sides that sat together most often: one
    GROUP BY over the lists of parties, each list's pairs added up here (COUNT(*), so
    PostgreSQL can read meeting_parties_idx alone)."""
    lists = qs.order_by().values_list("parties").annotate(n=Count("*")).order_by()
    pairs = {}
    for parties, n in lists:
        codes = sorted(_codes(parties))
        for pair in combinations(codes, 2):
            pairs[pair] = pairs.get(pair, 0) + n
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
    return [(first, second, n) for (first, second), n in ranked[:TOP_PAIRS]]


def _codes(parties):
    """The set of codes of a stored list of parties (the column holds "KP,US")."""
    if isinstance(parties, str):
        parties = parties.split(",")
    return {str(code).strip() for code in parties or [] if str(code).strip()}


def city_rows(filterset):
    """[(slug, name, country code, meetings)] of the cities that host most: from the
    count table when it can answer the filter."""
    if counted_filters_only(filterset):
        rows = (
            counted(filterset)
            .exclude(city=NO_CITY)
            .values_list("city__slug", "city__name", "city__country")
            .annotate(n=Sum("meetings"))
            .filter(n__gt=0)
            .order_by("-n", "city__name", "city__slug")
        )
        return [(slug, name, str(code or ""), n) for slug, name, code, n in rows[:TOP_PLACES]]
    rows = (
        filterset.qs.exclude(city=None)
        .order_by()
        .values_list("city__slug", "city__name", "city__country")
        .annotate(n=Count("pk"))
        .order_by("-n", "city__name", "city__slug")
    )
    return [(slug, name, str(code or ""), n) for slug, name, code, n in rows[:TOP_PLACES]]


def organizer_rows(filterset):
    """[(slug, name, meetings)] of the organisations that organise most: in any role, or
    as the convener of the meeting's series (as ``organization=`` selects them).

    Two GROUP BYs, no subquery per meeting: the organisers' links (with how many of
    those meetings the organisation also convenes through their series, so each
    meeting counts once), then the series' conveners. With the organisation filter
    on, only the chosen organisations: a meeting another one also organised is in the
    result, but no listing selects "this one and one of those"."""
    result = filterset.qs.order_by().values("pk")
    chosen = [value.pk for value in filterset.active("organization")]
    # ``result`` is public already: no second join on the meetings' visibility.
    links = MeetingOrganizer.objects.filter(meeting__in=result).order_by()
    convened = filterset.qs.exclude(series__convener=None).order_by()
    if chosen:
        links = links.filter(organization__in=chosen)
        convened = convened.filter(series__convener__in=chosen)
    totals = {}
    both = Q(organization=F("meeting__series__convener"))
    for slug, name, n, overlap in links.values_list(
        "organization__slug", "organization__name"
    ).annotate(
        n=Count("meeting", distinct=True), overlap=Count("meeting", distinct=True, filter=both)
    ):
        totals[(slug, name)] = n - overlap
    for slug, name, n in convened.values_list(
        "series__convener__slug", "series__convener__name"
    ).annotate(n=Count("pk")):
        totals[(slug, name)] = totals.get((slug, name), 0) + n
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    return [(slug, name, n) for (slug, name), n in ranked[:TOP_PLACES]]


def series_rows(qs):
    """[(slug, name, rounds, first date, last date)] of every series in the result, the
    most rounds first; the dates None when no round of it is dated."""
    rows = (
        qs.exclude(series=None)
        .order_by()
        .values_list("series__slug", "series__name")
        .annotate(n=Count("pk"), first=Min("start_date"), last=Max("start_date"))
        .order_by("-n", "series__name", "series__slug")
    )
    return [tuple(row) for row in rows]


def new_series_per_year(series):
    """[(year, [(slug, name)])]: the series whose first known round falls in each year
    (the monitor's "inaugural" count), oldest year first."""
    years = {}
    for slug, name, _rounds, first, _last in series:
        if first is not None and offered_year(first.year):
            years.setdefault(first.year, []).append((slug, name))
    return [(year, sorted(years[year], key=lambda item: item[1])) for year in sorted(years)]


TRACK_LABELS = dict(Track.choices) | {"": "Track not determined"}
