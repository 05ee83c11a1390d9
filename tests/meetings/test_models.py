"""The meetings models: bad data refused by the database and by model validation, and the
public gates (Meeting.objects.public(), public_people(), ...) level by level."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import (
    City,
    Meeting,
    Participation,
    Quote,
    Source,
    Topic,
    Visibility,
    public_people,
)
from tests.factories import (
    make_city,
    make_meeting,
    make_participation,
    make_person,
    make_quote,
    make_source,
    make_topic,
)

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


CONFIDENTIAL, WITHHELD, PUBLIC = (
    Visibility.CONFIDENTIAL,
    Visibility.PARTICIPANTS_WITHHELD,
    Visibility.PUBLIC,
)


def test_public_meetings_exclude_confidential_only():
    meetings = {v: make_meeting(visibility=v) for v in (CONFIDENTIAL, WITHHELD, PUBLIC)}
    assert set(Meeting.objects.public()) == {meetings[WITHHELD], meetings[PUBLIC]}
    assert Meeting.objects.count() == 3  # the default manager filters nothing


def test_public_participations_only_from_public_meetings():
    shown = make_participation(make_meeting(visibility=PUBLIC))
    anonymised = make_participation(make_meeting(visibility=PUBLIC), anonymised=True)
    make_participation(make_meeting(visibility=WITHHELD))
    make_participation(make_meeting(visibility=CONFIDENTIAL))
    assert set(Participation.objects.public()) == {shown, anonymised}
    assert set(Participation.objects.publicly_named()) == {shown}


def test_unnamed_participation_is_public_but_not_named():
    unnamed = make_participation(make_meeting(visibility=PUBLIC), person=None)
    assert list(Participation.objects.public()) == [unnamed]
    assert list(Participation.objects.publicly_named()) == []


def test_public_label_shows_capacity_and_side_only():
    person = make_person(full_name="Secret Name")
    participation = make_participation(
        make_meeting(), person, side="US", capacity="former_official", anonymised=True
    )
    assert participation.public_label == "a former official, United States"
    assert participation.is_named is False
    expert = make_participation(make_meeting(), side="KP", capacity="expert")
    assert expert.public_label == "an expert, North Korea"


def test_public_people_need_a_named_participation_in_a_public_meeting():
    named = make_person()
    make_participation(make_meeting(visibility=PUBLIC), named)
    anonymised = make_person()
    make_participation(make_meeting(visibility=PUBLIC), anonymised, anonymised=True)
    withheld = make_person()
    make_participation(make_meeting(visibility=WITHHELD), withheld)
    confidential = make_person()
    make_participation(make_meeting(visibility=CONFIDENTIAL), confidential)
    make_person()  # no participation at all
    assert list(public_people()) == [named]


def test_person_stays_public_while_one_public_participation_remains():
    person = make_person()
    make_participation(make_meeting(visibility=PUBLIC), person)
    make_participation(make_meeting(visibility=CONFIDENTIAL), person)
    make_participation(make_meeting(visibility=PUBLIC), person, anonymised=True)
    assert list(public_people()) == [person]


def test_public_quotes():
    person = make_person()
    public_meeting = make_meeting(visibility=PUBLIC)
    make_participation(public_meeting, person)
    free = make_quote(person, text="no meeting")
    at_meeting = make_quote(person, meeting=public_meeting, text="at the meeting")
    make_quote(person, meeting=make_meeting(visibility=CONFIDENTIAL), text="confidential")
    withheld = make_meeting(visibility=WITHHELD)
    make_participation(withheld, person)
    make_quote(person, meeting=withheld, text="withheld")
    hidden = make_person()
    make_quote(hidden, text="not public person")
    anonymised_meeting = make_meeting(visibility=PUBLIC)
    make_participation(anonymised_meeting, person, anonymised=True)
    make_quote(person, meeting=anonymised_meeting, text="would unmask")
    assert set(Quote.objects.public()) == {free, at_meeting}


def test_cities_topics_and_sources_are_public_through_public_meetings():
    seen_city, hidden_city = make_city(), make_city()
    seen_topic, hidden_topic = make_topic(), make_topic()
    seen_source, hidden_source = make_source(), make_source()
    shown = make_meeting(city=seen_city, visibility=WITHHELD)
    shown.topics.add(seen_topic)
    shown.sources.add(seen_source)
    hidden = make_meeting(city=hidden_city, visibility=CONFIDENTIAL)
    hidden.topics.add(hidden_topic)
    hidden.sources.add(hidden_source)
    assert list(City.objects.public()) == [seen_city]
    assert list(Topic.objects.public()) == [seen_topic]
    assert list(Source.objects.public()) == [seen_source]


def test_meeting_shows_participants_only_when_public():
    assert make_meeting(visibility=PUBLIC).shows_participants is True
    assert make_meeting(visibility=WITHHELD).shows_participants is False


def test_published_at_follows_visibility_and_hides_how_long_a_record_was_secret():
    meeting = make_meeting(visibility=CONFIDENTIAL)
    assert meeting.published_at is None
    meeting.visibility = PUBLIC
    meeting.save()
    published = meeting.published_at
    assert published is not None and published > meeting.created_at
    meeting.title = "Renamed"
    meeting.save()
    assert meeting.published_at == published
    meeting.visibility = CONFIDENTIAL
    meeting.save()
    assert meeting.published_at is None
