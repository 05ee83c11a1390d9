"""What the meeting listing shows around its rows, from the numbers meetings/counts.py
gives: facet links, active-filter chips, the year chart, and the filter form's lists.

A meeting has one city, one year (or none: "date unknown") and one track, so OR-ing
another value into an active facet adds exactly that value's meetings: its link's
target total (``data-count``) is the current total plus its count over the result
without that facet's filter. Parties are ANDed instead (``party=KP&party=US``: talks
between both), so a party link narrows the result to the meetings of the current one
with that party: its target total is its count over the current result.
"""

from dataclasses import dataclass
from operator import itemgetter
from urllib.parse import urlencode

from backchannel.cache import cached_public
from backchannel.countries import country_name
from backchannel.listpage import select_options
from backchannel.parameters import canonical, repeatable

from . import dates
from .counts import cached_listing_counts
from .facet_rows import UNDATED_LABEL
from .filter_fields import UNKNOWN_YEAR
from .models import City, Topic

FACET_LIMIT = 12
# Only the FACET_LIMIT biggest (and the selected); every city is on /meetings/cities/.
LIMITED_FACETS = {"city", "party"}
ANDED_FACETS = {"party"}  # repeated values narrow the result
CHART_BAR_WIDTH = 14
CHART_HEIGHT = 120
CHART_LABEL_SPACE = 18
CHART_MIN_BARS = 20  # keeps one or two bars from filling the whole width
CHART_MAX_BARS = 80  # past this many years, a bar per decade (per century past 800 years)
CHART_UNITS = {1: "year", 10: "decade", 100: "century", 1000: "millennium"}


@dataclass
class FacetItem:
    label: str
    count: int
    selected: bool
    query: str  # its link's query string ("?city=…", or "" for none), encoded
    target_total: int | None  # None on links that remove a value
    value: str = ""


@dataclass
class Chip:
    label: str
    query: object


def listing_results(filterset, params):
    """The total, facets, chips and chart of a valid filter; ``params``: what links carry."""
    counts = cached_listing_counts(filterset)
    total, rows = counts["total"], counts["rows"]
    selected_years = {year for year in filterset.active("year") if year != UNKNOWN_YEAR}
    facets = {name: build_facet(filterset, params, name, total, rows[name]) for name in rows}
    dated = [row for row in rows["year"] if row[0] != UNKNOWN_YEAR]
    if filterset.active("year"):  # only the years chosen, perhaps none ("unknown" alone)
        dated = [row for row in dated if int(row[0]) in selected_years]
    return {
        "total": total,
        "facets": facets,
        # The facet shows the biggest cities; a link to all of them when there are more.
        "more_cities": more_label(len(rows["city"]), len(facets["city"]), "cities"),
        "chips": build_chips(filterset, params),
        "chart": year_chart(dated, selected_years),
        "undated": next((item for item in facets["year"] if item.value == UNKNOWN_YEAR), None),
    }


def all_cities(filterset, params):
    """What /meetings/cities/ shows: every city of the result (without the city filter when
    one is active, as the facet counts), by name with its country, each a facet link."""
    counts = cached_listing_counts(filterset)
    rows = counts["rows"]["city"]
    cities = City.objects.public().filter(slug__in=[slug for slug, _name, _n in rows])
    countries = dict(cities.values_list("slug", "country"))
    labelled = sorted(
        ((slug, city_label(name, countries.get(slug)), n) for slug, name, n in rows),
        key=lambda row: (row[1].casefold(), row[0]),
    )
    return {
        "total": counts["total"],
        "cities": build_facet(filterset, params, "city", counts["total"], labelled, limit=None),
        "chips": build_chips(filterset, params),
    }


def city_label(name, code):
    """'Berlin, Germany', or the name alone for a city without a country."""
    return f"{name}, {country_name(code)}" if code else name


def more_label(count, shown, noun):
    """'All 300 cities' when a facet shows fewer than ``count`` values, else ''."""
    return f"All {count} {noun}" if count > shown else ""


def query_with(params, name, values):
    """A copy of ``params`` with ``name`` set to ``values`` and the page reset."""
    query = params.copy()
    query.setlist(name, values)
    query.pop("page", None)
    if not values:
        query.pop(name)
    return query


def link_query(params, name, values):
    """What ``{% querystring %}`` writes for ``query_with(params, name, values)``: "?…",
    or "" for no parameter. Built from the pairs: the two QueryDict deep copies and the
    tag per link were a sixth of the listing's rendering (75 links)."""
    pairs, placed = [], False
    for key, listed in params.lists():
        if key == name:
            pairs += [(key, value) for value in values]
            placed = True
        elif key != "page":
            pairs += [(key, value) for value in listed]
    if not placed:
        pairs += [(name, value) for value in values]
    return f"?{urlencode(pairs)}" if pairs else ""


