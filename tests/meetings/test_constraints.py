"""Bad data is refused by the database and by model validation, with nothing half-written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Meeting, Participation, Visibility
from tests.factories import make_meeting, make_participation, make_person

pytestmark = pytest.mark.django_db


def test_new_meeting_defaults_to_confidential():
    meeting = Meeting.objects.create(title="New", slug="new")
    assert meeting.visibility == Visibility.CONFIDENTIAL


def test_database_refuses_end_date_before_start_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(start_date=date(2017, 10, 14), end_date=date(2017, 10, 13))
    assert not Meeting.objects.exists()


def test_database_refuses_end_date_without_start_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(start_date=None, end_date=date(2017, 10, 13))


def test_database_refuses_unknown_track_values():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(track_override="3")
    meeting = make_meeting()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(track="3")


def test_database_refuses_unknown_visibility():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(visibility="secret")


def test_database_refuses_a_person_twice_in_one_meeting():
    meeting, person = make_meeting(), make_person()
    make_participation(meeting, person, side="US")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_participation(meeting, person, side="KP")
    assert Participation.objects.count() == 1


def test_several_unnamed_participants_may_share_a_meeting():
    meeting = make_meeting()
    make_participation(meeting, person=None, side="US")
    make_participation(meeting, person=None, side="US")
    assert meeting.participations.count() == 2


def test_database_refuses_a_counted_participant_without_side():
    meeting = make_meeting()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_participation(meeting, side="", role="member")
    make_participation(meeting, side="", role="facilitator")


def test_database_refuses_duplicate_slugs():
    make_meeting(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(slug="same")


@pytest.mark.parametrize(
    ("fields", "field_with_error"),
    [
        ({"start_date": date(2017, 10, 2), "end_date": date(2017, 10, 1)}, "end_date"),
        ({"start_date": None, "end_date": date(2017, 10, 1)}, "end_date"),
        ({"start_date": date(2017, 10, 14), "date_precision": "month"}, "start_date"),
        ({"start_date": date(2017, 10, 1), "date_precision": "year"}, "start_date"),
        ({"track_override": "3"}, "track_override"),
    ],
)
def test_full_clean_names_the_field(fields, field_with_error):
    meeting = Meeting(title="T", slug="t", **fields)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert field_with_error in error.value.message_dict


def test_full_clean_accepts_a_dated_meeting():
    Meeting(
        title="T",
        slug="t",
        start_date=date(2017, 10, 1),
        end_date=date(2017, 10, 31),
        date_precision="month",
    ).full_clean()
