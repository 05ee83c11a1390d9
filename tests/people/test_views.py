"""people/views.py: the people listing and the person page."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Participation, Visibility, public_people
from meetings.populate import populate
from people.filters import affiliating_organizations
from people.models import Affiliation, Organization
from tests.factories import (
    make_meeting,
    make_organization,
    make_participation,
    make_person,
    make_quote,
    make_source,
    seed_meetings,
)
from tests.pages import body, data_total, elements, parse

pytestmark = pytest.mark.django_db


def names(response):
    return [person.full_name for person in response.context["page_obj"].object_list]


def test_people_url_name():
    assert reverse("people:list") == "/people/"


def test_people_lists_only_public_people(client, demo):
    hidden = make_person(full_name="Confidential Carl")
    make_participation(make_meeting(visibility=Visibility.CONFIDENTIAL), hidden)
    withheld = make_person(full_name="Withheld Wilma")
    make_participation(demo["geneva_meeting"], withheld)
    response = client.get("/people/")
    assert response.status_code == 200
    assert "Choe Son-hui" in names(response)
    assert "Joel Wit" in names(response)
    assert "Confidential Carl" not in names(response)
    assert "Withheld Wilma" not in names(response)
    assert data_total(response) == len(names(response))


def test_people_filters(client, demo):
    org = make_organization(name="Institute", slug="institute")
    Affiliation.objects.create(person=demo["wit"], organization=org, role="Fellow")
    assert names(client.get("/people/", {"country": "KP"})) == ["Choe Son-hui"]
    assert names(client.get("/people/", {"organization": "institute"})) == ["Joel Wit"]
    assert names(client.get("/people/", {"q": "Choe Son Hui"})) == ["Choe Son-hui"]
    assert names(client.get("/people/", {"q": "wit"})) == ["Joel Wit"]


def test_people_organization_of_non_public_person_is_invalid(client, demo):
    org = make_organization(slug="hidden-org")
    Affiliation.objects.create(person=make_person(), organization=org)
    assert client.get("/people/", {"organization": "hidden-org"}).status_code == 400


def test_person_page_history_first_last_and_met_with(client, demo):
    later = make_meeting(title="Later talks", start_date=datetime.date(2019, 3, 1))
    make_participation(later, demo["wit"], side="US", capacity="expert")
    make_participation(later, demo["choe"], side="KP", capacity="official")
    response = client.get("/people/joel-wit/")
    html = body(response)
    assert [p.meeting.title for p in response.context["history"]] == [
        "Later talks",
        "Talks in Berlin",
        "Undated contact",
    ]
    assert response.context["first_meeting"].title == "Talks in Berlin"
    assert response.context["last_meeting"].title == "Later talks"
    assert [
        (row["slug"], row["meetings"], row["latest"].title) for row in response.context["met_with"]
    ] == [("choe-son-hui", 2, "Later talks")]
    assert "We listened more than we talked." in html


def test_person_page_hides_confidential_and_anonymised_history(client, demo):
    secret = make_meeting(title="Secret session", visibility=Visibility.CONFIDENTIAL)
    make_participation(secret, demo["wit"])
    anonymous = make_meeting(title="Quiet session")
    make_participation(anonymous, demo["wit"], anonymised=True)
    withheld_partner = make_person(full_name="Withheld Partner")
    make_participation(demo["geneva_meeting"], demo["wit"])
    make_participation(demo["geneva_meeting"], withheld_partner)
    make_quote(demo["wit"], meeting=secret, text="Secret words")
    html = body(client.get("/people/joel-wit/"))
    assert "Secret session" not in html
    assert "Quiet session" not in html
    assert "Round in Geneva" not in html
    assert "Withheld Partner" not in html
    assert "Secret words" not in html


def test_person_page_of_non_public_person_is_404(client):
    person = make_person(slug="only-anonymised")
    make_participation(make_meeting(), person, anonymised=True)
    assert client.get("/people/only-anonymised/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404


def test_person_page_shows_affiliations(client, demo):
    org = make_organization(name="Foreign Ministry", slug="foreign-ministry")
    Affiliation.objects.create(
        person=demo["choe"],
        organization=org,
        role="Vice minister",
        start_date=datetime.date(2016, 1, 1),
    )
    html = body(client.get("/people/choe-son-hui/"))
    assert "Vice minister, " in html
    # Public through its public affiliate: its page is linked.
    assert '<a href="/organizations/foreign-ministry/">Foreign Ministry</a>' in html


def test_every_organisation_a_person_page_links_is_public(client, demo):
    """A public person's organisations are public through them (the gate's third
    reason), so the page links each without asking the gate: even one that organises
    nothing and has no other affiliate answers 200 at the link."""
    org = make_organization(name="Quiet Institute", slug="quiet-institute")
    Affiliation.objects.create(person=demo["choe"], organization=org, role="Fellow")
    html = body(client.get("/people/choe-son-hui/"))
    assert '<a href="/organizations/quiet-institute/">Quiet Institute</a>' in html
    assert client.get("/organizations/quiet-institute/").status_code == 200


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
    # count, rows with meeting stats, affiliations; the form's countries (no organisations)
    with django_assert_num_queries(4):
        assert client.get("/people/").status_code == 200
    chosen = Affiliation.objects.first().organization.slug
    # the chosen organisation (checked public, named on its chip); countries from the cache
    with django_assert_num_queries(4):
        assert client.get("/people/", {"organization": chosen}).status_code == 200


PAGE_BYTES, PAGE_ELEMENTS = 60_000, 1_000  # the listing's budget, as the meetings listing's


@pytest.fixture
def many_organizations():
    """A populated record and 1,500 more organisations, each with a public affiliate."""
    populate(300, seed=5)
    people = list(public_people().order_by("pk")[:300])
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Bureau {n:04}", slug=f"bureau-{n:04}") for n in range(1500)
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=people[n % len(people)], organization=organization)
        for n, organization in enumerate(organizations)
    )
    return affiliating_organizations().count()


@pytest.mark.parametrize("query", ["", "?country=US", "?organization=bureau-0007"])
def test_the_listing_stays_within_its_budget_with_thousands_of_organizations(
    client, settings, many_organizations, query
):
    assert many_organizations >= 1500
    response = client.get(f"/people/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) <= PAGE_BYTES, len(response.content)
    assert elements(html) <= PAGE_ELEMENTS, elements(html)
    shown = {"": settings.PEOPLE_PAGE_SIZE, "?country=US": 12, "?organization=bureau-0007": 1}
    assert len(names(response)) == shown[query]  # rows, not an empty result
    assert "bureau-0100" not in html  # no list of every organisation
    assert 'name="organization"' not in html.replace('type="hidden" name="organization"', "")


def test_chosen_organization_is_a_removable_chip_and_a_hidden_input(client, demo):
    org = make_organization(name="Institute", slug="institute")
    Affiliation.objects.create(person=demo["wit"], organization=org, role="Fellow")
    response = client.get("/people/", {"organization": "institute", "country": "US"})
    html = body(response)
    assert names(response) == ["Joel Wit"]
    assert '<input type="hidden" name="organization" value="institute">' in html
    chips = {chip.label: chip.query.urlencode() for chip in response.context["chips"]}
    assert chips == {
        "Organization: Institute": "country=US",
        "Country: United States": "organization=institute",
    }
    assert 'href="/people/?country=US"' in html
    # The row's affiliation chooses its organisation.
    unfiltered = body(client.get("/people/"))
    assert '<a href="?organization=institute">Institute</a>' in unfiltered
    assert (
        "chip" not in unfiltered.replace('class="chips"', "") or "Remove filter" not in unfiltered
    )


@pytest.mark.parametrize("slug", ["nowhere", "hidden-org"])
def test_people_unknown_or_private_organization_is_400_naming_it(client, demo, slug):
    Affiliation.objects.create(
        person=make_person(), organization=make_organization(slug="hidden-org")
    )
    response = client.get("/people/", {"organization": slug})
    assert response.status_code == 400
    assert [name for name, _message in response.context["errors"]] == ["organization"]


@pytest.mark.parametrize("rows", [1, 3])
def test_person_page_queries_do_not_grow_with_history(
    client, django_assert_num_queries, city, person, rows
):
    seed_meetings(rows, city, person)
    # person, affiliations, history, quotes; met with: the counts, the latest meetings
    with django_assert_num_queries(6):
        assert client.get(person.get_absolute_url()).status_code == 200


def met_with_rows(client, slug):
    return [
        (row["slug"], row["meetings"]) for row in client.get(f"/people/{slug}/").context["met_with"]
    ]


def test_met_with_is_people_named_on_another_side(client, demo):
    colleague = make_person(full_name="Same Side Sam", slug="same-side-sam")
    make_participation(demo["meeting"], colleague, side="US", capacity="expert")
    partner = make_person(full_name="Other Side Olga", slug="other-side-olga", country="KP")
    make_participation(demo["undated"], partner, side="KP", capacity="expert")
    make_participation(demo["meeting"], partner, side="KP", capacity="expert")
    # Olga also sits on the US side once: that meeting still counts as one shared with Wit.
    shared = make_meeting(title="Shared side")
    make_participation(shared, demo["wit"], side="US")
    make_participation(shared, partner, side="US")
    assert met_with_rows(client, "joel-wit") == [("other-side-olga", 3), ("choe-son-hui", 1)]
    assert met_with_rows(client, "same-side-sam") == [("choe-son-hui", 1), ("other-side-olga", 1)]


def test_met_with_counts_are_the_with_listing_totals(client, demo):
    later = make_meeting(title="Later talks", start_date=datetime.date(2019, 3, 1))
    make_participation(later, demo["wit"], side="US")
    make_participation(later, demo["choe"], side="KP", capacity="official")
    response = client.get("/people/choe-son-hui/")
    links = {
        href: int(attributes["data-count"])
        for href, attributes in parse(response).links
        if "data-count" in attributes
    }
    assert links == {"/meetings/?person=choe-son-hui&with=joel-wit": 2}
    for href, count in links.items():
        assert data_total(client.get(href)) == count


def test_met_with_never_shows_anonymised_unnamed_or_hidden_people(client, demo):
    hidden = make_person(full_name="Anonymous Anna", slug="anonymous-anna", country="KP")
    make_participation(demo["meeting"], hidden, side="KP", anonymised=True)
    make_participation(make_meeting(), hidden, side="KP")  # public elsewhere, alone
    withheld = make_person(full_name="Withheld Will", slug="withheld-will", country="KP")
    make_participation(demo["geneva_meeting"], demo["wit"], side="US")
    make_participation(demo["geneva_meeting"], withheld, side="KP")
    confidential = make_meeting(visibility=Visibility.CONFIDENTIAL)
    make_participation(confidential, demo["wit"], side="US")
    make_participation(confidential, hidden, side="KP")
    Participation.objects.create(meeting=demo["meeting"], side="KP", capacity="official")
    response = client.get("/people/joel-wit/")
    assert [row["slug"] for row in response.context["met_with"]] == ["choe-son-hui"]
    assert "Anonymous Anna" not in body(response)
    assert "anonymous-anna" not in body(response)
    assert met_with_rows(client, "anonymous-anna") == []


def test_people_pagination_drops_unknown_parameters(client, settings):
    settings.PEOPLE_PAGE_SIZE = 1
    meeting = make_meeting()
    make_participation(meeting)
    make_participation(meeting)
    html = body(client.get("/people/", {"utm_source": "news"}))
    assert 'href="?page=2"' in html
    assert "utm_source" not in html


@pytest.fixture
def quoted():
    """A person public only through a quote that a public meeting's source reports."""
    source = make_source(title="An article", publisher="A paper")
    make_meeting(title="Cited talks").sources.add(source)
    person = make_person(full_name="Quoted Quincy", slug="quoted-quincy", bio="A former envoy.")
    make_quote(person, source=source, text="We kept talking.")
    institute = make_organization(name="Institute", slug="institute")
    Affiliation.objects.create(person=person, organization=institute, role="Fellow")
    return person


def test_person_public_through_a_quote_only_claims_no_meeting(client, quoted):
    response = client.get("/people/quoted-quincy/")
    assert response.status_code == 200
    html = body(response)
    assert "A former envoy." in html
    assert "We kept talking." in html
    assert "<cite>An article</cite>, A paper" in html
    assert '<a href="/organizations/institute/">Institute</a>' in html
    assert "Meeting history" not in html
    assert "Public meetings" not in html
    assert "Cited talks" not in html


def test_people_listing_shows_quotes_and_bio(client, quoted):
    html = body(client.get("/people/"))
    assert "1 public quote" in html
    assert "“We kept talking.”" in html
    assert "A former envoy." in html
    assert "public meeting" not in html.split('class="people-rows"')[1]


def test_people_empty_states_tell_why(client):
    make_participation(make_meeting(visibility=Visibility.CONFIDENTIAL), make_person())
    html = body(client.get("/people/"))
    assert "Nobody is named publicly yet" in html
    assert "confidential" in html or "discretion" in html
    assert "Nobody matches these filters" not in html
    filtered = body(client.get("/people/", {"q": "nobody"}))
    assert "Nobody matches these filters" in filtered
    assert "Nobody is named publicly yet" not in filtered
