"""backchannel/admin_tools.py: history pages that write only as the change view does (every
admin with history, every role, forged reverts), the cheap paginator, formula-safe
admin exports."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse

from backchannel.admin_tools import EstimatedCountPaginator, GuardedHistoryAdmin
from meetings.models import Meeting
from meetings.services import NAMING_MESSAGE
from people.models import Person
from people.resources import PersonResource
from tests import factories as f
from tests.admin_forms import database_state, exported_rows, meeting_form_data
from tests.factories import make_affiliation, make_meeting, make_participation, make_person

ROLES = ["Editors", "Publishers", "Viewers", None]  # None: staff in no group


def _history_admins():
    """The registered admins whose model keeps history, found, not listed."""
    return sorted(
        (
            model_admin
            for model, model_admin in admin.site._registry.items()
            if hasattr(model._meta, "simple_history_manager_attribute")
        ),
        key=lambda model_admin: model_admin.opts.label,
    )


HISTORY_ADMINS = _history_admins()


def test_the_walk_finds_the_admins_with_history():
    assert len(HISTORY_ADMINS) >= 3  # people, meetings and participations at least


@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda a: a.opts.label)
def test_every_admin_with_history_uses_the_guarded_history_pages(model_admin):
    assert isinstance(model_admin, GuardedHistoryAdmin)


@pytest.fixture
def record_set(db):
    call_command("setup_roles", stdout=io.StringIO())
    call_command("loaddemo", stdout=io.StringIO())


def _staff(django_user_model, role):
    user = django_user_model.objects.create_user(
        f"staff-{role or 'nogroup'}", password="pw", is_staff=True
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _a_version(model_admin):
    """The oldest version of the first record of this admin's model that has one."""
    model = model_admin.model
    history = getattr(model, model._meta.simple_history_manager_attribute)
    version = history.order_by(model._meta.pk.attname, "history_id").first()
    assert version is not None, f"the demo has no {model._meta.verbose_name} with history"
    return model._default_manager.get(pk=version.instance.pk), version


def _form_url(record, version):
    opts = record._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[record.pk, version.history_id],
    )


