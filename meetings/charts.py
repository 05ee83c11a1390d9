"""What the overview shows from its numbers (meetings/overview.py): the stacked bar chart
of meetings per year by track, and every number as a link to the listing that counts it.

Each link is a ``Link``: its number, the query of the listing it opens (the current
filters with one or two values set) and so the ``data-count`` the page prints, which
equals the ``data-total`` of that listing.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from backchannel.countries import country_name

from .facets import CHART_UNITS, chart_step, period_name
from .overview import TRACK_LABELS, TRACK_ORDER

CHART_BAR_WIDTH = 16
CHART_HEIGHT = 160
CHART_LABEL_SPACE = 18
CHART_MIN_BARS = 16
# Fill colours (presentation attributes: the chart alone carries no stylesheet), told
# apart by lightness as well as hue; every bar also has a text alternative.
TRACK_COLOURS = {"1": "#1f3a5f", "1.5": "#5b8fc7", "2": "#b5cde6", "": "#9aa3ad"}
UNKNOWN = "unknown"  # the listing's year value for undated meetings


@dataclass
class Link:
    count: int
    query: str | None  # the encoded query of the page it opens; None: no page selects it


def link(params, count, **values):
    """A number and the listing of exactly those meetings: ``params`` with ``values`` set."""
    return Link(count, encoded(params, values))


def encoded(params, values):
    """``params`` (a QueryDict) with each of ``values`` ({name: [value]}) set and the page
    left out, URL-encoded as ``QueryDict.urlencode`` would: a page shows hundreds of these
    links, and copying the QueryDict for each took most of its rendering time."""
    pairs, placed = [], set()
    for name, listed in params.lists():
        if name == "page":
            continue
        if name in values:
            listed = values[name]
            placed.add(name)
        pairs += [(name, str(value)) for value in listed]
    for name, listed in values.items():
        if name not in placed:
            pairs += [(name, str(value)) for value in listed]
    return urlencode(pairs)


def year_track_table(groups, params):
    """{"rows": [(label, [Link per track], Link total)], "tracks": [labels]} with a row
    per year that has meetings, then "date unknown"; the columns are the tracks present."""
    tracks = [track for track in TRACK_ORDER if any(g[1] == track for g in groups)]
    by_year = {}
    for year, track, n in groups:
        by_year.setdefault(year, {})[track] = n
    rows = []
    for year in sorted(by_year, key=lambda y: (y is None, y or 0)):
        value = UNKNOWN if year is None else str(year)
        cells = [_track_cell(params, value, track, by_year[year].get(track, 0)) for track in tracks]
        total = link(params, sum(by_year[year].values()), year=[value])
        rows.append(("Date unknown" if year is None else value, cells, total))
    return {"rows": rows, "tracks": [(track, TRACK_LABELS[track]) for track in tracks]}


def undated_link(groups, params):
    """The "date unknown" count beside the chart, linked to its listing (None if none)."""
    n = sum(count for year, _track, count in groups if year is None)
    return link(params, n, year=[UNKNOWN]) if n else None


def _track_cell(params, year, track, n):
    if not n:
        return None
    if not track:  # no listing parameter selects an undetermined track
        return Link(n, None)
    return link(params, n, year=[year], track=[track])


def stacked_chart(groups):
    """The SVG's geometry: a bar per year (or decade…) from the first dated year to the
    last, gaps as empty bars, each bar stacked by track; None when nothing is dated."""
    dated = [(year, track, n) for year, track, n in groups if year is not None]
    if not dated:
        return None
    first, last = min(g[0] for g in dated), max(g[0] for g in dated)
    step = chart_step(first, last)
    periods = {}
    for year, track, n in dated:
        stack = periods.setdefault(year // step * step, {})
        stack[track] = stack.get(track, 0) + n
    peak = max(sum(stack.values()) for stack in periods.values())
    starts = range(first // step * step, last // step * step + 1, step)
    bars = [
        _bar(index, start, step, periods.get(start, {}), peak) for index, start in enumerate(starts)
    ]
    return {
        "bars": bars,
        "unit": CHART_UNITS[step],
        "width": max(len(bars), CHART_MIN_BARS) * CHART_BAR_WIDTH,
        "height": CHART_HEIGHT + CHART_LABEL_SPACE,
        "bar_width": CHART_BAR_WIDTH - 3,
        "label_y": CHART_HEIGHT + CHART_LABEL_SPACE - 4,
        "peak": peak,
        "first": first,
        "last": last,
        "legend": [
            (TRACK_LABELS[track], TRACK_COLOURS[track])
            for track in TRACK_ORDER
            if any(g[1] == track for g in dated)
        ],
    }


def standalone_layout(chart):
    """The chart alone (an SVG file): its size, and the legend below the bars."""
    bars_height = chart["height"] if chart else 30
    legend, x = [], 0
    for label, colour in chart["legend"] if chart else []:
        legend.append((label, colour, x))
        x += 14 + 7 * len(label)
    return {
        "width": max(chart["width"] if chart else 0, x, 560) + 16,
        "height": 50 + bars_height + 46,
        "legend": legend,
        "legend_y": 50 + bars_height + 16,
    }


def _bar(index, start, step, stack, peak):
    """One bar: its segments bottom up, each (track label, count, colour, y, height)."""
    x, top, segments = index * CHART_BAR_WIDTH, CHART_HEIGHT, []
    for track in TRACK_ORDER:
        n = stack.get(track, 0)
        if not n:
            continue
        height = max(1, round(n / peak * CHART_HEIGHT))
        top -= height
        segments.append((TRACK_LABELS[track], n, TRACK_COLOURS[track], top, height))
    total = sum(stack.values())
    parts = ", ".join(f"{label}: {n}" for label, n, *_rest in segments)
    name = period_name(start, step)
    return {
        "name": name,
        "x": x,
        "segments": segments,
        "count": total,
        "title": f"{name}: {total} meeting{'s' if total != 1 else ''}"
        + (f" ({parts})" if parts else ""),
        "label": index % 5 == 0,
    }


def pair_links(pairs, params, active_parties):
    """[(label, Link)] of the pairs of countries, each to the listing of their meetings."""
    rows = []
    for first, second, n in pairs:
        parties = sorted({*active_parties, first, second})
        label = f"{country_name(first)} – {country_name(second)}"
        rows.append((label, link(params, n, party=parties)))
    return rows


def place_links(rows, params, name):
    """[(label, Link)] of cities (``name`` "city") or organisations ("organization")."""
    links = []
    for slug, label, *rest in rows:
        if name == "city" and rest[0]:
            label = f"{label}, {country_name(rest[0])}"
        links.append((label, link(params, rest[-1], **{name: [slug]})))
    return links


def series_links(series, params):
    """[(slug, name, Link of its rounds, first year, last year)]."""
    return [
        (slug, name, link(params, n, series=[slug]), _year(first), _year(last))
        for slug, name, n, first, last in series
    ]


def new_series_links(new_series, filtered):
    """[(year, Link)] of the new series per year: each to the series pages of the series
    first held that year, unless a filter narrows the rounds counted (no series page
    selects "first held that year among these meetings")."""
    rows = []
    for year, started in new_series:
        rows.append((year, Link(len(started), None if filtered else urlencode({"first": year}))))
    return rows


def _year(date):
    return date.year if date else None
