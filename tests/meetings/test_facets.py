"""meetings/facets.py: facet links, chips, the year chart and the form's lists, from the
public cache while nothing changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.facets import CHART_BAR_WIDTH, CHART_HEIGHT, CHART_MAX_BARS, year_chart
from meetings.models import (
    Visibility,
)
from tests.factories import make_city, make_meeting

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
