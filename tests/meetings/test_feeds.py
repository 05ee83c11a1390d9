"""meetings/feeds.py: the Atom feed of public meetings, by publication date."""

import datetime

import pytest

from meetings.models import Visibility
from tests.factories import make_meeting
from tests.pages import body

pytestmark = pytest.mark.django_db


def test_atom_feed_lists_public_meetings_only(client, demo):
    make_meeting(title="Confidential feed item", visibility=Visibility.CONFIDENTIAL)
    response = client.get("/meetings/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    text = body(response)
    assert text.count("<entry>") == 3
    assert "Talks in Berlin" in text
    assert "Confidential feed item" not in text


def test_feed_dates_are_publication_dates_newest_first(client):

    from django.utils import timezone

    from meetings.models import Meeting
    from tests.factories import make_meeting

    old = make_meeting(title="Entered long ago", slug="entered-long-ago", visibility="confidential")
    Meeting.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=4000)
    )
    make_meeting(title="Published first", slug="published-first")
    old.refresh_from_db()
    old.visibility = "public"
    old.save()
    text = body(client.get("/meetings/feed/"))
    assert text.index("Entered long ago") < text.index("Published first")
    assert str(old.created_at.year) not in text.split("Entered long ago")[1].split("</entry>")[0]
