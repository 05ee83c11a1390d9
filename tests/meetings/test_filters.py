"""The meeting listing's filters (meetings/filters.py), through the page: each parameter, OR within
one, AND between them, the sort and the search."""

import pytest

from meetings.models import Visibility
from tests.factories import (
    make_berlin_meeting,
    make_city,
    make_meeting,
    make_participation,
    make_person,
    make_topic,
)
from tests.pages import body, data_total, row_titles

pytestmark = pytest.mark.django_db

LIST = "/meetings/"


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


def test_listing_with_narrows_person_to_meetings_naming_both(client, demo):
    assert row_titles(client.get(LIST + "?person=joel-wit&with=choe-son-hui")) == [
        "Talks in Berlin"
    ]
    # person repeated still ORs; with= then keeps the meetings naming its person too
    other = make_person(full_name="Kim Other", slug="kim-other")
    make_participation(demo["undated"], other, side="KP")
    assert row_titles(client.get(LIST + "?person=choe-son-hui&person=kim-other")) == [
        "Talks in Berlin",
        "Undated contact",
    ]
    assert row_titles(client.get(LIST + "?person=choe-son-hui&person=kim-other&with=joel-wit")) == [
        "Talks in Berlin",
        "Undated contact",
    ]
    assert data_total(client.get(LIST + "?person=joel-wit&with=choe-son-hui&with=kim-other")) == 0


def test_listing_with_reads_named_participations_only(client, demo):
    hidden = make_person(full_name="Hidden Hal", slug="hidden-hal")
    make_participation(demo["meeting"], hidden, side="KP", anonymised=True)
    make_participation(make_meeting(), hidden)  # public elsewhere
    assert data_total(client.get(LIST + "?person=joel-wit&with=hidden-hal")) == 0


@pytest.mark.parametrize(
    "query",
    [
        "?with=joel-wit",  # no person
        "?person=joel-wit&with=nobody",
        "?person=joel-wit&with=",
        "?person=joel-wit&with=%00",
        "?person=joel-wit&with=confidential-carl",
    ],
)
def test_listing_bad_with_is_a_400_naming_it(client, demo, query):
    carl = make_person(slug="confidential-carl")
    make_participation(make_meeting(visibility=Visibility.CONFIDENTIAL), carl)
    response = client.get(LIST + query)
    assert response.status_code == 400
    assert "<code>with</code>" in body(response)


def test_listing_with_has_a_chip_removing_it(client, demo):
    response = client.get(LIST + "?person=joel-wit&with=choe-son-hui")
    html = body(response)
    assert "With: Choe Son-hui" in html
    assert 'href="/meetings/?person=joel-wit"' in html


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


def test_listing_topic_of_confidential_meeting_is_invalid(client, demo):
    secret = make_topic(slug="secret-topic")
    make_meeting(visibility=Visibility.CONFIDENTIAL).topics.add(secret)
    response = client.get(LIST, {"topic": "secret-topic"})
    assert response.status_code == 400


def test_listing_berlin_factory_meeting_is_one_and_a_half(client):
    make_berlin_meeting(city=make_city(slug="berlin", name="Berlin"))
    assert data_total(client.get(LIST, {"city": "berlin", "track": "1.5"})) == 1
