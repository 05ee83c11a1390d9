"""setup_roles and what each staff role may do in the admin (backchannel/roles.py)."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from backchannel.management.commands.setup_roles import role_permissions
from meetings.models import Meeting, Participation
from tests.admin_forms import existing_rows, meeting_form_data
from tests.factories import make_meeting, make_participation, make_person, make_source


def _perms(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_setup_roles_is_idempotent(db):
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    first = {name: _perms(name) for name in ("Editors", "Publishers", "Viewers")}
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    assert {name: _perms(name) for name in first} == first
    assert out.getvalue().splitlines() == [
        f"{name}: unchanged ({len(first[name])} permissions)"
        for name in ("Viewers", "Editors", "Publishers")
    ]
    assert Group.objects.count() == 3


def test_setup_roles_restores_a_tampered_group(roles):
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(
        *Group.objects.get(name="Publishers").permissions.filter(codename="publish_meeting")
    )
    call_command("setup_roles", stdout=io.StringIO())
    assert "meetings.publish_meeting" not in _perms("Editors")


def test_role_permissions_are_as_designed(roles):
    editors, publishers, viewers = _perms("Editors"), _perms("Publishers"), _perms("Viewers")
    assert publishers - editors == {
        "meetings.publish_meeting",
        "meetings.delete_meeting",
        "people.delete_person",
    }
    assert {p for p in editors if ".delete_" in p} == {
        "meetings.delete_meetingorganizer",
        "meetings.delete_participation",
        "meetings.delete_quote",
        "people.delete_affiliation",
    }
    assert all(p.split(".")[1].startswith("view_") for p in viewers)
    assert {"meetings.view_meeting", "people.view_person", "meetings.view_historicalmeeting"} <= (
        viewers
    )
    assert {"meetings.add_meeting", "meetings.change_meeting", "people.change_person"} <= editors
    assert "meetings.add_historicalmeeting" not in editors
    assert set(role_permissions()) == {"Editors", "Publishers", "Viewers"}


@pytest.fixture
def confidential(db):
    meeting = make_meeting(title="Secret talks", slug="secret-talks", visibility="confidential")
    make_participation(meeting, side="US")
    meeting.refresh_from_db()  # the participation moved its timestamp
    return meeting


def _change(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def test_viewer_sees_confidential_records_but_changes_nothing(client, viewer, confidential):
    client.force_login(viewer)
    listing = client.get(reverse("admin:meetings_meeting_changelist"))
    assert [m.pk for m in listing.context["cl"].result_list] == [confidential.pk]
    page = client.get(_change(confidential))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    data = meeting_form_data(confidential, title="Renamed", visibility="public")
    assert client.post(_change(confidential), data).status_code == 403
    assert client.get(reverse("admin:meetings_meeting_add")).status_code == 403
    delete = reverse("admin:meetings_meeting_delete", args=[confidential.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    confidential.refresh_from_db()
    assert (confidential.title, confidential.visibility) == ("Secret talks", "confidential")


def test_editor_adds_meetings_that_stay_confidential(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:meetings_meeting_add"))
    assert "visibility" not in page.context["adminform"].form.fields
    data = meeting_form_data(visibility="public")  # forged: the form has no such field
    assert client.post(reverse("admin:meetings_meeting_add"), data).status_code == 302
    assert Meeting.objects.get().visibility == "confidential"


def test_editor_forged_visibility_on_change_does_not_publish(client, editor, confidential):
    client.force_login(editor)
    data = meeting_form_data(confidential, title="Renamed", visibility="public")
    response = client.post(_change(confidential), data)
    assert response.status_code == 302
    confidential.refresh_from_db()
    assert (confidential.title, confidential.visibility) == ("Renamed", "confidential")


def test_editor_cannot_delete_meetings_but_can_delete_participations(client, editor, confidential):
    client.force_login(editor)
    delete = reverse("admin:meetings_meeting_delete", args=[confidential.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    participation = confidential.participations.get()
    delete = reverse("admin:meetings_participation_delete", args=[participation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert (Meeting.objects.count(), Participation.objects.count()) == (1, 0)


def test_editor_can_add_and_change_people_but_not_delete(client, editor):
    client.force_login(editor)
    person = make_person(full_name="Old name")
    data = {
        "full_name": "New name",
        "slug": person.slug,
        "sort_name": "",
        "other_names": "",
        "country": "US",
        "bio": "",
        "internal_notes": "",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
    }
    change = reverse("admin:people_person_change", args=[person.pk])
    assert client.post(change, data).status_code == 302
    person.refresh_from_db()
    assert person.full_name == "New name"
    delete = reverse("admin:people_person_delete", args=[person.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_publisher_publishes_and_deletes(client, publisher, confidential):
    confidential.sources.add(make_source())  # a meeting leaves confidential with a source
    client.force_login(publisher)
    page = client.get(_change(confidential))
    assert "visibility" in page.context["adminform"].form.fields
    response = client.post(
        _change(confidential), meeting_form_data(confidential, visibility="public")
    )
    assert response.status_code == 302
    confidential.refresh_from_db()
    assert confidential.visibility == "public"
    delete = reverse("admin:meetings_meeting_delete", args=[confidential.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert Meeting.objects.count() == 0


def test_staff_without_a_group_sees_nothing(client, django_user_model, confidential):
    user = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:meetings_meeting_changelist")).status_code == 403


MATRIX = {
    # (view, add, change, delete, publish) on meetings
    "viewer": (True, False, False, False, False),
    "editor": (True, True, True, False, False),
    "publisher": (True, True, True, True, True),
}


# The mark makes pytest-django run this with the other database tests: the role
# fixtures are looked up by name, so it cannot see that they need the database.
@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(MATRIX))
def test_role_can_do_exactly_what_it_should(request, role):
    user = request.getfixturevalue(role)
    actions = ("view", "add", "change", "delete", "publish")
    found = tuple(user.has_perm(f"meetings.{action}_meeting") for action in actions)
    assert found == MATRIX[role]


@pytest.fixture
def published(db):
    meeting = make_meeting(title="Open talks", slug="open-talks", visibility="public")
    make_participation(meeting, make_person(full_name="Kept Secret"), side="US", anonymised=True)
    meeting.refresh_from_db()
    return meeting


def test_editor_cannot_unmask_an_anonymised_participant_of_a_published_meeting(
    client, editor, published
):
    client.force_login(editor)
    data = meeting_form_data(published, participations=existing_rows(published, anonymised=False))
    response = client.post(_change(published), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert "Tick “anonymised”" in errors["anonymised"][0]
    assert published.participations.get().anonymised is True


def test_editor_cannot_add_a_named_participant_to_a_published_meeting(client, editor, published):
    client.force_login(editor)
    newcomer = make_person(full_name="New Name")
    row = {"person": newcomer.pk, "side": "KP", "capacity": "official", "meeting": published.pk}
    data = meeting_form_data(published, participations=[*existing_rows(published), row])
    assert client.post(_change(published), data).status_code == 200
    assert not published.participations.filter(person=newcomer).exists()
    row["anonymised"] = True
    data = meeting_form_data(published, participations=[*existing_rows(published), row])
    assert client.post(_change(published), data).status_code == 302
    assert published.participations.get(person=newcomer).anonymised is True


def test_editor_cannot_move_a_named_participant_into_a_published_meeting(
    client, editor, published, confidential
):
    client.force_login(editor)
    moving = confidential.participations.get()
    url = reverse("admin:meetings_participation_change", args=[moving.pk])
    data = {
        "meeting": published.pk,
        "person": moving.person_id,
        "side": "US",
        "capacity": moving.capacity,
        "role": moving.role,
        "title_at_time": "",
    }
    assert client.post(url, data).status_code == 200
    moving.refresh_from_db()
    assert moving.meeting == confidential


def test_publisher_may_name_a_participant_of_a_published_meeting(client, publisher, published):
    client.force_login(publisher)
    data = meeting_form_data(published, participations=existing_rows(published, anonymised=False))
    assert client.post(_change(published), data).status_code == 302
    assert published.participations.get().anonymised is False
