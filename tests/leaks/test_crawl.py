"""The leak crawler: start from the home page, follow every same-site link, find no secret.

Everything that must stay off public pages carries a unique marker. The crawler
reads every page, export and feed it can reach (bounded), and fails on any
marker in a body or a header.
"""

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
from tests.leaks.crawler import crawl
from tests.pages import body

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
MAX_DEPTH = 10  # far enough to reach every filter combination of this small record


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
    responses = crawl(client, START, MAX_DEPTH, MAX_PAGES)
    pages = {url: (response, body(response)) for url, response in responses.items()}
    assert public.get_absolute_url() in pages, "the crawler never reached the meeting page"
    assert len([r for r, _ in pages.values() if r.status_code == 200]) >= len(START)
    leaks = []
    for path, (response, text) in pages.items():
        assert response.status_code < 500, path
        texts = [text, str(dict(response.headers))]
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