def _posted_form(client, url):
    """What the revert form at ``url`` would post, as a superuser's browser sees it."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = str(value)
    return data


def _free_text_field(model, data):
    """A plain text field of the form, not unique and without choices, to forge."""
    for field in model._meta.concrete_fields:
        plain = isinstance(field, models.CharField | models.TextField)
        if plain and field.name in data and not field.choices and not field.unique:
            return field.name
    raise AssertionError(f"{model._meta.label} has no free text field on its form")


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "no-group")
@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda a: a.opts.label)
def test_a_forged_revert_writes_only_with_the_change_permission(
    model_admin, role, record_set, client, csrf_session, django_user_model
):
    record, version = _a_version(model_admin)
    url = _form_url(record, version)
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    data = _posted_form(client, url)
    field = _free_text_field(model_admin.model, data)
    data[field] = f"Forged by {role}"
    user = _staff(django_user_model, role)
    opts = model_admin.opts
    may_write = getattr(model_admin, "history_revert", True) and user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )
    before = database_state()

    response = csrf_session(user).post(url, data)

    record.refresh_from_db()
    if may_write:
        assert (response.status_code, getattr(record, field)) == (302, f"Forged by {role}")
        latest = version.instance.history.first()
        assert (latest.history_user, latest.history_change_reason) == (
            user,
            f"Restored the version of {version.history_date:%Y-%m-%d %H:%M} "
            f"(#{version.history_id})",
        )
    else:
        assert response.status_code == 403
        assert database_state() == before


@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda a: a.opts.label)
def test_history_pages_answer_404_to_ids_that_are_not_ids(model_admin, admin_client):
    opts = model_admin.opts
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [
        reverse(f"{prefix}_history", args=["abc"]),
        reverse(f"{prefix}_simple_history", args=["abc", "1"]),
        reverse(f"{prefix}_simple_history", args=["1", "abc"]),
        reverse(f"{prefix}_simple_history", args=["1", "99999999999999999999999"]),
        reverse(f"{prefix}_simple_history", args=["99999999999999999999999", "1"]),
    ]
    statuses = [admin_client.get(url).status_code for url in urls]
    statuses += [admin_client.post(url, {}).status_code for url in urls]
    assert statuses == [404] * 10


def test_admin_change_of_a_meeting_records_history_with_the_user(client, editor):
    meeting = make_meeting(title="Before", slug="before", visibility="confidential")
    person = make_person()
    client.force_login(editor)
    rows = [{"person": person.pk, "side": "US", "capacity": "expert"}]
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    assert client.post(url, meeting_form_data(meeting, rows, title="After")).status_code == 302
    latest = meeting.history.first()
    assert (latest.title, latest.history_type, latest.history_user) == ("After", "~", editor)
    participation = person.participations.get()
    assert [(h.history_type, h.history_user) for h in participation.history.all()] == [
        ("+", editor)
    ]


def test_admin_change_of_a_person_records_history_with_the_user(client, editor):
    person = make_person(full_name="Ri Yong Ho")
    client.force_login(editor)
    data = {
        "full_name": "Ri Yong-ho",
        "slug": person.slug,
        "sort_name": "Ri Yong Ho",
        "other_names": "",
        "country": "KP",
        "bio": "",
        "internal_notes": "",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
    }
    url = reverse("admin:people_person_change", args=[person.pk])
    assert client.post(url, data).status_code == 302
    assert [(h.full_name, h.history_user) for h in person.history.all()] == [
        ("Ri Yong-ho", editor),
        ("Ri Yong Ho", None),
    ]


def test_history_page_lists_the_change(client, editor):
    meeting = make_meeting(title="Before", slug="before")
    client.force_login(editor)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    client.post(url, meeting_form_data(meeting, title="After"))
    page = client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    assert page.status_code == 200
    assert [h.history_user for h in page.context["page_obj"].object_list] == [editor, None]


def test_meeting_history_cannot_revert(client, publisher):
    meeting = make_meeting(title="Before", slug="before", visibility="public")
    meeting.title = "After"
    meeting.visibility = "confidential"
    meeting.save()
    client.force_login(publisher)
    old = meeting.history.last()
    url = reverse("admin:meetings_meeting_simple_history", args=[meeting.pk, old.history_id])
    assert client.post(url, {"title": "Before"}).status_code == 403
    meeting.refresh_from_db()
    assert (meeting.title, meeting.visibility) == ("After", "confidential")


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


@pytest.mark.django_db
def test_paginator_counts_exactly_when_filtered_or_small():
    paginator = EstimatedCountPaginator(Meeting.objects.filter(track="1"), 50)
    assert paginator.count == 0


@pytest.mark.django_db
def test_paginator_uses_table_statistics_for_a_large_unfiltered_table(monkeypatch):
    from backchannel import admin_tools

    monkeypatch.setattr(admin_tools, "_table_estimate", lambda queryset: 123_456)
    f.make_meeting()
    assert EstimatedCountPaginator(Meeting.objects.all(), 50).count == 123_456
    assert EstimatedCountPaginator(Meeting.objects.filter(track=""), 50).count == 1
    monkeypatch.setattr(admin_tools, "_table_estimate", lambda queryset: 500)
    assert EstimatedCountPaginator(Meeting.objects.all(), 50).count == 1


@pytest.mark.django_db
def test_table_estimate_reads_statistics_on_postgresql():
    from backchannel.admin_tools import _table_estimate

    f.make_meeting()
    if connection.vendor != "postgresql":
        assert _table_estimate(Meeting.objects.all()) is None
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_meeting")
    assert _table_estimate(Meeting.objects.all()) in {0, 1}


def test_admin_export_quotes_formulas_behind_blanks(db):
    make_person(full_name="\u00a0=cmd", bio="\x0c=1+1", slug="kim")
    [row] = exported_rows(PersonResource(), Person.objects.all())
    assert (row["full_name"], row["bio"]) == ("'\u00a0=cmd", "' =1+1")
