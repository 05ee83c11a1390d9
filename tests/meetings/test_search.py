"""``q`` finds the same meetings on SQLite (LIKE) and PostgreSQL (full text) on the demo record.

The suite runs on one database at a time; both runs compare against these lists.
"""

import pytest
from django.core.management import call_command

from meetings.models import Meeting, Visibility
from people.models import Person
from tests.factories import make_participation

pytestmark = pytest.mark.django_db

BERLIN = "us-north-korea-informal-talks-berlin"
GENEVA = "us-north-korea-informal-talks-geneva"
LONDON = "us-north-korea-informal-talks-london"
KUALA_LUMPUR = "us-north-korea-informal-talks-kuala-lumpur"
MOSCOW = "us-north-korea-informal-talks-moscow"
ALL = [MOSCOW, BERLIN, GENEVA, LONDON, KUALA_LUMPUR]

EXPECTED = {
    "berlin": [BERLIN],
    "BERLIN": [BERLIN],
    "hotel": [BERLIN],  # venue and summary
    "sidelines": [MOSCOW],  # occasion
    "informal talks": "all",
    "kuala lumpur": [KUALA_LUMPUR],
    "moscow denuclearisation": [MOSCOW],
    "non-proliferation": [MOSCOW],
    "earlier host": [GENEVA, LONDON, KUALA_LUMPUR],
    "talks nowhere": [],
    "pyongyang": [],
    "wit": [],  # Joel Wit is in the demo, but named at no meeting
    "paal": [],
}


@pytest.fixture
def demo_record():
    call_command("loaddemo", verbosity=0)
    return list(Meeting.objects.public().newest_first().values_list("slug", flat=True))


def found(client, q):
    response = client.get("/meetings/", {"q": q})
    assert response.status_code == 200
    return [meeting.slug for meeting in response.context["page_obj"]]


@pytest.mark.parametrize(("q", "slugs"), EXPECTED.items())
def test_search_finds_the_same_meetings_on_every_database(client, demo_record, q, slugs):
    expected = demo_record if slugs == "all" else slugs
    assert sorted(found(client, q)) == sorted(expected)


def test_search_order_is_the_listing_order(client, demo_record):
    assert found(client, "informal talks") == demo_record


def test_names_are_searched_through_public_named_participations_only(client, demo_record):
    wit = Person.objects.get(slug="joel-wit")
    wit.other_names = "J. Wit"
    wit.save()
    berlin = Meeting.objects.get(slug=BERLIN)
    participation = make_participation(berlin, wit, side="US")
    assert found(client, "joel wit") == [BERLIN]
    assert found(client, "j. restaurant") == [BERLIN]  # other names, and the venue
    participation.anonymised = True
    participation.save()
    assert found(client, "joel wit") == []
    participation.anonymised = False
    participation.save()
    berlin.visibility = Visibility.PARTICIPANTS_WITHHELD
    berlin.save()
    assert found(client, "joel wit") == []
