"""meetings/facets.py: facet links, chips, the year chart and the form's lists, from the
public cache while nothing changes."""

import datetime
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from meetings.derived import after_bulk_write
from meetings.facets import (
    CHART_BAR_WIDTH,
    CHART_HEIGHT,
    CHART_MAX_BARS,
    FACET_LIMIT,
    link_query,
    query_with,
    year_chart,
)
from meetings.models import City, Meeting, Visibility
from meetings.populate import populate
from tests.factories import make_city, make_meeting
from tests.pages import data_total, elements, facet_links, row_titles

pytestmark = pytest.mark.django_db


def listing(client, query=""):
    response = client.get(f"/meetings/{query}")
    assert response.status_code == 200
    return response


def queries_for(client, query=""):
    with CaptureQueriesContext(connection) as captured:
        listing(client, query)
    return len(captured)


def city_counts(response):
    return {item.label: item.count for item in response.context["facets"]["city"]}


@pytest.fixture
def geneva():
    city = make_city(name="Geneva", slug="geneva", country="CH")
    make_meeting(city=city, start_date=datetime.date(2017, 3, 1))
    return city


@pytest.mark.parametrize("query", ["", "?city=geneva", "?year=2017&track=2"])
def test_a_new_meeting_counts_right_after_it_is_saved(client, geneva, query):
    before = listing(client, query).context["total"]
    listing(client, query)  # warm
    make_meeting(city=geneva, start_date=datetime.date(2017, 6, 1), parties=[])
    after = listing(client, query)
    if query == "?year=2017&track=2":  # no participants: no track, so not counted there
        assert after.context["total"] == before
    else:
        assert after.context["total"] == before + 1
        assert city_counts(after)["Geneva"] == 2


def test_a_meeting_made_confidential_leaves_every_cached_count(client, geneva):
    secret_city = make_city(name="Pyongyang", slug="pyongyang", country="KP")
    meeting = make_meeting(
        city=secret_city, start_date=datetime.date(1999, 1, 1), title="Later secret"
    )
    for query in ("", "?city=pyongyang", "?year=1999", "?q=secret"):
        assert listing(client, query).context["total"] == (1 if query else 2)
    meeting.visibility = Visibility.CONFIDENTIAL
    meeting.save()
    unfiltered = listing(client)
    assert unfiltered.context["total"] == 1
    assert "Pyongyang" not in city_counts(unfiltered)
    assert 1999 not in [bar["year"] for bar in unfiltered.context["chart"]["bars"]]
    assert "1999" not in [item.value for item in unfiltered.context["facets"]["year"]]
    assert 'value="KP"' not in unfiltered.context["options"]["country"]
    assert 'value="CH"' in unfiltered.context["options"]["country"]
    cities = client.get("/meetings/cities/").content.decode()
    assert "Pyongyang" not in cities and "Geneva" in cities
    body = unfiltered.content.decode()
    assert "Later secret" not in body and "Pyongyang" not in body
    # The city is no longer a public value at all, and the search finds nothing.
    assert client.get("/meetings/?city=pyongyang").status_code == 400
    assert listing(client, "?q=secret").context["total"] == 0
    assert listing(client, "?year=1999").context["total"] == 0


def test_a_participants_withheld_change_reaches_cached_counts(client, geneva):
    meeting = make_meeting(city=geneva, start_date=datetime.date(2018, 1, 1))
    assert listing(client).context["total"] == 2
    meeting.visibility = Visibility.PARTICIPANTS_WITHHELD
    meeting.save()
    assert listing(client).context["total"] == 2  # still public
    meeting.visibility = Visibility.CONFIDENTIAL
    meeting.save()
    assert listing(client).context["total"] == 1


@pytest.mark.parametrize("query", ["", "?city=geneva&year=2017", "?q=meeting"])
def test_a_warm_cache_saves_queries(client, geneva, query):
    cold = queries_for(client, query)
    warm = queries_for(client, query)
    assert warm <= cold - 4  # total, three facets (and the form's choices)


def test_equal_filters_in_another_order_share_the_cached_counts(client, geneva):
    cold = queries_for(client, "?year=2017&city=geneva")
    assert queries_for(client, "?city=geneva&year=2017") <= cold - 4


def test_no_caching_when_turned_off(client, geneva, settings):
    settings.MEETINGS_CACHE_SECONDS = 0
    cold = queries_for(client)
    assert queries_for(client) == cold


def test_the_sort_and_page_share_the_cached_counts(client, geneva):
    cold = queries_for(client)
    assert queries_for(client, "?sort=date") <= cold - 4
    assert queries_for(client, "?page=1") <= cold - 4


