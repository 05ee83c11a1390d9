"""Query-count guards: the public pages cost the same whatever the number of rows."""

import datetime

import pytest

from meetings.models import DialogueSeries, Participation
from people.models import Affiliation
from tests.factories import (
    make_city,
    make_meeting,
    make_organization,
    make_participation,
    make_person,
    make_quote,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db

ROWS = [1, 3, 12]


def seed_meetings(n, city, person):
    """``n`` public meetings in ``city``, each with topics, a named, an anonymised and an
    unnamed participant, all joined by ``person``."""
    topic = make_topic()
    for i in range(n):
        meeting = make_meeting(city=city, start_date=datetime.date(2000 + i, 1, 1))
        meeting.topics.add(topic, make_topic())
        make_participation(meeting, person, side="US")
        make_participation(meeting, side="KP", capacity="official")
        make_participation(meeting, side="KP", anonymised=True)
        Participation.objects.create(meeting=meeting, side="US", capacity="expert")
        meeting.sources.add(make_source())
        make_quote(person, meeting=meeting)


@pytest.fixture
def city():
    return make_city(slug="berlin")


@pytest.fixture
def person():
    person = make_person(slug="joel-wit")
    Affiliation.objects.create(person=person, organization=make_organization(slug="inst"))
    return person


# count with the year and track facets, the city facet and its cities' names, rows,
# participants, topics; form: cities, topics, series (years: the unfiltered year facet's).
LISTING_QUERIES = 9


@pytest.mark.parametrize("rows", ROWS)
def test_listing_queries_do_not_grow_with_rows(
    client, settings, django_assert_num_queries, city, person, rows
):
    settings.MEETINGS_PAGE_SIZE = 10
    seed_meetings(rows, city, person)
    with django_assert_num_queries(LISTING_QUERIES):
        assert client.get("/meetings/").status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_filtered_listing_queries_do_not_grow_with_rows(
    client, django_assert_num_queries, city, person, rows
):
    seed_meetings(rows, city, person)
    # one validation query for each slug parameter, the active year facet over the
    # result without it, and the form's years; the OR'd city facet adds none.
    with django_assert_num_queries(LISTING_QUERIES + 4):
        response = client.get(
            "/meetings/", {"city": "berlin", "person": "joel-wit", "year": "2000"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("page_size", [1, 3, 25])
def test_listing_queries_do_not_grow_with_page_size(
    client, settings, django_assert_num_queries, city, person, page_size
):
    settings.MEETINGS_PAGE_SIZE = page_size
    seed_meetings(12, city, person)
    with django_assert_num_queries(LISTING_QUERIES):
        assert client.get("/meetings/").status_code == 200


# meeting, topics, sources, participations, quotes, their public sources
# (+ other meetings of its series)
@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("in_series", [False, True])
def test_detail_queries_do_not_grow_with_participants(
    client, django_assert_num_queries, city, rows, in_series
):
    series = DialogueSeries.objects.create(name="Series", slug="series") if in_series else None
    for _ in range(rows if in_series else 0):
        make_meeting(series=series)
    meeting = make_meeting(city=city, series=series)
    for _ in range(rows):
        make_participation(meeting, side="US")
        make_participation(meeting, side="KP", anonymised=True)
        meeting.topics.add(make_topic())
        meeting.sources.add(make_source())
    for participation in meeting.participations.exclude(person=None).filter(anonymised=False):
        make_quote(participation.person, meeting=meeting, source=make_source())
    with django_assert_num_queries(7 if in_series else 6):
        assert client.get(meeting.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_people_list_queries_do_not_grow_with_rows(
    client, settings, django_assert_num_queries, city, rows
):
    settings.PEOPLE_PAGE_SIZE = 10
    meeting = make_meeting(city=city)
    for _ in range(rows):
        person = make_person()
        make_participation(meeting, person)
        Affiliation.objects.create(person=person, organization=make_organization())
    # count, rows with meeting stats, affiliations; form: countries, organizations
    with django_assert_num_queries(5):
        assert client.get("/people/").status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_person_page_queries_do_not_grow_with_history(
    client, django_assert_num_queries, city, person, rows
):
    seed_meetings(rows, city, person)
    # person, affiliations, history, quotes, met most often
    with django_assert_num_queries(5):
        assert client.get(person.get_absolute_url()).status_code == 200
