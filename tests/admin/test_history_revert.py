"""The history pages' revert form: no write without the change permission, and a
revert is an ordinary save, under the same rules."""

from django.urls import reverse

from meetings.services import NAMING_MESSAGE
from people.models import Person
from tests.factories import make_affiliation, make_meeting, make_participation, make_person


def _history_form_url(record, version):
    opts = record._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_simple_history"
    return reverse(name, args=[record.pk, version.history_id])


def test_viewer_cannot_rename_a_public_person_through_the_history_page(
    client, csrf_session, viewer
):
    person = make_person(full_name="Ri Yong Ho", slug="ri-yong-ho", bio="Foreign minister.")
    make_participation(make_meeting(visibility="public"), person=person)
    session = csrf_session(viewer)
    forged = {
        "full_name": "Forged Name",
        "slug": "ri-yong-ho",
        "sort_name": "Forged Name",
        "other_names": "",
        "country": "KP",
        "bio": "Forged biography.",
        "internal_notes": "",
    }
    response = session.post(_history_form_url(person, person.history.get()), forged)

    assert response.status_code == 403
    assert Person.objects.values_list("full_name", "bio").get() == (
        "Ri Yong Ho",
        "Foreign minister.",
    )
    assert person.history.count() == 1
    page = client.get(person.get_absolute_url()).content.decode()
    assert ("Ri Yong Ho" in page, "Forged" in page) == (True, False)


def test_editor_revert_cannot_newly_name_a_participant_of_a_published_meeting(
    client, csrf_session, editor
):
    meeting = make_meeting(title="Geneva round", visibility="confidential")
    person = make_person(full_name="Secret Envoy")
    participation = make_participation(meeting, person=person, side="US")
    named_version = participation.history.get()
    participation.anonymised = True
    participation.save()
    meeting.visibility = "public"
    meeting.save()
    session = csrf_session(editor)
    url = _history_form_url(participation, named_version)
    form = session.get(url).context["adminform"].form
    assert form["anonymised"].value() is False  # the form offers the named version
    data = {name: form[name].value() for name in ["meeting", "person", "side", "capacity", "role"]}

    response = session.post(url, data | {"title_at_time": ""})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"anonymised": [NAMING_MESSAGE]}
    participation.refresh_from_db()
    assert (participation.anonymised, participation.history.count()) == (True, 2)
    assert "Secret Envoy" not in client.get(meeting.get_absolute_url()).content.decode()


def test_editor_revert_restores_a_person_as_an_ordinary_save_would(csrf_session, editor):
    person = make_person(full_name="Ri Yong Ho", bio="Before.")
    affiliation = make_affiliation(person, role="Minister")
    old = person.history.get()
    person.full_name, person.bio = "Ri Yong-ho", "After."
    person.save()
    session = csrf_session(editor)
    page = session.get(_history_form_url(person, old))
    assert (page.context["revert_disabled"], page.context["adminform"].form["bio"].value()) == (
        False,
        "Before.",
    )
    data = {"full_name": "Ri Yong Ho", "slug": person.slug, "country": "US", "bio": "Before."}

    response = session.post(_history_form_url(person, old), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.bio) == ("Ri Yong Ho", "Before.")
    latest = person.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        editor,
        f"Restored the version of {old.history_date:%Y-%m-%d %H:%M} (#{old.history_id})",
    )
    assert list(person.affiliations.all()) == [affiliation]  # inlines are left alone


def test_viewer_sees_old_versions_without_a_revert_button(csrf_session, viewer):
    person = make_person()
    page = csrf_session(viewer).get(_history_form_url(person, person.history.get()))
    assert (page.status_code, page.context["revert_disabled"]) == (200, True)
    assert 'name="_save"' not in page.content.decode()


def test_revert_of_a_deleted_record_restores_nothing(csrf_session, publisher):
    person = make_person()
    version = person.history.get()
    url = _history_form_url(person, version)
    person.delete()
    response = csrf_session(publisher).post(url, {"full_name": "Back", "slug": "back"})
    assert response.status_code == 302
    assert Person.objects.count() == 0


def test_history_page_cannot_add_a_record_as_new(csrf_session, editor):
    person = make_person(full_name="Ri Yong Ho", slug="ri-yong-ho")
    data = {"full_name": "Copy", "slug": "copy", "country": "US", "_saveasnew": "Save as new"}
    response = csrf_session(editor).post(_history_form_url(person, person.history.get()), data)
    assert (response.status_code, Person.objects.count()) == (403, 1)
