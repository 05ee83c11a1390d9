"""meetings/series_views.py: the public dialogue series and their pages."""

import datetime

import pytest

from meetings.models import Visibility
from tests.factories import (
    make_city,
    make_meeting,
    make_organization,
    make_participation,
    make_person,
    make_quote,
    make_series,
    make_source,
)
from tests.pages import body, data_total

pytestmark = pytest.mark.django_db

LIST = "/series/"


@pytest.fixture
def record():
    convener = make_organization(name="Swedish Institute", slug="swedish-institute")
    series = make_series(
        name="Stockholm channel",
        slug="stockholm-channel",
        convener=convener,
        description="Talks hosted in Stockholm.",
    )
    stockholm = make_city(name="Stockholm", slug="stockholm", country="SE")
    oslo = make_city(name="Oslo", slug="oslo", country="NO")
    later = make_meeting(
        title="Round two",
        series=series,
        city=oslo,
        start_date=datetime.date(2019, 3, 1),
        date_precision="month",
    )
    first = make_meeting(
        title="Round one",
        series=series,
        city=stockholm,
        start_date=datetime.date(2018, 1, 1),
        date_precision="year",
    )
    make_meeting(title="Round undated", series=series, city=stockholm)
    secret_city = make_city(name="Secret City", slug="secret-city")
    make_meeting(
        title="Secret round", series=series, city=secret_city, visibility=Visibility.CONFIDENTIAL
    )
    wit = make_person(full_name="Joel Wit", slug="joel-wit")
    make_participation(first, wit, side="US", capacity="former_official")
    make_participation(first, side="KP", capacity="official")
    make_quote(wit, meeting=first, source=make_source(title="Open report"), text="We talked.")
    hidden = make_person(full_name="Hidden Hal")
    make_participation(later, hidden, side="US", anonymised=True)
    make_quote(hidden, meeting=later, text="Unattributable.")
    only_secret = make_series(name="Secret series", slug="secret-series")
    make_meeting(series=only_secret, visibility=Visibility.CONFIDENTIAL)
    return {"series": series, "convener": convener}


def test_listing_shows_series_with_a_public_round(client, record):
    response = client.get(LIST)
    html = body(response)
    assert [s.name for s in response.context["page_obj"].object_list] == ["Stockholm channel"]
    assert data_total(response) == 1
    assert "3 public rounds, 2018–2019" in html
    assert 'convened by <a href="/organizations/swedish-institute/">Swedish Institute</a>' in html
    assert "Secret series" not in html


def test_listing_search_and_bad_parameters(client, record):
    assert data_total(client.get(LIST, {"q": "hosted stockholm"})) == 1
    assert data_total(client.get(LIST, {"q": "nothing"})) == 0
    response = client.get(LIST, {"q": "a\x00"})
    assert response.status_code == 400
    assert "Parameter <code>q</code>" in body(response)
    assert client.get(LIST, {"page": "x"}).status_code == 400
    assert client.get(LIST, {"page": "2"}).status_code == 404


def test_listing_empty_states_tell_why(client):
    make_meeting(series=make_series(), visibility=Visibility.CONFIDENTIAL)
    html = body(client.get(LIST))
    assert "No series is public yet" in html
    assert "No series matches this search" in body(client.get(LIST, {"q": "x"}))


def test_detail_shows_convener_rounds_by_date_cities_and_quotes(client, record):
    response = client.get("/series/stockholm-channel/")
    assert response.status_code == 200
    html = body(response)
    assert [m.title for m in response.context["rounds"]] == [
        "Round one",
        "Round two",
        "Round undated",
    ]
    assert [c.name for c in response.context["cities"]] == ["Oslo", "Stockholm"]
    assert '<dt>Convener</dt><dd><a href="/organizations/swedish-institute/">' in html
    assert "Talks hosted in Stockholm." in html
    assert "Track 1.5: Track 1 for North Korea, Track 2 for United States" in html
    assert "We talked." in html
    assert '<a href="/people/joel-wit/">Joel Wit</a>, at <a href="/meetings/' in html
    for hidden in ("Secret round", "Secret City", "Unattributable.", "Hidden Hal"):
        assert hidden not in html


def test_private_series_answers_exactly_like_a_missing_one(client, record):
    hidden = client.get("/series/secret-series/")
    missing = client.get("/series/nnnnnn-nnnnnn/")
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.headers) == set(missing.headers)
    assert hidden.content == missing.content


@pytest.mark.parametrize("path", ["a%00b", "a%0Db", "x" * 5000, "%F0%9F%98%80"])
def test_hostile_slugs_answer_404(client, record, path):
    assert client.get(f"/series/{path}/").status_code == 404


def test_only_get_and_head(client, record):
    assert client.head("/series/stockholm-channel/").status_code == 200
    assert client.post("/series/stockholm-channel/").status_code == 405


def test_meeting_listing_links_to_the_series_pages_and_keeps_the_series_filter(client, record):
    response = client.get("/meetings/", {"series": "stockholm-channel"})
    html = body(response)
    assert data_total(response) == 3
    assert 'name="series" value="stockholm-channel"' in html  # kept by the form
    assert 'id="id_series"' not in html  # no list of every series
    assert '<a href="/series/">the series pages</a>' in html
    assert "Series: Stockholm channel" in html  # the chip
    assert client.get("/meetings/", {"series": "secret-series"}).status_code == 400


@pytest.mark.parametrize("rows", [1, 3])
def test_listing_queries_do_not_grow_with_rows(client, settings, django_assert_num_queries, rows):
    settings.SERIES_PAGE_SIZE = 10
    for _ in range(rows):
        series = make_series(convener=make_organization())
        make_meeting(series=series, start_date=datetime.date(2010, 1, 1))
        make_meeting(series=series)
    # count, rows with their rounds and conveners
    with django_assert_num_queries(2):
        assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_detail_queries_do_not_grow_with_rows(client, django_assert_num_queries, rows):
    series = make_series(slug="busy", convener=make_organization())
    for _ in range(rows):
        meeting = make_meeting(series=series, city=make_city())
        person = make_participation(meeting, side="US").person
        make_quote(person, meeting=meeting, source=make_source())
    # series, rounds, cities, quotes, their public sources
    with django_assert_num_queries(5):
        response = client.get("/series/busy/")
    assert response.status_code == 200
    assert len(response.context["quotes"]) == rows


def test_cached_page_goes_when_the_last_public_round_is_unpublished(client, settings):
    settings.MEETINGS_CACHE_SECONDS = 600
    meeting = make_meeting(series=make_series(slug="brief"))
    assert client.get("/series/brief/").status_code == 200
    assert data_total(client.get(LIST)) == 1
    meeting.visibility = Visibility.CONFIDENTIAL
    meeting.save()
    assert client.get("/series/brief/").status_code == 404
    assert data_total(client.get(LIST)) == 0


def test_the_convener_of_a_series_whose_one_round_withholds_participants_is_linked(client):
    """A public series' convener is public through it (``public_organizations``), so
    the pages link it without asking the gate, and the link answers 200."""
    convener = make_organization(name="Quiet Forum", slug="quiet-forum")
    series = make_series(name="Quiet channel", slug="quiet-channel", convener=convener)
    make_meeting(series=series, visibility=Visibility.PARTICIPANTS_WITHHELD)
    link = '<a href="/organizations/quiet-forum/">Quiet Forum</a>'
    assert link in body(client.get(LIST))
    assert link in body(client.get("/series/quiet-channel/"))
    assert client.get("/organizations/quiet-forum/").status_code == 200
