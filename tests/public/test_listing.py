"""The public meeting listing: filters, facets, chips, sorting, pagination."""

import datetime
import re

import pytest
from django.urls import reverse

from meetings.models import Visibility
from tests.factories import (
    make_berlin_meeting,
    make_city,
    make_meeting,
    make_participation,
    make_topic,
)
from tests.public.helpers import body, data_total, facet_links, row_titles

pytestmark = pytest.mark.django_db

LIST = "/meetings/"


def test_listing_url_name():
    assert reverse("meetings:list") == LIST


def test_listing_city_berlin_lists_the_demo_meeting(client, demo):
    response = client.get(LIST, {"city": "berlin"})
    assert response.status_code == 200
    assert row_titles(response) == ["Talks in Berlin", "Undated contact"]
    assert data_total(response) == 2


def test_listing_track_one_and_a_half_lists_the_demo_meeting(client, demo):
    response = client.get(LIST, {"track": "1.5"})
    assert row_titles(response) == ["Talks in Berlin"]
    html = body(response)
    assert "Track 1 for North Korea" in html
    assert "Track 2 for United States" in html


def test_listing_default_is_newest_first_with_undated_last(client, demo):
    response = client.get(LIST)
    assert row_titles(response) == ["Talks in Berlin", "Round in Geneva", "Undated contact"]


def test_listing_oldest_first_still_puts_undated_last(client, demo):
    response = client.get(LIST, {"sort": "date"})
    assert row_titles(response) == ["Round in Geneva", "Talks in Berlin", "Undated contact"]


def test_listing_repeated_city_is_or(client, demo):
    response = client.get(LIST + "?city=berlin&city=geneva")
    assert data_total(response) == 3


def test_listing_year_matches_year_of_start_date_and_never_undated(client, demo):
    assert row_titles(client.get(LIST, {"year": "2017"})) == ["Talks in Berlin"]
    assert row_titles(client.get(LIST + "?year=2016&year=2017")) == [
        "Talks in Berlin",
        "Round in Geneva",
    ]
    assert data_total(client.get(LIST, {"year": "2015"})) == 0


def test_listing_country_is_the_host_city_country(client, demo):
    assert row_titles(client.get(LIST, {"country": "CH"})) == ["Round in Geneva"]
    assert data_total(client.get(LIST + "?country=CH&country=DE")) == 3


def test_listing_topic_series_status_filters(client, demo):
    assert row_titles(client.get(LIST, {"topic": "denuclearisation"})) == ["Talks in Berlin"]
    assert data_total(client.get(LIST, {"series": "berlin-channel"})) == 2
    assert data_total(client.get(LIST, {"status": "held"})) == 0
    assert data_total(client.get(LIST, {"status": "reported"})) == 3


def test_listing_filters_combine_with_and(client, demo):
    response = client.get(LIST, {"city": "berlin", "track": "2"})
    assert row_titles(response) == ["Undated contact"]


def test_listing_person_filter_uses_named_participations_only(client, demo):
    assert row_titles(client.get(LIST, {"person": "joel-wit"})) == [
        "Talks in Berlin",
        "Undated contact",
    ]
    assert row_titles(client.get(LIST, {"person": "choe-son-hui"})) == ["Talks in Berlin"]


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("berlin", ["Talks in Berlin"]),
        ("hotel", ["Talks in Berlin"]),
        ("sidelines", ["Talks in Berlin"]),
        ("Choe Son Hui", ["Talks in Berlin"]),  # other_names
        ("wit", ["Talks in Berlin", "Undated contact"]),
        ("talks hotel", ["Talks in Berlin"]),
        ("talks nowhere", []),
    ],
)
def test_listing_search(client, demo, q, titles):
    assert row_titles(client.get(LIST, {"q": q})) == titles


def test_listing_search_does_not_find_anonymised_names(client, demo):
    undated = demo["undated"]
    hidden = undated.participations.get(anonymised=True).person
    hidden.full_name = "Hidden Zelenko"
    hidden.save()
    assert data_total(client.get(LIST, {"q": "Zelenko"})) == 0


def test_listing_search_matches_summary(client, demo):
    meeting = demo["geneva_meeting"]
    meeting.summary = "Discussed fisheries."
    meeting.save()
    assert row_titles(client.get(LIST, {"q": "fisheries"})) == ["Round in Geneva"]


def test_listing_unknown_parameters_are_ignored(client, demo):
    response = client.get(LIST, {"utm_source": "x", "colour": "<b>"})
    assert response.status_code == 200
    assert data_total(response) == 3


def test_listing_facets_count_the_current_result(client, demo):
    links = facet_links(client.get(LIST))
    assert links == {
        "/meetings/?city=berlin": 2,
        "/meetings/?city=geneva": 1,
        "/meetings/?year=2017": 1,
        "/meetings/?year=2016": 1,
        "/meetings/?track=1.5": 1,
        "/meetings/?track=2": 2,
    }


def test_listing_facet_of_active_filter_offers_or_with_target_total(client, demo):
    links = facet_links(client.get(LIST, {"city": "berlin"}))
    assert links == {
        "/meetings/?city=berlin&city=geneva": 3,
        "/meetings/?city=berlin&year=2017": 1,
        "/meetings/?city=berlin&track=1.5": 1,
        "/meetings/?city=berlin&track=2": 1,
    }