def test_the_facets_form_and_cities_page_escape_names_and_mark_the_selection(client):
    city = make_city(name='Bad <b>"name"</b> & co', slug="bad-name", country="CH")
    make_meeting(city=city, start_date=datetime.date(2016, 1, 1))
    html = listing(client, "?city=bad-name&year=2016").content.decode()
    escaped = "Bad &lt;b&gt;&quot;name&quot;&lt;/b&gt; &amp; co"
    assert f'aria-label="Remove filter {escaped} 1 meeting">{escaped} <span' in html
    assert '<input type="hidden" name="city" value="bad-name">' in html
    assert '<input type="hidden" name="year" value="2016">' in html
    assert '<option value="CH">Switzerland</option>' in html
    assert (
        '<option value="CH" selected>Switzerland</option>'
        in listing(client, "?country=CH").content.decode()
    )
    cities = client.get("/meetings/cities/?city=bad-name").content.decode()
    assert f'aria-label="Remove filter {escaped}, Switzerland 1 meeting">' in cities
    assert "<b>" not in cities


def test_year_chart_fills_gap_years_with_empty_bars():
    chart = year_chart([("2019", "2019", 2), ("2016", "2016", 4)], set())
    assert [(bar["year"], bar["count"], bar["height"]) for bar in chart["bars"]] == [
        (2016, 4, CHART_HEIGHT),
        (2017, 0, 0),
        (2018, 0, 0),
        (2019, 2, CHART_HEIGHT // 2),
    ]
    assert (chart["first"], chart["last"], chart["peak"], chart["total"]) == (2016, 2019, 4, 6)


def test_year_chart_keeps_only_selected_years():
    rows = [("2019", "2019", 2), ("2017", "2017", 1), ("2016", "2016", 4)]
    chart = year_chart(rows, {2017, 2019})
    assert [(bar["year"], bar["count"]) for bar in chart["bars"]] == [
        (2017, 1),
        (2018, 0),
        (2019, 2),
    ]


def test_year_chart_without_dated_meetings_is_none():
    assert year_chart([], set()) is None


def test_year_chart_groups_decades_past_its_bar_limit():
    rows = [("2031", "2031", 4), ("1955", "1955", 1), ("1950", "1950", 2)]
    chart = year_chart(rows, set())
    assert chart["unit"] == "decade"
    assert [(bar["name"], bar["count"]) for bar in chart["bars"]] == [
        ("1950s", 3),
        ("1960s", 0),
        ("1970s", 0),
        ("1980s", 0),
        ("1990s", 0),
        ("2000s", 0),
        ("2010s", 0),
        ("2020s", 0),
        ("2030s", 4),
    ]
    assert (chart["first"], chart["last"], chart["peak"], chart["total"]) == (1950, 2031, 4, 7)


def test_year_chart_keeps_a_bar_per_year_up_to_its_limit():
    chart = year_chart([("2026", "2026", 1), ("1947", "1947", 1)], set())
    assert (chart["unit"], len(chart["bars"])) == ("year", CHART_MAX_BARS)


def test_year_chart_of_ten_thousand_years_stays_small():
    chart = year_chart([("9999", "9999", 1), ("2017", "2017", 5), ("1", "1", 1)], set())
    assert [(bar["name"], bar["count"]) for bar in chart["bars"] if bar["count"]] == [
        ("0–999", 1),
        ("2000–2999", 5),
        ("9000–9999", 1),
    ]
    assert len(chart["bars"]) == 10
    assert chart["width"] <= CHART_MAX_BARS * CHART_BAR_WIDTH


def test_listing_offers_no_year_or_city_only_confidential_meetings_have(client):
    """The year and city facets and the cities page offer only what public meetings use."""
    public_city, secret_city = make_city(slug="lisbon"), make_city(slug="hidden-city")
    make_meeting(city=public_city, start_date=datetime.date(2017, 10, 1))
    make_meeting(
        city=secret_city,
        start_date=datetime.date(1999, 5, 1),
        visibility=Visibility.CONFIDENTIAL,
    )
    was_public = make_meeting(start_date=datetime.date(1998, 1, 1))
    was_public.visibility = Visibility.CONFIDENTIAL
    was_public.save()
    for query in ("", "?year=2017", "?country=DE"):
        html = client.get(f"/meetings/{query}").content.decode()
        assert "2017" in html and "lisbon" in html
        assert "1999" not in html and "1998" not in html and "hidden-city" not in html
        cities = client.get(f"/meetings/cities/{query}").content.decode()
        assert "lisbon" in cities and "hidden-city" not in cities


PAGE_BYTES, PAGE_ELEMENTS = 60_000, 1_000  # the listing's budget (issue 15)


@pytest.fixture
def many_cities():
    """A populated record (people, sides, topics, series) and 320 more cities with a
    public meeting each, written in bulk as an import would: 345 public cities."""
    populate(500, seed=5)
    towns = City.objects.bulk_create(
        City(name=f"Town {n:03}", slug=f"town-{n:03}", country="FR") for n in range(320)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            title=f"Talks in Town {n:03}",
            slug=f"talks-in-town-{n:03}",
            city=town,
            start_date=datetime.date(2001, 1, 1) + datetime.timedelta(days=n),
            date_precision="day",
            parties=["FR"],
            visibility=Visibility.PUBLIC,
        )
        for n, town in enumerate(towns)
    )
    after_bulk_write([meeting.pk for meeting in meetings])
    return City.objects.public().count()


