"""The gate: nothing confidential reaches any public page, export or feed.

Every record that must stay private carries the marker "leakmarker"; the test
crawls the public site from its home page (listing filters, facets, pagination,
detail pages, people, exports, feed, calendar, sitemap) and asserts the marker
never appears, and that every facet's data-count is the data-total of its target.
"""

import datetime

import pytest

from meetings.models import DialogueSeries, Participation, Visibility
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
from tests.leaks.crawler import crawl
from tests.pages import body, parse

pytestmark = pytest.mark.django_db

MARKER = "leakmarker"
CRAWL_DEPTH = 3  # links from links from links of the start pages


def secret(label):
    return f"{MARKER}-{label}"


@pytest.fixture
def site():
    """Public records with private neighbours, each private detail marked."""
    berlin = make_city(name="Berlin", slug="berlin", country="DE")
    geneva = make_city(name="Geneva", slug="geneva", country="CH")
    topic = make_topic(name="Sanctions", slug="sanctions")
    public_person = make_person(
        full_name="Joel Wit", slug="joel-wit", internal_notes=secret("person-notes")
    )
    official = make_person(full_name="Choe Son-hui", slug="choe-son-hui", country="KP")

    # Public meetings, with internal notes and an anonymised participant.
    for year in (2015, 2016, 2017):
        meeting = make_meeting(
            title=f"Talks {year}",
            city=berlin if year != 2016 else geneva,
            start_date=datetime.date(year, 3, 1),
            date_precision="month",
            internal_notes=secret(f"meeting-notes-{year}"),
        )
        meeting.topics.add(topic)
        make_participation(meeting, public_person, side="US", capacity="former_official")
        make_participation(meeting, official, side="KP", capacity="official")
        anonymous = make_person(
            full_name=secret(f"anonymous-name-{year}"),
            slug=secret(f"anonymous-slug-{year}"),
            other_names=secret("anonymous-other-name"),
            bio=secret("anonymous-bio"),
        )
        make_participation(
            meeting,
            anonymous,
            side="US",
            capacity="expert",
            anonymised=True,
            title_at_time=secret("anonymous-title"),
        )
        make_quote(anonymous, meeting=meeting, text=secret("anonymous-quote"))
        Participation.objects.create(meeting=meeting, side="KP", capacity="expert")
    undated = make_meeting(title="Undated talks", city=berlin)
    make_participation(undated, public_person, side="US")
    make_participation(undated, official, side="KP", capacity="official")

    # A meeting whose participants are withheld.
    withheld = make_meeting(
        title="Withheld round",
        city=geneva,
        start_date=datetime.date(2018, 1, 1),
        date_precision="year",
        visibility=Visibility.PARTICIPANTS_WITHHELD,
        internal_notes=secret("withheld-notes"),
    )
    withheld_person = make_person(
        full_name=secret("withheld-name"), slug=secret("withheld-slug"), bio=secret("bio")
    )
    make_participation(withheld, withheld_person, side="US", title_at_time=secret("withheld-title"))
    make_participation(withheld, public_person, side="US", title_at_time=secret("withheld-t2"))
    make_quote(withheld_person, meeting=withheld, text=secret("withheld-quote"))
    make_quote(public_person, meeting=withheld, text=secret("withheld-public-person-quote"))

    # A confidential meeting with its own city, topic, series, source and people.
    confidential_city = make_city(name=secret("City"), slug=secret("city"), country="FI")
    confidential = make_meeting(
        title=secret("confidential-title"),
        slug=secret("confidential-slug"),
        city=confidential_city,
        start_date=datetime.date(1999, 5, 5),
        venue=secret("venue"),
        occasion=secret("occasion"),
        summary=secret("summary"),
        internal_notes=secret("notes"),
        series=DialogueSeries.objects.create(name=secret("series"), slug=secret("series")),
        visibility=Visibility.CONFIDENTIAL,
    )
    confidential.topics.add(make_topic(name=secret("topic"), slug=secret("topic")))
    confidential.sources.add(
        make_source(title=secret("source"), url=f"https://example.org/{MARKER}")
    )
    insider = make_person(full_name=secret("insider"), slug=secret("insider"))
    make_participation(confidential, insider, side="KP", capacity="official")
    make_participation(confidential, public_person, side="US", title_at_time=secret("t3"))
    make_quote(public_person, meeting=confidential, text=secret("confidential-quote"))
    Affiliation.objects.create(
        person=insider,
        organization=make_organization(name=secret("org"), slug=secret("org")),
    )
    return {"confidential": confidential, "withheld_person": withheld_person}


EXTRA_URLS = [
    "/meetings/export.csv",
    "/meetings/export.json",
    "/meetings/export.json?track=1.5",
    "/meetings/calendar.ics",
    "/meetings/feed/",
    "/sitemap.xml",
    "/robots.txt",
    "/meetings/?sort=date",
    "/people/?country=US",
]


def test_no_confidential_marker_on_any_public_surface(client, settings, site):
    settings.MEETINGS_PAGE_SIZE = 2
    settings.PEOPLE_PAGE_SIZE = 1
    responses = crawl(client, ["/", *EXTRA_URLS], max_depth=CRAWL_DEPTH)
    assert len(responses) > 100, len(responses)  # the crawl really walked the site
    assert {url for url, r in responses.items() if r.status_code >= 500} == set()
    for url, response in responses.items():
        assert MARKER not in body(response).lower(), url
        assert MARKER not in url, url


def test_every_facet_count_is_its_target_total(client, settings, site):
    settings.MEETINGS_PAGE_SIZE = 2
    responses = crawl(client, ["/meetings/"], max_depth=2)
    checked = 0
    for response in responses.values():
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for href, attributes in parse(response).links:
            if "data-count" in attributes:
                target = responses.get(href) or client.get(href)
                assert parse(target).total == int(attributes["data-count"]), href
                checked += 1
    assert checked > 20, checked


def test_private_records_answer_404_without_marker(client, site):
    for url in [
        site["confidential"].get_absolute_url(),
        site["withheld_person"].get_absolute_url(),
        f"/people/{secret('insider')}/",
        f"/people/{secret('anonymous-slug-2015')}/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert MARKER not in body(response).lower()


@pytest.mark.parametrize(
    "params",
    [
        {"q": MARKER},
        {"q": "anonymous-name"},
        {"q": "withheld-name"},
        {"q": "insider"},
    ],
)
def test_search_never_matches_private_text(client, site, params):
    response = client.get("/meetings/", params)
    assert response.status_code == 200
    assert parse(response).total == 0
    people = client.get("/people/", params)
    assert parse(people).total == 0


@pytest.mark.parametrize(
    "params",
    [
        {"city": secret("city")},
        {"topic": secret("topic")},
        {"series": secret("series")},
        {"person": secret("insider")},
        {"person": secret("withheld-slug")},
        {"person": secret("anonymous-slug-2016")},
        {"country": "FI"},
    ],
)
def test_private_filter_values_are_invalid_or_empty(client, site, params):
    response = client.get("/meetings/", params)
    if response.status_code == 200:
        assert parse(response).total == 0
    else:
        assert response.status_code == 400
    assert client.get("/people/", {"organization": secret("org")}).status_code == 400
