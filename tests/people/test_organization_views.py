"""people/organization_views.py: the public organisations, their pages and their gate."""

import datetime

import pytest

from meetings.models import Visibility
from people.models import Organization, Person
from tests.factories import (
    make_affiliation,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_person,
    make_quote,
    make_series,
    make_source,
)
from tests.pages import body, data_total

pytestmark = pytest.mark.django_db

LIST = "/organizations/"


def names(response):
    return [organization.name for organization in response.context["page_obj"].object_list]


@pytest.fixture
def record():
    """An organisation public in each way, and one private in each way."""
    public = make_meeting(
        title="Open round", slug="open-round", start_date=datetime.date(2017, 1, 1)
    )
    withheld = make_meeting(title="Withheld round", visibility=Visibility.PARTICIPANTS_WITHHELD)
    secret = make_meeting(title="Secret round", visibility=Visibility.CONFIDENTIAL)
    host = make_organization(name="Host House", slug="host-house", kind="think_tank", country="SE")
    make_organizer(public, host, role="host")
    make_organizer(withheld, host, role="funder")
    make_organizer(secret, host, role="convener")
    funder = make_organization(name="Withheld Funder", slug="withheld-funder")
    make_organizer(withheld, funder, role="funder")
    convener = make_organization(name="Series Convener", slug="series-convener", kind="ngo")
    public.series = make_series(name="Open channel", slug="open-channel", convener=convener)
    public.save()
    wit = make_person(full_name="Joel Wit", slug="joel-wit")
    make_participation(public, wit, side="US")
    institute = make_organization(name="Institute", slug="institute", kind="university")
    make_affiliation(wit, organization=institute, role="Fellow")
    quoted = make_person(full_name="Quoted Quinn", slug="quoted-quinn")
    public.sources.add(source := make_source())
    make_quote(quoted, source=source)
    make_affiliation(quoted, organization=institute, role="Professor")
    # Private: organises only a confidential meeting, convenes a series with only
    # confidential rounds, or is the affiliation of people who are not public.
    make_organizer(secret, make_organization(name="Secret Org", slug="secret-org"))
    hidden_series = make_series(convener=make_organization(name="Hidden Convener", slug="hc"))
    make_meeting(series=hidden_series, visibility=Visibility.CONFIDENTIAL)
    anonymous = make_person(full_name="Anonymous Ann")
    make_participation(public, anonymous, side="US", anonymised=True)
    make_affiliation(anonymous, organization=make_organization(name="Anon Org", slug="anon-org"))
    return {"public": public, "secret": secret, "host": host}


def test_listing_shows_public_organizations_only(client, record):
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == ["Host House", "Institute", "Series Convener", "Withheld Funder"]
    assert data_total(response) == 4
    html = body(response)
    for hidden in ("Secret Org", "Hidden Convener", "Anon Org"):
        assert hidden not in html


def test_listing_filters(client, record):
    assert names(client.get(LIST, {"kind": "think_tank"})) == ["Host House"]
    assert names(client.get(LIST, {"country": "SE"})) == ["Host House"]
    assert names(client.get(LIST, {"q": "conv"})) == ["Series Convener"]
    assert names(client.get(LIST, {"kind": ["ngo", "university"]})) == [
        "Institute",
        "Series Convener",
    ]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"kind": "bogus"}, "kind"),
        ({"country": "XX"}, "country"),
        ({"q": "a\x00b"}, "q"),
        ({"kind": ["ngo"] * 51}, "kind"),
        ({"page": "0"}, "page"),
        ({"q": "w " * 11}, "q"),
    ],
)
def test_listing_bad_parameters_answer_400_naming_them(client, record, params, name):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert f"Parameter <code>{name}</code>" in body(response)


def test_listing_page_past_the_end_is_404(client, record):
    assert client.get(LIST, {"page": "2"}).status_code == 404


def test_listing_empty_states_tell_why(client):
    html = body(client.get(LIST))
    assert "No organisation is public yet" in html
    assert "discretion is the point of these talks" in html
    filtered = body(client.get(LIST, {"q": "nothing"}))
    assert "No organisation matches these filters" in filtered
    assert "No organisation is public yet" not in filtered


