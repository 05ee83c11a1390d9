"""The listing's newer parameters (party, organization, year=unknown, from/to) read
through the public gate: a confidential meeting with a party, an organiser, a date and a
series convener of its own changes no public count, facet, choice or export."""

import datetime

import pytest

from meetings.models import Meeting, Visibility
from tests.factories import make_meeting, make_organization, make_organizer, make_series
from tests.leaks.conftest import MARKER, secret
from tests.pages import body

pytestmark = pytest.mark.django_db

URLS = [
    "/meetings/",
    "/meetings/?party=KP",
    "/meetings/?party=FI",
    "/meetings/?party=KP&party=FI",
    "/meetings/?party=US&party=KP",
    "/meetings/?organization=public-convener",
    "/meetings/?year=unknown",
    "/meetings/?year=1999&year=unknown",
    "/meetings/?from=1999&to=1999-12",
    "/meetings/?from=2015",
    "/meetings/?country=FI",
    "/meetings/export.json?party=FI",
    "/meetings/export.json?organization=public-convener",
    "/meetings/export.csv?year=unknown",
    "/meetings/export.csv?from=1999&to=2016",
    "/meetings/calendar.ics?party=KP",
    "/people/",
]


def pages(client):
    return {url: (client.get(url).status_code, body(client.get(url))) for url in URLS}


def test_a_confidential_meeting_changes_no_public_count_or_choice(client, site):
    public = Meeting.objects.public().exclude(start_date=None).first()
    convener = make_organization(name="Public Convener", slug="public-convener")
    make_organizer(public, convener, role="host")
    before = pages(client)
    assert all(status == 200 for status, _text in before.values())

    hidden_org = make_organization(name=secret("organiser"), slug=secret("organiser"))
    series = make_series(name=secret("series-2"), slug=secret("series-2"), convener=convener)
    for start in (datetime.date(1999, 6, 1), None):
        meeting = make_meeting(
            title=secret("planted"),
            parties=["FI", "KP", "US"],
            start_date=start,
            series=series,
            visibility=Visibility.CONFIDENTIAL,
        )
        make_organizer(meeting, hidden_org, role="funder")
        make_organizer(meeting, convener, role="convener")
    after = pages(client)
    assert after == before
    assert not [url for url, (_status, text) in after.items() if MARKER in text.lower()]


def test_an_organiser_only_confidential_meetings_have_is_refused_like_a_missing_one(client, site):
    hidden_org = make_organization(name=secret("organiser"), slug=secret("organiser"))
    make_organizer(site["confidential"], hidden_org, role="host")
    site["confidential"].series.convener = make_organization(slug=secret("convener"))
    site["confidential"].series.save()
    for slug in (secret("organiser"), secret("convener")):
        hidden = client.get("/meetings/", {"organization": slug})
        missing = client.get("/meetings/", {"organization": "n" * len(slug)})
        assert hidden.status_code == missing.status_code == 400
        assert body(hidden).replace(slug, "n" * len(slug)) == body(missing)
        exported = client.get("/meetings/export.json", {"organization": slug})
        assert exported.status_code == 400