def build_facet(filterset, params, name, total, rows, limit=FACET_LIMIT):
    """The facet's items (links) from its GROUP BY ``rows``; ``limit=None``: every row."""
    active = [canonical(value) for value in filterset.active(name)]
    if name in LIMITED_FACETS and limit is not None:  # the selected, then the biggest others
        rows = [row for row in rows if row[0] in active] + [
            row for row in rows if row[0] not in active
        ][:limit]
    items = []
    for value, label, count in rows:
        selected = value in active
        if selected:
            values, target = [v for v in active if v != value], None
        else:
            values, target = [*active, value], _target(name, active, total, count)
        query = link_query(params, name, values)
        items.append(FacetItem(label, count, selected, query, target, value))
    return items


def _target(name, active, total, count):
    """The total of the page a link adding a value with ``count`` meetings leads to."""
    if name in ANDED_FACETS or not active:
        return count  # counted over the current result, which it narrows
    return total + count  # counted over the result without this facet's filter


def chip_label(name, value, filterset):
    if name == "track":
        return f"Track {value}"
    if name == "party":
        return country_name(value)
    if name == "year" and value == UNKNOWN_YEAR:
        return UNDATED_LABEL
    if name == "status":
        return dict(filterset.filters["status"].extra["choices"])[value]
    if name == "country":
        return dict(filterset.form.fields["country"].choices)[value]
    if name in ("person", "with"):
        return value.full_name
    return str(getattr(value, "name", value))


def build_chips(filterset, params):
    """Removable chips, one per active value, each linking to the page without it."""
    chips = []
    for name, filter_ in filterset.filters.items():
        active = filterset.active(name) if repeatable(filter_) else []
        for value in active:
            rest = [canonical(v) for v in active if v != value]
            label = f"{filter_.label}: {chip_label(name, value, filterset)}"
            chips.append(Chip(label, query_with(params, name, rest)))
    for name in ("from", "to"):
        for value in filterset.active(name):
            shown = dates.format_partial_date(value.first_day, value.precision)
            label = f"{filterset.filters[name].label}: {shown}"
            chips.append(Chip(label, query_with(params, name, [])))
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
    bars = chart_bars(counts, step)
    return {
        "bars": bars,
        "path": bars_path(bars),
        "labels": [bar for bar in bars if bar["label"]],
        "unit": CHART_UNITS[step],
        "width": max(len(bars), CHART_MIN_BARS) * CHART_BAR_WIDTH,
        "height": CHART_HEIGHT + CHART_LABEL_SPACE,
        "bar_width": CHART_BAR_WIDTH - 2,
        "label_y": CHART_HEIGHT + CHART_LABEL_SPACE - 4,
        "peak": max(bar["count"] for bar in bars),
        "total": sum(counts.values()),
        "first": first,
        "last": last,
    }


def chart_bars(counts, step):
    """One bar per ``step`` years from the first year of ``counts`` ({year: n}) to the last."""
    per_period = {}
    for year, n in counts.items():
        per_period[year // step * step] = per_period.get(year // step * step, 0) + n
    peak = max(per_period.values())
    starts = range(min(counts) // step * step, max(counts) // step * step + 1, step)
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
    return bars


def bars_path(bars):
    """Every bar as one SVG path ("M0 120v-40h12v40z…"): one element for the whole chart
    (a ``<rect>`` with its ``<title>`` per bar made a quarter of the listing's elements;
    the year facet beside it gives each number, as a link)."""
    width = CHART_BAR_WIDTH - 2
    return "".join(
        f"M{bar['x']} {CHART_HEIGHT}v-{bar['height']}h{width}v{bar['height']}z"
        for bar in bars
        if bar["height"]
    )


def public_filter_choices():
    """{list: ((value, label), …)} of the form's lists: only values public meetings use.
    Cities and years are not among them: their facets link to each (the city facet to
    the biggest, and to /meetings/cities/ for all)."""
    codes = set(City.objects.public().exclude(country="").values_list("country", flat=True))
    lists = {
        "country": sorted(((code, country_name(code)) for code in codes), key=itemgetter(1)),
        "topic": Topic.objects.public().order_by("name").values_list("slug", "name"),
    }
    return {name: tuple(map(tuple, items)) for name, items in lists.items()}


def filter_options(selected):
    """The ``<option>``s of each of the form's lists, the chosen values marked."""
    # Not "filter-choices" (escaped HTML triples) nor "filter-lists" (with every city and
    # year): what older versions stored there (a rolling deploy).
    lists = cached_public(("form-lists",), public_filter_choices)
    return select_options(lists, selected)
