from django.urls import reverse

from tests.admin.helpers import meeting_form_data
from tests.factories import make_meeting, make_person


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