def test_detail_shows_kind_country_meetings_with_roles_and_series(client, record):
    response = client.get("/organizations/host-house/")
    assert response.status_code == 200
    html = body(response)
    assert "<dd>Think tank</dd>" in html
    assert "<dd>Sweden</dd>" in html
    assert [(m.title, [r for r, _s in roles]) for m, roles in response.context["meetings"]] == [
        ("Open round", ["host"]),
        ("Withheld round", ["funder"]),
    ]
    assert "Secret round" not in html
    convened = client.get("/organizations/series-convener/")
    assert [(m.title, roles) for m, roles in convened.context["meetings"]] == [
        ("Open round", [("convener", record["public"].series)])
    ]
    assert '<a href="/series/open-channel/">Open channel</a>' in body(convened)


@pytest.mark.parametrize("slug", ["host-house", "series-convener"])
def test_detail_links_to_the_listing_of_the_same_meetings(client, record, slug):
    page = client.get(f"/organizations/{slug}/")
    link = f"/meetings/?organization={slug}"
    assert f'<a class="all-meetings" href="{link}">' in body(page)
    assert data_total(client.get(link)) == len(page.context["meetings"])


def test_detail_links_to_the_listing_of_its_public_people(client, record):
    make_affiliation(make_person(full_name="Private Pat"), organization=record["host"])
    wit = Person.objects.get(slug="joel-wit")
    make_affiliation(wit, organization=Organization.objects.get(slug="institute"), role="Chair")
    page = client.get("/organizations/institute/")
    link = "/people/?organization=institute"
    assert f'<a class="all-people" href="{link}" data-count="2">' in body(page)
    assert "Its 2 publicly affiliated people" in body(page)  # Wit twice, Quinn once
    people = client.get(link)
    assert data_total(people) == 2 == page.context["people_count"]
    # No public affiliate, no link (the listing would refuse the organisation).
    assert "all-people" not in body(client.get("/organizations/host-house/"))
    assert client.get("/people/?organization=host-house").status_code == 400


def test_detail_lists_public_affiliates_only(client, record):
    make_affiliation(make_person(full_name="Private Pat"), organization=record["host"])
    response = client.get("/organizations/institute/")
    html = body(response)
    assert [a.person.full_name for a in response.context["affiliations"]] == [
        "Joel Wit",
        "Quoted Quinn",
    ]
    assert '<a href="/people/joel-wit/">Joel Wit</a>, Fellow' in html
    assert "Private Pat" not in body(client.get("/organizations/host-house/"))


@pytest.mark.parametrize("slug", ["secret-org", "hc", "anon-org"])
def test_private_organization_answers_exactly_like_a_missing_one(client, record, slug):
    hidden = client.get(f"/organizations/{slug}/")
    missing = client.get(f"/organizations/{'n' * len(slug)}/")
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.headers) == set(missing.headers)
    assert hidden.content == missing.content


@pytest.mark.parametrize("path", ["a%00b", "a%0Ab", "a%1Fb", "x" * 5000, "%E2%80%AE", "a/b"])
def test_hostile_slugs_answer_404(client, record, path):
    assert client.get(f"/organizations/{path}/").status_code == 404


def test_only_get_and_head(client, record):
    assert client.head("/organizations/host-house/").status_code == 200
    assert client.post("/organizations/host-house/").status_code == 405
    assert client.post(LIST).status_code == 405


@pytest.mark.parametrize("rows", [1, 3])
def test_listing_queries_do_not_grow_with_rows(client, settings, django_assert_num_queries, rows):
    settings.ORGANIZATIONS_PAGE_SIZE = 10
    for _ in range(rows):
        meeting = make_meeting()
        make_organizer(meeting, role="host")
        make_affiliation(make_participation(meeting).person)
    # count, rows with their meeting counts
    with django_assert_num_queries(2):
        assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_detail_queries_do_not_grow_with_rows(client, django_assert_num_queries, rows):
    organization = make_organization(slug="busy")
    series = make_series(convener=organization)
    for _ in range(rows):
        meeting = make_meeting(series=series)
        make_organizer(meeting, organization, role="funder")
        make_organizer(make_meeting(), organization, role="host")
        make_affiliation(make_participation(meeting).person, organization=organization)
    # organisation, its organiser links, its series' rounds, its public affiliates
    with django_assert_num_queries(4):
        response = client.get("/organizations/busy/")
    assert response.status_code == 200
    assert len(response.context["meetings"]) == 2 * rows


def test_cached_page_goes_when_the_organisation_stops_being_public(client, settings):
    settings.MEETINGS_CACHE_SECONDS = 600
    meeting = make_meeting()
    link = make_organizer(meeting, make_organization(slug="brief-host"), role="host")
    assert client.get("/organizations/brief-host/").status_code == 200
    link.delete()
    assert client.get("/organizations/brief-host/").status_code == 404
    assert data_total(client.get(LIST)) == 0
