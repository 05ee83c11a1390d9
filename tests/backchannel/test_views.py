"""The site-wide pages (backchannel/views.py): home, the health check, robots.txt."""

import pytest

from tests.factories import (
    make_meeting,
)
from tests.pages import body

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"database: ok\ncache: local\n")
    assert response["Content-Type"] == "text/plain"


def test_home_lists_public_meetings_only(client):
    make_meeting(title="Open talks", visibility="public")
    make_meeting(title="Withheld talks", visibility="participants_withheld")
    make_meeting(title="Secret talks", visibility="confidential")
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Open talks" in text
    assert "Withheld talks" in text
    assert "Secret talks" not in text
    assert 'data-total="2"' in text


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert body(response).splitlines() == [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_home_shows_counts_and_latest_rows(client, demo):
    html = body(client.get("/"))
    assert 'data-total="3"' in html
    assert "3 public meetings in 2 cities on record." in html
    assert '<a href="/meetings/talks-in-berlin/">Talks in Berlin</a>' in html
