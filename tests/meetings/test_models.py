"""The meetings models: bad data refused by the database and by model validation, and the
public gates (Meeting.objects.public(), public_people(), ...) level by level."""

import csv
import datetime
import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import resolve, reverse

from meetings.models import (
    City,
    Meeting,
    Participation,
    Quote,
    Source,
    Topic,
    Visibility,
    public_organizations,
    public_people,
)
from meetings.models.publication import LAST_SOURCE_OF_PUBLISHED, NO_SOURCE_TO_PUBLISH
from tests.admin_forms import meeting_form_data
from tests.factories import (
    make_affiliation,
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_person,
    make_quote,
    make_series,
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


@pytest.mark.parametrize("slug", ["cities", "feed"])
def test_a_meeting_cannot_take_the_slug_of_a_page_under_meetings(slug):
    with pytest.raises(ValidationError) as error:
        Meeting(title="Cities", slug=slug).full_clean()
    assert error.value.message_dict["slug"] == [f"/meetings/{slug}/ is a page of its own."]
    Meeting(title="Cities", slug=f"{slug}-2").full_clean()
    # Why: that address is the page's, never a meeting's.
    assert resolve(f"/meetings/{slug}/").url_name == slug
    assert resolve(f"/meetings/{slug}-2/").url_name == "detail"


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
    cited = make_source()
    make_meeting(visibility=WITHHELD).sources.add(cited)
    only_confidential = make_source()
    make_meeting(visibility=CONFIDENTIAL).sources.add(only_confidential)
    free = make_quote(person, source=cited, text="no meeting, source cited publicly")
    make_quote(person, source=only_confidential, text="no meeting, source cited in secret")
    make_quote(person, text="no meeting, no source")
    at_meeting = make_quote(person, meeting=public_meeting, text="at the meeting")
    make_quote(person, meeting=make_meeting(visibility=CONFIDENTIAL), text="confidential")
    withheld = make_meeting(visibility=WITHHELD)
    make_participation(withheld, person)
    make_quote(person, meeting=withheld, text="withheld")
    anonymised_meeting = make_meeting(visibility=PUBLIC)
    make_participation(anonymised_meeting, person, anonymised=True)
    make_quote(person, meeting=anonymised_meeting, text="would unmask")
    assert set(Quote.objects.public()) == {free, at_meeting}


def test_a_public_quote_makes_its_speaker_public_and_no_other_quote_does():
    cited = make_source()
    make_meeting(visibility=WITHHELD).sources.add(cited)
    quoted = make_person()
    make_quote(quoted, source=cited)
    secret_source = make_source()
    make_meeting(visibility=CONFIDENTIAL).sources.add(secret_source)
    quoted_in_secret = make_person()
    make_quote(quoted_in_secret, source=secret_source)
    unmasked = make_person()
    meeting = make_meeting(visibility=PUBLIC)
    make_participation(meeting, unmasked, anonymised=True)
    make_quote(unmasked, meeting=meeting, source=cited)
    assert list(public_people()) == [quoted]


def test_organisations_are_public_while_they_organise_convene_or_employ_public_people():
    organiser, host_of_secret = make_organization(), make_organization()
    make_organizer(make_meeting(visibility=WITHHELD), organiser, role="host")
    make_organizer(make_meeting(visibility=CONFIDENTIAL), host_of_secret, role="funder")
    convener, convener_of_secret = make_organization(), make_organization()
    make_meeting(visibility=PUBLIC, series=make_series(convener=convener))
    make_meeting(visibility=CONFIDENTIAL, series=make_series(convener=convener_of_secret))
    employer, employer_of_anonymised = make_organization(), make_organization()
    named, anonymised = make_person(), make_person()
    make_participation(make_meeting(visibility=PUBLIC), named)
    make_participation(make_meeting(visibility=PUBLIC), anonymised, anonymised=True)
    make_affiliation(named, organization=employer)
    make_affiliation(anonymised, organization=employer_of_anonymised)
    make_organization()  # nothing at all
    assert set(public_organizations()) == {organiser, convener, employer}


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


def _change(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def _post(client, meeting, **changes):
    return client.post(_change(meeting), meeting_form_data(meeting, **changes))


@pytest.fixture
def confidential(db):
    return make_meeting(title="Stockholm talks", visibility="confidential")


@pytest.fixture
def published(db):
    meeting = make_meeting(title="Berlin talks", visibility="public")
    meeting.sources.add(make_source())
    return meeting


def test_publishing_without_a_source_is_refused_next_to_visibility(client, publisher, confidential):
    client.force_login(publisher)
    response = _post(client, confidential, visibility="public")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"visibility": [NO_SOURCE_TO_PUBLISH]}
    html = response.content.decode()
    field = html[html.index('class="form-row errors field-visibility') :]
    assert field.index(NO_SOURCE_TO_PUBLISH) < field.index('name="visibility"')
    confidential.refresh_from_db()
    assert confidential.visibility == "confidential"


def test_publishing_with_a_source_typed_in_the_same_form(client, publisher, confidential):
    client.force_login(publisher)
    response = _post(client, confidential, visibility="public", sources=["new:Report"])
    assert response.status_code == 302
    confidential.refresh_from_db()
    assert (confidential.visibility, [s.title for s in confidential.sources.all()]) == (
        "public",
        ["Report"],
    )


@pytest.mark.parametrize("role", ["publisher", "editor"])
def test_a_published_meeting_keeps_its_last_source(request, client, published, role):
    client.force_login(request.getfixturevalue(role))
    response = _post(client, published, sources=[])
    assert response.context["adminform"].form.errors == {"sources": [LAST_SOURCE_OF_PUBLISHED]}
    assert published.sources.count() == 1


def test_a_meeting_published_before_the_rule_without_sources_can_still_be_edited(client, editor):
    legacy = make_meeting(title="Old record", visibility="public")
    client.force_login(editor)
    assert _post(client, legacy, title="Old record, corrected").status_code == 302
    legacy.refresh_from_db()
    assert legacy.title == "Old record, corrected"


def test_making_a_meeting_confidential_needs_no_source(client, publisher, published):
    client.force_login(publisher)
    assert _post(client, published, visibility="confidential", sources=[]).status_code == 302
    published.refresh_from_db()
    assert (published.visibility, published.sources.count()) == ("confidential", 0)


def test_model_validation_refuses_publishing_without_a_source(confidential):
    confidential.visibility = "participants_withheld"
    with pytest.raises(ValidationError) as error:
        confidential.full_clean()
    assert error.value.message_dict == {"visibility": [NO_SOURCE_TO_PUBLISH]}


def _import(client, text):
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    url = reverse("admin:meetings_meeting_import")
    preview = client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    return {
        row.number: {f: [str(e) for e in errors] for f, errors in row.field_specific_errors.items()}
        for row in preview.context["result"].invalid_rows
    }


def test_import_refuses_publishing_without_a_source(client, publisher, confidential):
    sourced = make_meeting(slug="sourced", title="Sourced", visibility="confidential")
    sourced.sources.add(make_source())
    client.force_login(publisher)
    text = "slug,title,visibility\n"
    text += f"{confidential.slug},Stockholm talks,public\nsourced,Sourced,public\nnew,New,public\n"
    assert _import(client, text) == {
        1: {"visibility": [NO_SOURCE_TO_PUBLISH]},
        3: {"visibility": [NO_SOURCE_TO_PUBLISH]},
    }
    assert Meeting.objects.filter(visibility="public").count() == 0


def test_meeting_without_a_date_is_stored_with_precision_unknown():
    meeting = make_meeting(start_date=None, date_precision="day")
    meeting.refresh_from_db()
    assert meeting.date_precision == "unknown"


def test_meeting_given_a_date_and_no_precision_is_known_to_the_day():
    meeting = Meeting.objects.create(title="T", slug="t", start_date=datetime.date(2019, 3, 15))
    assert (meeting.date_precision, meeting.date_display) == ("day", "15 March 2019")


@pytest.mark.parametrize(
    "changes",
    [
        {"date_precision": "unknown"},  # dated, yet "unknown"
        {"start_date": None},  # undated, yet "month"
    ],
)
def test_database_refuses_unknown_other_than_exactly_when_undated(changes):
    meeting = make_meeting(start_date=datetime.date(2019, 3, 1), date_precision="month")
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(**changes)
    if connection.vendor == "postgresql":
        assert "meetings_meeting_unknown_exactly_when_undated" in str(error.value)


def test_full_clean_refuses_a_dated_meeting_of_unknown_precision():
    meeting = Meeting(
        title="T", slug="t", start_date=datetime.date(2019, 3, 1), date_precision="unknown"
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["date_precision"] == [
        "A dated meeting is known to a day, a month or a year."
    ]


def test_exports_give_an_undated_meeting_precision_unknown(client):
    meeting = make_meeting(slug="undated", start_date=None)
    meeting.sources.add(make_source())
    records = json.loads(_read(client, "/meetings/export.json"))["results"]
    rows = list(csv.DictReader(io.StringIO(_read(client, "/meetings/export.csv"))))
    assert [(r["slug"], r["date_precision"]) for r in records] == [("undated", "unknown")]
    assert [(r["slug"], r["date_precision"]) for r in rows] == [("undated", "unknown")]


def _read(client, path):
    response = client.get(path)
    return b"".join(response.streaming_content).decode()