@pytest.mark.parametrize("query", ["", "?track=1.5", "?city=syn5-city-001&city=town-007"])
def test_the_listing_stays_within_its_budget_with_hundreds_of_cities(client, many_cities, query):
    assert many_cities >= 300
    response = listing(client, query)
    html = response.content.decode()
    assert len(response.content) <= PAGE_BYTES, len(response.content)
    assert elements(html) <= PAGE_ELEMENTS, elements(html)
    assert len(row_titles(response)) == 25  # a full page of rows, not an empty result
    # The biggest cities (and the chosen ones) in the facet, a link to every city.
    shown = response.context["facets"]["city"]
    chosen = [item for item in shown if item.selected]
    assert len(shown) - len(chosen) == FACET_LIMIT
    assert 'name="city"' not in html.replace('type="hidden" name="city"', "")  # no list
    cities_url = f"/meetings/cities/{query}"
    assert f'href="{cities_url.replace("&", "&amp;")}"' in html
    assert re.search(r">All \d+ cities</a>", html)


def test_the_cities_page_lists_every_city_with_the_count_its_link_leads_to(client, many_cities):
    response = client.get("/meetings/cities/")
    assert response.status_code == 200
    links = {href: n for href, n in facet_links(response).items() if "city=" in href}
    assert len(links) == many_cities
    assert data_total(response) == listing(client).context["total"]
    town = "/meetings/?city=town-007"
    assert links[town] == 1 == data_total(listing(client, town[len("/meetings/") :]))
    unfiltered = listing(client).content.decode()
    assert f">All {many_cities} cities</a>" in unfiltered
    # Filtered: the cities of the result, each link adding one to the chosen towns.
    chosen = client.get("/meetings/cities/", {"city": "town-007", "year": "2001"})
    links = facet_links(chosen)
    assert town not in links  # chosen: its link removes it
    both = "/meetings/?city=town-007&city=town-008&year=2001"
    assert links[both] == 2 == data_total(listing(client, both[len("/meetings/") :]))


@pytest.mark.parametrize(
    ("query", "name"),
    [("city=nowhere", "city"), ("year=20x", "year"), ("from=2019-02-30", "from")],
)
def test_the_cities_page_refuses_bad_parameters_by_name(client, query, name):
    make_meeting(city=make_city(slug="oslo"), start_date=datetime.date(2019, 1, 1))
    response = client.get(f"/meetings/cities/?{query}")
    assert response.status_code == 400
    assert f"Parameter <code>{name}</code>" in response.content.decode()


def test_the_cities_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for n in range(5):
        make_meeting(city=make_city(slug=f"place-{n}"), start_date=datetime.date(2019, 1, 1))
    # the listing's counts (total with years and tracks, cities and their names, parties)
    # and the cities' countries
    with django_assert_num_queries(5):
        assert client.get("/meetings/cities/").status_code == 200
    for n in range(5, 30):
        make_meeting(city=make_city(slug=f"place-{n}"), start_date=datetime.date(2019, 1, 1))
    with django_assert_num_queries(5):
        assert client.get("/meetings/cities/").status_code == 200


@pytest.mark.parametrize(
    ("query", "name", "values"),
    [
        ("", "city", ["berlin"]),
        ("city=berlin&page=3", "city", []),
        ("year=2015&city=berlin&track=2&page=2", "city", ["berlin", "oslo"]),
        ("q=caf%C3%A9+%26+b%C3%BCro&party=KP", "party", ["KP", "US"]),
        ("page=4", "year", []),
        ("utm=%3Cb%3E&year=unknown", "year", ["unknown", "2015"]),
    ],
)
def test_facet_link_query_is_what_the_querystring_tag_writes(query, name, values):
    """link_query builds the string itself; {% querystring %} of query_with is the rule."""
    params = QueryDict(query)
    tag = Template("{% querystring query %}").render(
        Context({"query": query_with(params, name, values)}, autoescape=False)
    )
    assert link_query(params, name, values) == tag
