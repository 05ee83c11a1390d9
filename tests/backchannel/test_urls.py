"""Every public URL costs the same number of queries for 1 row as for 3: home, feed,
calendar, sitemap and exports (the listings and pages have their own guards)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_city, make_person, seed_meetings

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/meetings/feed/",
    "/meetings/calendar.ics",
    "/sitemap.xml",
    "/meetings/export.csv",
    "/meetings/export.json",
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", URLS)
def test_queries_do_not_grow_with_rows(client, settings, url):
    settings.MEETINGS_CACHE_SECONDS = 0
    city, person = make_city(slug="berlin"), make_person(slug="joel-wit")
    seed_meetings(1, city, person)
    with_one = queries_for(client, url)
    seed_meetings(2, city, person)
    assert queries_for(client, url) == with_one