def test_listing_every_facet_count_is_the_target_total(client, demo):
    for query in ["", "?city=berlin", "?track=2", "?year=2016&city=geneva", "?q=talks"]:
        for href, count in facet_links(client.get(LIST + query)).items():
            assert data_total(client.get(href)) == count, href


def test_listing_facets_drop_the_page_parameter(client, settings):
    settings.MEETINGS_PAGE_SIZE = 1
    make_meeting(start_date=datetime.date(2018, 1, 1), city=make_city(slug="oslo"))
    make_meeting(start_date=datetime.date(2019, 1, 1))
    hrefs = facet_links(client.get(LIST, {"page": "2"}))
    assert all("page=" not in href for href in hrefs)


def test_listing_chips_remove_one_value_each(client, demo):
    html = body(client.get(LIST + "?city=berlin&city=geneva&track=2&q=talks"))
    assert 'href="/meetings/?city=geneva&amp;track=2&amp;q=talks"' in html
    assert 'href="/meetings/?city=berlin&amp;track=2&amp;q=talks"' in html
    assert 'href="/meetings/?city=berlin&amp;city=geneva&amp;q=talks"' in html
    assert 'href="/meetings/?city=berlin&amp;city=geneva&amp;track=2"' in html
    assert "City: Berlin" in html
    assert "Track: Track 2" in html
    assert "Search: “talks”" in html


def test_listing_selected_values_stay_selected_in_the_form(client, demo):
    html = body(client.get(LIST + "?city=berlin&track=1.5&year=2017&q=talks"))
    assert '<option value="berlin" selected>' in html
    assert '<option value="2017" selected>' in html
    assert 'name="track" value="1.5" checked' in html
    assert 'name="q" value="talks"' in html


def test_listing_empty_state(client, demo):
    response = client.get(LIST, {"q": "nothing-matches-this"})
    assert response.status_code == 200
    assert data_total(response) == 0
    assert "No meetings match these filters" in body(response)


def test_listing_year_chart_has_bars_and_a_text_table(client, demo):
    html = body(client.get(LIST))
    assert "<svg" in html
    assert "<title>2016: 1 meeting</title>" in html
    assert '<tr><th scope="row">2017</th><td>1</td></tr>' in html


def test_listing_row_shows_withheld_and_unnamed_participants_safely(client, demo):
    html = body(client.get(LIST))
    assert "Participants not disclosed." in html
    assert "an expert, United States" in html  # the unnamed Berlin participant
    assert "an expert, North Korea" in html  # the anonymised one


def test_listing_pagination_keeps_filters(client, settings):
    settings.MEETINGS_PAGE_SIZE = 2
    city = make_city(slug="oslo")
    for year in (2010, 2011, 2012, 2013, 2014):
        make_meeting(city=city, start_date=datetime.date(year, 1, 1))
    make_meeting(start_date=datetime.date(2015, 1, 1))
    first = client.get(LIST, {"city": "oslo"})
    html = body(first)
    assert 'href="?city=oslo&amp;page=2"' in html
    assert data_total(first) == 5
    last = client.get(LIST, {"city": "oslo", "page": "3"})
    assert last.status_code == 200
    assert len(row_titles(last)) == 1
    assert client.get(LIST, {"city": "oslo", "page": "4"}).status_code == 404


def test_listing_links_drop_unknown_parameters(client, settings):
    """Tracking and other unknown parameters are ignored, and not carried on to the
    pagination, facet, chip and export links."""
    settings.MEETINGS_PAGE_SIZE = 1
    city = make_city(slug="oslo")
    make_meeting(city=city, start_date=datetime.date(2010, 1, 1), track_override="2")
    make_meeting(city=city, start_date=datetime.date(2011, 1, 1), track_override="2")
    html = body(client.get(LIST, {"city": "oslo", "utm_source": "news", "fbclid": "x"}))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert 'href="?city=oslo&amp;page=2"' in html
    assert any("year=2010" in href for href in hrefs)  # a facet link
    assert any("export.csv?city=oslo" in href for href in hrefs)
    assert not [href for href in hrefs if "utm_source" in href or "fbclid" in href]


def test_people_pagination_drops_unknown_parameters(client, settings):
    settings.PEOPLE_PAGE_SIZE = 1
    meeting = make_meeting()
    make_participation(meeting)
    make_participation(meeting)
    html = body(client.get("/people/", {"utm_source": "news"}))
    assert 'href="?page=2"' in html
    assert "utm_source" not in html


def test_listing_empty_result_first_page_is_not_404(client):
    assert client.get(LIST).status_code == 200
    assert client.get(LIST, {"page": "2"}).status_code == 404


def test_listing_topic_of_confidential_meeting_is_invalid(client, demo):
    secret = make_topic(slug="secret-topic")
    make_meeting(visibility=Visibility.CONFIDENTIAL).topics.add(secret)
    response = client.get(LIST, {"topic": "secret-topic"})
    assert response.status_code == 400


def test_listing_berlin_factory_meeting_is_one_and_a_half(client):
    make_berlin_meeting(city=make_city(slug="berlin", name="Berlin"))
    assert data_total(client.get(LIST, {"city": "berlin", "track": "1.5"})) == 1


def test_home_shows_counts_and_latest_rows(client, demo):
    html = body(client.get("/"))
    assert 'data-total="3"' in html
    assert "3 public meetings in 2 cities on record." in html
    assert '<a href="/meetings/talks-in-berlin/">Talks in Berlin</a>' in html
