"""The naming rule: without the publish permission nobody newly names a participant of a
published meeting. Checked on participations about to be saved, with no form involved."""

import pytest
from django.contrib.auth.models import Permission, User

from meetings.models import Meeting, Participation
from meetings.services import NAMING_MESSAGE, participation_naming_violation
from tests.factories import make_meeting, make_participation, make_person


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", is_staff=True)


@pytest.fixture
def publisher(db):
    user = User.objects.create_user("publisher", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="meetings", codename="publish_meeting")
    )
    return user


@pytest.fixture
def published(db):
    return make_meeting(visibility="public")


def _new(meeting, person=None, anonymised=False):
    return Participation(meeting=meeting, person=person or make_person(), anonymised=anonymised)


def _edited(participation, **changes):
    """The stored participation with unsaved changes, as an edit would bring them."""
    edited = Participation.objects.get(pk=participation.pk)
    for name, value in changes.items():
        setattr(edited, name, value)
    return edited


def test_naming_violation_adding_a_named_participant_to_a_published_meeting(editor, published):
    assert participation_naming_violation(_new(published), editor) == NAMING_MESSAGE


def test_naming_violation_none_for_an_anonymised_or_unnamed_newcomer(editor, published):
    anonymised = _new(published, anonymised=True)
    unnamed = Participation(meeting=published, person=None)
    assert participation_naming_violation(anonymised, editor) is None
    assert participation_naming_violation(unnamed, editor) is None


@pytest.mark.parametrize("visibility", ["confidential", "participants_withheld"])
def test_naming_violation_none_while_the_meeting_shows_no_names(editor, visibility):
    meeting = make_meeting(visibility=visibility)
    assert participation_naming_violation(_new(meeting), editor) is None


def test_naming_violation_none_for_a_publisher(publisher, published):
    hidden = make_participation(published, anonymised=True)
    assert participation_naming_violation(_new(published), publisher) is None
    assert participation_naming_violation(_edited(hidden, anonymised=False), publisher) is None


def test_naming_violation_unmasking_an_anonymised_participant(editor, published):
    hidden = make_participation(published, anonymised=True)
    assert participation_naming_violation(_edited(hidden, anonymised=False), editor) == (
        NAMING_MESSAGE
    )


def test_naming_violation_none_for_a_participant_already_named(editor, published):
    named = make_participation(published)
    edited = _edited(named, capacity="official", title_at_time="Envoy")
    assert participation_naming_violation(edited, editor) is None


def test_naming_violation_putting_another_person_in_a_named_row(editor, published):
    named = make_participation(published)
    swapped = _edited(named, person=make_person())
    assert participation_naming_violation(swapped, editor) == NAMING_MESSAGE


def test_naming_violation_moving_a_named_participant_into_a_published_meeting(editor, published):
    moving = make_participation(make_meeting(visibility="confidential"))
    assert participation_naming_violation(_edited(moving, meeting=published), editor) == (
        NAMING_MESSAGE
    )


def test_naming_violation_for_a_published_meeting_not_yet_saved(editor):
    # The admin's add page: the new meeting and its rows are checked before either is saved.
    meeting = Meeting(title="New talks", slug="new-talks", visibility="public")
    assert participation_naming_violation(_new(meeting), editor) == NAMING_MESSAGE
