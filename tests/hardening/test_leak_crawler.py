"""The leak crawler: start from the home page, follow every same-site link, find no secret.

Everything that must stay off public pages carries a unique marker. The crawler
reads every page, export and feed it can reach (bounded), and fails on any
marker in a body or a header.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.factories import (
    make_city,
    make_meeting,
    make_participation,
    make_person,
    make_quote,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
START = [
    "/",
    "/meetings/",
    "/people/",
    "/meetings/export.csv",
    "/meetings/export.json",
    "/meetings/feed/",
    "/meetings/calendar.ics",
    "/sitemap.xml",
    "/robots.txt",
]
SKIP_PREFIXES = ("/admin/", "/static/")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.links.append(value)


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def links_in(url, text, response):
    content_type = response.get("Content-Type", "")
    if "html" in content_type:
        parser = LinkParser()
        parser.feed(text)
        found = parser.links
    elif "xml" in content_type:
        found = [part.split("</loc>")[0] for part in text.split("<loc>")[1:]]
        found += [part.split('"')[0] for part in text.split('href="')[1:]]
    else:
        found = []
    return [urljoin(url, link) for link in found]


def same_site_path(link):
    parts = urlsplit(link)
    if parts.scheme not in {"", "http", "https"} or parts.netloc not in {"", "testserver"}:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
        return None
    return path


def crawl(client):
    seen, queue, pages = set(START), deque(START), {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        text = body_of(response)
        pages[path] = (response, text)
        if response.status_code != 200:
            continue
        for link in links_in(path, text, response):
            target = same_site_path(link)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


@pytest.fixture
def secrets_and_record():
    """A record where every secret carries a marker; returns (markers, public meeting)."""
    markers = {}

    def mark(name):
        markers[name] = f"LEAKMARK{len(markers):03d}X"
        return markers[name]

    city = make_city(name="Berlin", slug="berlin")
    topic = make_topic(name="Denuclearisation", slug="denuclearisation")
    public = make_meeting(
        title="Talks in Berlin", city=city, internal_notes=mark("public meeting notes")
    )
    public.topics.add(topic)
    public.sources.add(make_source(title="A public article"))
    named = make_person(full_name="Known Expert", internal_notes=mark("public person notes"))
    make_participation(public, named, side="US", capacity="former_official")
    make_quote(named, meeting=public, text="A public remark.")
    hidden = make_person(full_name=mark("anonymised person name"), slug=mark("anon slug").lower())
    make_participation(
        public,
        hidden,
        side="KP",
        capacity="official",
        anonymised=True,
        title_at_time=mark("anonymised title"),
    )
    make_quote(hidden, meeting=public, text=mark("anonymised quote"))

    withheld = make_meeting(title="Withheld talks", visibility="participants_withheld", city=city)
    withheld_person = make_person(full_name=mark("withheld participant"))
    make_participation(withheld, withheld_person, side="US", title_at_time=mark("withheld title"))

    secret_city = make_city(name=mark("confidential city"), slug=mark("c city").lower())
    secret_topic = make_topic(name=mark("confidential topic"), slug=mark("c topic").lower())
    confidential = make_meeting(
        title=mark("confidential title"),
        slug=mark("confidential slug").lower(),
        visibility="confidential",
        city=secret_city,
        summary=mark("confidential summary"),
        venue=mark("confidential venue"),
    )
    confidential.topics.add(secret_topic)
    confidential.sources.add(make_source(title=mark("confidential source")))
    insider = make_person(full_name=mark("confidential participant"))
    make_participation(confidential, insider, side="US")
    make_quote(insider, meeting=confidential, text=mark("confidential quote"))
    # The public person also sat in the confidential meeting: that must not show either.
    make_participation(confidential, named, side="US", title_at_time=mark("named in secret"))
    make_person(full_name=mark("person with no meetings"), bio=mark("unseen bio"))
    return markers, public


def test_crawl_from_home_reaches_no_secret(client, secrets_and_record):
    markers, public = secrets_and_record
    pages = crawl(client)
    assert public.get_absolute_url() in pages, "the crawler never reached the meeting page"
    assert len([r for r, _ in pages.values() if r.status_code == 200]) >= len(START)
    leaks = []
    for path, (response, body) in pages.items():
        assert response.status_code < 500, path
        texts = [body, str(dict(response.headers))]
        for what, marker in markers.items():
            leaks += [(path, what) for text in texts if marker.lower() in text.lower()]
    assert leaks == []


def test_confidential_meeting_answers_like_a_missing_one(client, secrets_and_record):
    markers, _ = secrets_and_record
    secret_slug = markers["confidential slug"].lower()
    missing_slug = "n" * len(secret_slug)
    secret = client.get(f"/meetings/{secret_slug}/")
    missing = client.get(f"/meetings/{missing_slug}/")
    assert secret.status_code == missing.status_code == 404
    assert set(secret.headers) == set(missing.headers)
    assert len(secret.content) == len(missing.content)
    assert secret.content.replace(secret_slug.encode(), missing_slug.encode()) == missing.content
