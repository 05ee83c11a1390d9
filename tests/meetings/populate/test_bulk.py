"""Plain-row inserts for the largest tables, on SQLite and PostgreSQL alike."""

import pytest

from meetings.models import Meeting, Participation
from meetings.populate.bulk import insert_rows
from tests.factories import make_meeting, make_person, make_topic

pytestmark = pytest.mark.django_db


def test_insert_rows_writes_the_named_fields_and_defaults_the_rest():
    meeting, person = make_meeting(), make_person()
    insert_rows(
        Participation,
        ("meeting", "person", "side", "capacity"),
        [(meeting.pk, person.pk, "US", "expert"), (meeting.pk, None, "KP", "official")],
    )
    rows = Participation.objects.order_by("side").values_list(
        "person_id", "side", "capacity", "role", "title_at_time", "anonymised"
    )
    assert list(rows) == [
        (None, "KP", "official", "member", "", False),
        (person.pk, "US", "expert", "member", "", False),
    ]


def test_insert_rows_fills_many_to_many_links():
    meeting, topic = make_meeting(), make_topic()
    insert_rows(Meeting.topics.through, ("meeting", "topic"), [(meeting.pk, topic.pk)])
    assert list(meeting.topics.all()) == [topic]


def test_insert_rows_with_no_rows_writes_nothing():
    insert_rows(Participation, ("meeting", "side", "capacity"), [])
    assert not Participation.objects.exists()
