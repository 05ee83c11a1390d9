"""Markup an editor stores in any text field is shown as text on every public page and
export, and a source URL that is not http(s) is never a link.

Every field carries ``<label> <script>…</script> "><img …>``: the raw payload must
be absent and the field's escaped form present wherever the page shows that field.
"""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.utils.html import escape

from meetings.models import DialogueSeries, Source
from tests.factories import (
    make_affiliation,
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_person,
    make_quote,
    make_source,
    make_topic,
)
from tests.pages import body

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT} {IMG}"
HOSTILE_URLS = (
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
)
ATOM = "{http://www.w3.org/2005/Atom}"


def stored(field):
    """The value stored in ``field``: its name, so each field is found on its own."""
    return f"{field} {PAYLOAD}"


@pytest.fixture
def record():
    city = make_city(name=stored("city"), slug="berlin")
    topic = make_topic(name=stored("topic"), slug="nuclear")
    organization = make_organization(name=stored("organization"), slug="institute")
    series = DialogueSeries.objects.create(
        name=stored("series"),
        slug="channel",
        description=stored("description"),
        convener=organization,
    )
    meeting = make_meeting(
        title=stored("title"),
        slug="talks",
        summary=stored("summary"),
        venue=stored("venue"),
        occasion=stored("occasion"),
        city=city,
        series=series,
        start_date=datetime.date(2017, 10, 1),
    )
    meeting.topics.add(topic)
    person = make_person(
        full_name=stored("full_name"),
        slug="wit",
        other_names=stored("other_names"),
        bio=stored("bio"),
    )
    make_participation(meeting, person, side="US", title_at_time=stored("title_at_time"))
    make_organizer(meeting, organization, role="host")
    make_affiliation(person, organization=organization, role=stored("affiliation_role"))
    source = make_source(
        title=stored("source_title"),
        publisher=stored("publisher"),
        excerpt=stored("excerpt"),
        url="javascript:alert(1)",
    )
    # Saved through the ORM, which skips the form's URL validation.
    hostile = [make_source(title=f"hostile {n}", url=url) for n, url in enumerate(HOSTILE_URLS[1:])]
    good = make_source(title="A good source", url="https://example.org/report")
    meeting.sources.add(source, good, *hostile)
    make_quote(person, meeting=meeting, source=source, text=stored("quote"))
    return meeting


# Which stored fields each public page shows.
PAGES = {
    "/": ["title", "city", "topic", "full_name"],
    "/meetings/": ["title", "city", "topic", "full_name"],
    "/meetings/cities/": ["city"],
    "/meetings/talks/": [
        "title",
        "summary",
        "venue",
        "occasion",
        "city",
        "topic",
        "series",
        "organization",
        "full_name",
        "title_at_time",
        "quote",
        "source_title",
        "publisher",
        "excerpt",
    ],
    "/people/": ["full_name", "bio", "quote"],
    "/organizations/": ["organization"],
    "/organizations/institute/": ["organization", "title", "city", "series", "full_name"],
    "/series/": ["series", "organization"],
    "/series/channel/": [
        "series",
        "description",
        "organization",
        "title",
        "city",
        "full_name",
        "quote",
        "source_title",
    ],
    "/people/wit/": [
        "full_name",
        "affiliation_role",
        "organization",
        "other_names",
        "bio",
        "title_at_time",
        "quote",
        "source_title",
        "title",
        "city",
    ],
}


class Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if name in ("href", "src", "action")]


def hrefs(html):
    parser = Hrefs()
    parser.feed(html)
    return parser.hrefs


@pytest.mark.parametrize("url", list(PAGES))
def test_pages_show_stored_markup_escaped(client, record, url):
    response = client.get(url)
    assert response.status_code == 200
    html = body(response)
    assert SCRIPT not in html
    assert IMG not in html
    assert "<img" not in html
    for field in PAGES[url]:
        assert escape(stored(field)) in html, field


@pytest.mark.parametrize("url", ["/meetings/talks/", "/people/wit/"])
def test_only_http_source_urls_become_links(client, record, url):
    html = body(client.get(url))
    links = hrefs(html)
    schemes = {urlsplit(link).scheme.lower() for link in links}
    assert schemes <= {"", "http", "https"}, links
    assert "javascript:" not in html.lower().replace("\t", "")
    if url == "/meetings/talks/":
        assert "https://example.org/report" in links
        for n in range(len(HOSTILE_URLS) - 1):
            assert f"<cite>hostile {n}</cite>" in html


def test_source_link_url_accepts_only_http_and_https():
    for url in HOSTILE_URLS:
        assert Source(url=url).link_url == ""
    for url in ("https://example.org/a?b=1", "http://example.org/", "HTTPS://EXAMPLE.ORG/"):
        assert Source(url=url).link_url == url
    assert Source(url="").link_url == ""
    assert Source(url="https:///no-host").link_url == ""


def test_feed_shows_stored_markup_as_text(client, record):
    response = client.get("/meetings/feed/")
    text = body(response)
    assert SCRIPT not in text
    assert IMG not in text
    entry = ET.fromstring(text).find(f"{ATOM}entry")  # noqa: S314 (our own feed)
    assert entry.find(f"{ATOM}title").text == stored("title")  # a text construct
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # An HTML construct: readers render it, so the markup must be escaped inside it.
    assert "<script" not in summary.text
    assert "<img" not in summary.text
    assert escape(stored("summary")) in summary.text
    assert escape(stored("city")) in summary.text


def test_json_export_round_trips_stored_markup(client, record):
    response = client.get("/meetings/export.json")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    (row,) = json.loads(body(response))["results"]
    assert row["title"] == stored("title")
    assert row["summary"] == stored("summary")
    assert row["venue"] == stored("venue")
    assert row["occasion"] == stored("occasion")
    assert row["city"] == stored("city")
    assert row["topics"][0]["name"] == stored("topic")
    (participant,) = row["participants"]
    assert participant["name"] == stored("full_name")
    assert participant["title_at_time"] == stored("title_at_time")


def test_csv_export_round_trips_stored_markup(client, record):
    response = client.get("/meetings/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    (row,) = list(csv.DictReader(io.StringIO(body(response))))
    for field in ("title", "summary", "venue", "occasion", "city"):
        assert row[field] == stored(field)
    assert row["topics"] == stored("topic")
    assert row["participants"].startswith(stored("full_name") + " (")


def ics_properties(text):
    """{name: unescaped value} of the calendar's event, after unfolding its lines."""
    unfolded = text.replace("\r\n ", "")
    properties = {}
    for line in unfolded.split("\r\n"):
        name, _, value = line.partition(":")
        value = value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
        properties[name.split(";")[0]] = value.replace("\\\\", "\\")
    return properties


def test_calendar_round_trips_stored_markup(client, record):
    response = client.get("/meetings/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert response["X-Content-Type-Options"] == "nosniff"
    event = ics_properties(body(response))
    assert event["SUMMARY"] == stored("title")
    assert event["DESCRIPTION"].endswith("\n\n" + stored("summary"))
    assert event["LOCATION"].startswith(f"{stored('venue')}, {stored('city')}, ")
