"""The leak crawler: from the home page and the exports, follow every same-site link and
find no secret in any body, header or URL; and every facet's data-count is what its
target page counts.

Everything that must stay off public pages carries the marker (tests/leaks/conftest.py).
Listings show two meetings and one person a page, so pagination is crawled too.
"""

import re

import pytest

from meetings.models import Visibility
from tests.leaks.conftest import MARKER, secret
from tests.leaks.crawler import crawl
from tests.pages import body, parse

pytestmark = pytest.mark.django_db

START = [
    "/",
    "/meetings/",
    "/meetings/?sort=date",
    "/meetings/?party=KP&party=US&year=unknown&year=2017",
    "/meetings/?from=2015-06&to=2017",
    "/meetings/cities/",
    "/meetings/cities/?track=1.5&year=2017",
    "/people/",
    "/people/?country=US",
    "/organizations/",
    "/series/",
    "/meetings/export.csv",
    "/meetings/export.json",
    "/meetings/export.json?track=1.5",
    "/meetings/calendar.ics",
    "/overview/",
    "/overview/chart.svg?track=1.5&city=berlin",
    "/meetings/feed/",
    "/sitemap.xml",
    "/robots.txt",
]
CRAWL_DEPTH = 3  # links from links from links of the start pages
MARKED = re.compile(rf"{MARKER}[-a-z0-9]*")


@pytest.fixture
def small_pages(settings):
    settings.MEETINGS_PAGE_SIZE = 2
    settings.PEOPLE_PAGE_SIZE = 1
    settings.ORGANIZATIONS_PAGE_SIZE = 1
    settings.SERIES_PAGE_SIZE = 1


@pytest.mark.usefixtures("small_pages")
def test_crawl_from_home_reaches_no_secret(client, site):
    responses = crawl(client, START, max_depth=CRAWL_DEPTH)
    assert len(responses) > 100, len(responses)  # the crawl really walked the site
    meeting_pages = [url for url in responses if re.fullmatch(r"/meetings/[-a-z0-9]+/", url)]
    assert len(meeting_pages) >= 5  # every public meeting's page, the undated one too
    assert {"/organizations/open-institute/", "/series/open-channel/"} <= set(responses)
    assert [url for url in responses if url.endswith("/cite.bib")] != []
    assert {url for url, r in responses.items() if r.status_code >= 500} == set()
    leaks = set()
    for url, response in responses.items():
        for text in (url, body(response), str(dict(response.headers))):
            leaks |= {(url, found) for found in MARKED.findall(text.lower())}
    assert leaks == set()


@pytest.mark.usefixtures("small_pages")
def test_every_facet_count_is_its_target_total(client, site):
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


@pytest.mark.usefixtures("small_pages")
def test_every_overview_number_is_its_target_total(client, site):
    responses = crawl(client, ["/overview/", "/overview/?city=berlin"], max_depth=1)
    checked = 0
    for url in ("/overview/", "/overview/?city=berlin"):
        for href, attributes in parse(responses[url]).links:
            if "data-count" in attributes:
                assert parse(responses[href]).total == int(attributes["data-count"]), href
                checked += 1
    assert checked > 15, checked


OVERVIEW_PAGES = ["/overview/", "/overview/chart.svg", "/overview/?country=DE"]


def test_a_confidential_meeting_changes_no_overview_number(client, site):
    with_it = [body(client.get(url)) for url in OVERVIEW_PAGES]
    confidential = site["confidential"]
    confidential.delete()
    assert [body(client.get(url)) for url in OVERVIEW_PAGES] == with_it
    # The comparison can fail: the same meeting made public changes the numbers.
    confidential.pk = None
    confidential.slug = "now-public"
    confidential.visibility = Visibility.PUBLIC
    confidential.save()
    assert [body(client.get(url)) for url in OVERVIEW_PAGES] != with_it


@pytest.mark.parametrize(
    ("prefix", "label"),
    [
        ("/meetings/", "confidential-slug"),
        ("/organizations/", "organiser-org"),
        ("/organizations/", "convener-org"),
        ("/organizations/", "org"),
        ("/series/", "series"),
        ("/people/", "source-speaker"),
    ],
)
def test_private_record_answers_like_a_missing_one(client, site, prefix, label):
    secret_slug = secret(label)
    missing_slug = "n" * len(secret_slug)
    hidden = client.get(f"{prefix}{secret_slug}/")
    missing = client.get(f"{prefix}{missing_slug}/")
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.headers) == set(missing.headers)
    assert len(hidden.content) == len(missing.content)
    assert hidden.content.replace(secret_slug.encode(), missing_slug.encode()) == missing.content
