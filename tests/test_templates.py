"""Markup rules every public page's templates keep: ready for a strict CSP, labelled controls."""

import re

import pytest

from tests.pages import body

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/meetings/",
    "/meetings/?city=berlin&year=2017",
    "/meetings/?year=abc",
    "/meetings/talks-in-berlin/",
    "/people/",
    "/people/joel-wit/",
    "/meetings/no-such-meeting/",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_has_no_inline_script_or_style(client, demo, url):
    html = body(client.get(url))
    assert "<script" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


@pytest.mark.parametrize("url", PAGES)
def test_every_control_has_a_label(client, demo, url):
    html = body(client.get(url))
    ids = re.findall(
        r'<(?:input|select)(?![^>]*type="(?:hidden|checkbox)")[^>]*\sid="([^"]+)"', html
    )
    unlabelled_controls = re.findall(r"<(?:input|select)(?![^>]*\sid=)(?![^>]*hidden)[^>]*>", html)
    assert [i for i in ids if f'<label for="{i}"' not in html] == []
    assert [c for c in unlabelled_controls if 'type="checkbox"' not in c] == []


def test_filtered_listing_asks_crawlers_not_to_follow(client, demo):
    assert '<meta name="robots" content="noindex, nofollow">' in body(
        client.get("/meetings/", {"city": "berlin"})
    )
    assert '<meta name="robots"' not in body(client.get("/meetings/"))


def test_facet_links_are_nofollow(client, demo):
    html = body(client.get("/meetings/"))
    facets = re.findall(r'<a class="facet__link"[^>]*>', html)
    assert facets
    assert all('rel="nofollow"' in link for link in facets)
