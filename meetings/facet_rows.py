"""How counted groups become the facets' rows, [(value, label, count)], for every route
of meetings/counts.py and for the overview."""

from collections import Counter
from itertools import combinations

from backchannel.countries import country_name
from backchannel.records import FIRST_DATE, LAST_STORED_DATE

from .filter_fields import UNKNOWN_YEAR
from .models import NO_YEAR, City, Track
from .public_facts import pair_key, party_codes

# The years the listing offers (facet, year list, chart): those the database can hold.
# A meeting planted outside them by raw SQL is still listed and counted in the total,
# but its year is offered nowhere.
FIRST_YEAR, LAST_YEAR = FIRST_DATE.year, LAST_STORED_DATE.year


def named_city_rows(counts):
    """[(slug, name, count)] of {city id: count}, the biggest first: the public cities
    only, through the gate, whatever table the counts came from."""
    cities = City.objects.public().filter(pk__in=counts).values_list("pk", "name", "slug")
    cities = cities.order_by()
    rows = sorted((-counts[pk], name, slug) for pk, name, slug in cities)
    return [(slug, name, -negative) for negative, name, slug in rows]


def offered_year(year):
    """Whether the listing offers this year (None: undated)."""
    return year is not None and FIRST_YEAR <= year <= LAST_YEAR


UNDATED_LABEL = "date unknown"


def year_facet_rows(years):
    """[(value, label, count)] of {year: count}: the offered years, newest first, then the
    undated meetings (None or NO_YEAR) as "date unknown"."""
    undated = years.get(None, 0) + years.get(NO_YEAR, 0)
    rows = [(str(y), str(y), years[y]) for y in sorted(years, key=_year_key) if offered_year(y)]
    rows = [row for row in rows if row[2]]
    return rows + ([(UNKNOWN_YEAR, UNDATED_LABEL, undated)] if undated else [])


def _year_key(year):
    return -(year or 0)


def party_counts(groups):
    """{code: meetings} of a result from its (stored parties, meetings) groups (a few
    hundred): 15-19 ms for ``?q=maritime``, where the party facts of its 10,818
    meetings took 34-42 (PostgreSQL, 100,000 meetings)."""
    counts = Counter()
    for parties, n in groups:
        for code in party_codes(parties):
            counts[code] += n
    return counts


def pair_counts(groups):
    """{"KP US": meetings} of a result from its (stored parties, meetings) groups: each
    list counts for every pair of its parties, as the pair facts do."""
    counts = Counter()
    for parties, n in groups:
        for first, second in combinations(party_codes(parties), 2):
            counts[pair_key(first, second)] += n
    return counts


def party_rows(counts):
    """[(code, country name, count)] of {code: count}, the most frequent first."""
    rows = sorted((-n, country_name(code), code) for code, n in counts.items())
    return [(code, name, -negative) for negative, name, code in rows]


def year_track_totals(rows):
    """(total, year rows, track rows) from (year, track, count) groups."""
    total, years, tracks = 0, {}, {}
    for year, track, n in rows:
        total += n
        years[year] = years.get(year, 0) + n
        if track and n:
            tracks[track] = tracks.get(track, 0) + n
    labels = dict(Track.choices)
    track_rows = [(track, labels[track], tracks[track]) for track in sorted(tracks)]
    return total, year_facet_rows(years), track_rows
