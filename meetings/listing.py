"""What the meeting listing shows around its rows: facets, active-filter chips, the year chart.

Each facet is one GROUP BY over the filtered result. A meeting has one city, one
year and one track, so OR-ing another value into an active facet adds exactly
that value's meetings: its link's target total is the current total plus its
count over the result without that facet's filter.

When only city, country, year and track filter the result, every count comes
from ``PublicMeetingCount`` (a few thousand rows the database keeps up to date)
instead of from the meetings themselves.
"""

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from backchannel.records import FIRST_DATE, LAST_STORED_DATE

from .models import NO_CITY, City, PublicMeetingCount, Track

FACET_LIMIT = 12
CHART_BAR_WIDTH = 14
CHART_HEIGHT = 120
CHART_LABEL_SPACE = 18
CHART_MIN_BARS = 20  # keeps one or two bars from filling the whole width
CHART_MAX_BARS = 80  # past this many years, a bar per decade (per century past 800 years)
CHART_UNITS = {1: "year", 10: "decade", 100: "century", 1000: "millennium"}
# The years the listing offers (facet, year list, chart): those the database can hold.
# A meeting planted outside them by raw SQL is still listed and counted in the total,
# but its year is offered nowhere.
FIRST_YEAR, LAST_YEAR = FIRST_DATE.year, LAST_STORED_DATE.year
REPEATED_PARAMETERS = ("city", "country", "year", "track", "topic", "person", "series", "status")
# The filters PublicMeetingCount can answer, and their lookups on it.
COUNTED_FILTERS = {
    "city": "city__in",
    "country": "city__country__in",
    "year": "year__in",
    "track": "track__in",
}


@dataclass
class FacetItem:
    label: str
    count: int
    selected: bool
    query: object  # the QueryDict its link goes to
    target_total: int | None  # None on links that remove a value


@dataclass
class Chip:
    label: str
    query: object


def canonical(value):
    """How a cleaned filter value is written in a URL."""
    return str(getattr(value, "slug", value))


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
    return _named_city_rows(counts)


def _named_city_rows(counts):
    """[(slug, name, count)] of {city id: count}, the biggest first."""
    cities = City.objects.filter(pk__in=counts).only("slug", "name")
    rows = sorted((-counts[c.pk], c.name, c.slug) for c in cities)
    return [(slug, name, -negative) for negative, name, slug in rows]


def offered_year(year):
    """Whether the listing offers this year (None: undated)."""
    return year is not None and FIRST_YEAR <= year <= LAST_YEAR


