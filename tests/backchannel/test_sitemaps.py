"""backchannel/sitemaps.py: public meetings and people only."""

import pytest

from meetings.models import Visibility
from tests.factories import make_meeting
from tests.pages import body

pytestmark = pytest.mark.django_db


def test_sitemap_lists_public_meetings_and_people(client, demo):
    make_meeting(slug="hidden-meeting", visibility=Visibility.CONFIDENTIAL)
    text = body(client.get("/sitemap.xml"))
    assert "http://testserver/meetings/talks-in-berlin/" in text
    assert "http://testserver/meetings/round-in-geneva/" in text
    assert "http://testserver/people/joel-wit/" in text
    assert "hidden-meeting" not in text


def test_sitemap_lists_public_organizations_and_series_only(client, demo):
    from tests.factories import make_organization, make_organizer, make_series

    make_organizer(demo["meeting"], make_organization(slug="open-host"))
    secret = make_meeting(visibility=Visibility.CONFIDENTIAL, series=make_series(slug="hidden-s"))
    make_organizer(secret, make_organization(slug="hidden-org"))
    text = body(client.get("/sitemap.xml"))
    assert "http://testserver/organizations/</loc>" in text
    assert "http://testserver/series/</loc>" in text
    assert "http://testserver/organizations/open-host/" in text
    assert "http://testserver/series/berlin-channel/" in text
    assert "hidden-org" not in text
    assert "hidden-s/" not in text


def test_sitemap_lists_the_overview(client, demo):
    text = body(client.get("/sitemap.xml"))
    assert "<loc>http://testserver/overview/</loc>" in text