def _year_rows(qs):
    rows = (
        qs.exclude(start_date=None)
        .order_by()
        .annotate(year=Year("start_date"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    years = [(row["year"], row["n"]) for row in rows if offered_year(row["year"])]
    return [(str(year), str(year), n) for year, n in years]


def _track_rows(qs):
    labels = dict(Track.choices)
    rows = qs.exclude(track="").order_by().values("track").annotate(n=Count("pk")).order_by("track")
    return [(row["track"], labels[row["track"]], row["n"]) for row in rows]


FACET_ROWS = {"city": _city_rows, "year": _year_rows, "track": _track_rows}


def query_with(params, name, values):
    """A copy of ``params`` with ``name`` set to ``values`` and the page reset."""
    query = params.copy()
    query.setlist(name, values)
    query.pop("page", None)
    if not values:
        query.pop(name)
    return query


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
    return _year_track_totals(rows)


def _year_track_totals(rows):
    """(total, year rows, track rows) from (year, track, count) groups."""
    total, years, tracks = 0, {}, {}
    for year, track, n in rows:
        total += n
        if offered_year(year) and n:
            years[year] = years.get(year, 0) + n
        if track and n:
            tracks[track] = tracks.get(track, 0) + n
    labels = dict(Track.choices)
    year_rows = [(str(year), str(year), years[year]) for year in sorted(years, reverse=True)]
    track_rows = [(track, labels[track], tracks[track]) for track in sorted(tracks)]
    return total, year_rows, track_rows


def listing_counts(filterset):
    """{"total", "rows": {facet: [(value, label, count)]}}, from the count table when it can."""
    if counted_filters_only(filterset):
        return counts_from_table(filterset)
    return counts_from_meetings(filterset)


def counts_from_meetings(filterset):
    """listing_counts by grouping the meetings: the total, the year and the track facets
    come from one query when neither is active; the city facet from another."""
    total, years, tracks = year_track_rows(filterset.qs)
    rows = {
        "city": facet_rows(filterset, "city"),
        "year": facet_rows(filterset, "year") if filterset.active("year") else years,
        "track": facet_rows(filterset, "track") if filterset.active("track") else tracks,
    }
    return {"total": total, "rows": rows}


def counted_filters_only(filterset):
    """Whether PublicMeetingCount can answer this filter: no other filter is active."""
    return not any(
        filterset.active(name)
        for name in filterset.filters
        if name not in COUNTED_FILTERS and name != "sort"
    )


def counted(filterset, without=()):
    """The PublicMeetingCount rows the active filters select, but those named in ``without``."""
    rows = PublicMeetingCount.objects.order_by()
    for name, lookup in COUNTED_FILTERS.items():
        values = filterset.active(name)
        if values and name not in without:
            rows = rows.filter(**{lookup: values})
    return rows


def _summed(rows, *fields):
    return rows.values_list(*fields).annotate(n=Sum("meetings")).order_by()


def counts_from_table(filterset):
    """listing_counts from PublicMeetingCount: the same numbers, without reading meetings.

    One GROUP BY year, track over the rows the other filters select gives the
    total (both filters applied in Python), the year facet (the track filter
    only) and the track facet (the year filter only); another gives the cities.
    """
    years_on, tracks_on = set(filterset.active("year")), set(filterset.active("track"))
    groups = list(_summed(counted(filterset, without={"year", "track"}), "year", "track"))

    def kept(by_year, by_track):
        return [
            (year, track, n)
            for year, track, n in groups
            if (not by_year or not years_on or year in years_on)
            and (not by_track or not tracks_on or track in tracks_on)
        ]

    total = _year_track_totals(kept(True, True))[0]
    years = _year_track_totals(kept(False, True))[1]
    tracks = _year_track_totals(kept(True, False))[2]
    cities = _summed(counted(filterset, without={"city"}).exclude(city=NO_CITY), "city")
    city_rows = _named_city_rows({city: n for city, n in cities if n})
    return {"total": total, "rows": {"city": city_rows, "year": years, "track": tracks}}


def public_years():
    """The years of public meetings the listing offers, newest first."""
    rows = PublicMeetingCount.objects.filter(
        meetings__gt=0, year__gte=FIRST_YEAR, year__lte=LAST_YEAR
    )
    return [str(year) for year in rows.order_by("-year").values_list("year", flat=True).distinct()]


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


def build_facet(filterset, params, name, total, rows):
    """The facet's items (links) from its GROUP BY ``rows``."""
    active = [canonical(value) for value in filterset.active(name)]
    if name == "city":  # the selected cities, then the biggest others
        rows = [row for row in rows if row[0] in active] + [
            row for row in rows if row[0] not in active
        ][:FACET_LIMIT]
    items = []
    for value, label, count in rows:
        selected = value in active
        if selected:
            values, target = [v for v in active if v != value], None
        else:
            values, target = [*active, value], total + count if active else count
        items.append(FacetItem(label, count, selected, query_with(params, name, values), target))
    return items


def chip_label(name, value, filterset):
    if name == "track":
        return f"Track {value}"
    if name == "status":
        return dict(filterset.filters["status"].extra["choices"])[value]
    if name == "country":
        return dict(filterset.form.fields["country"].choices)[value]
    if name == "person":
        return value.full_name
    return str(getattr(value, "name", value))


def build_chips(filterset, params):
    """Removable chips, one per active value, each linking to the page without it."""
    chips = []
    for name in REPEATED_PARAMETERS:
        active = filterset.active(name)
        for value in active:
            rest = [canonical(v) for v in active if v != value]
            label = f"{filterset.filters[name].label}: {chip_label(name, value, filterset)}"
            chips.append(Chip(label, query_with(params, name, rest)))
    if filterset.active("q"):
        query = query_with(params, "q", [])
        chips.append(Chip(f"Search: “{filterset.form.cleaned_data['q']}”", query))
    return chips


def chart_step(first, last):
    """Years per bar: 1, or 10, 100… until the span from ``first`` to ``last`` fits in
    CHART_MAX_BARS bars, so the chart's width never grows with the span beyond use."""
    step = 1
    while last // step - first // step + 1 > CHART_MAX_BARS:
        step *= 10
    return step


def period_name(start, step):
    """'2017', '1990s' or '1900–1999'."""
    if step == 1:
        return str(start)
    if step == 10:
        return f"{start}s"
    return f"{start}–{start + step - 1}"


def year_chart(rows, selected_years):
    """Bars from the first year in ``rows`` to the last (gaps as empty bars): one per year,
    or per decade (century…) when a bar per year would make more than CHART_MAX_BARS."""
    counts = {int(year): n for year, _label, n in rows}
    if selected_years:
        counts = {year: n for year, n in counts.items() if year in selected_years}
    if not counts:
        return None
    first, last = min(counts), max(counts)
    step = chart_step(first, last)
    per_period = {}
    for year, n in counts.items():
        per_period[year // step * step] = per_period.get(year // step * step, 0) + n
    peak = max(per_period.values())
    starts = range(first // step * step, last // step * step + 1, step)
    bars = []
    for index, start in enumerate(starts):
        n = per_period.get(start, 0)
        height = round(n / peak * CHART_HEIGHT)
        bars.append(
            {
                "year": start,
                "name": period_name(start, step),
                "count": n,
                "x": index * CHART_BAR_WIDTH,
                "y": CHART_HEIGHT - height,
                "height": height,
                "label": index % 5 == 0 or start == starts[-1],
            }
        )
    return {
        "bars": bars,
        "unit": CHART_UNITS[step],
        "width": max(len(bars), CHART_MIN_BARS) * CHART_BAR_WIDTH,
        "height": CHART_HEIGHT + CHART_LABEL_SPACE,
        "bar_width": CHART_BAR_WIDTH - 2,
        "label_y": CHART_HEIGHT + CHART_LABEL_SPACE - 4,
        "peak": peak,
        "total": sum(counts.values()),
        "first": first,
        "last": last,
    }
