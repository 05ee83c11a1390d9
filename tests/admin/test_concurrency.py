from django.urls import reverse

from meetings.forms import STALE_MESSAGE
from tests.admin.helpers import meeting_form_data
from tests.factories import make_meeting


def test_second_editor_saving_a_stale_form_gets_an_error(client, editor, publisher):
    meeting = make_meeting(title="Original", slug="original", visibility="confidential")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    # Both open the form: each carries the version they saw.
    client.force_login(editor)
    seen_by_first = client.get(url).context["adminform"].form["seen_updated_at"].value()
    client.force_login(publisher)
    seen_by_second = client.get(url).context["adminform"].form["seen_updated_at"].value()
    assert seen_by_first == seen_by_second == meeting.updated_at.isoformat()

    client.force_login(editor)
    first = meeting_form_data(meeting, title="First edit", seen_updated_at=seen_by_first)
    assert client.post(url, first).status_code == 302

    client.force_login(publisher)
    second = meeting_form_data(meeting, title="Second edit", seen_updated_at=seen_by_second)
    response = client.post(url, second)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [STALE_MESSAGE]
    assert "changed by someone else since you opened it" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "First edit"


def test_saving_a_fresh_form_twice_in_a_row_works(client, editor):
    meeting = make_meeting(title="Original", slug="original")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    client.force_login(editor)
    assert client.post(url, meeting_form_data(meeting, title="One")).status_code == 302
    meeting.refresh_from_db()
    assert client.post(url, meeting_form_data(meeting, title="Two")).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Two"


def test_a_post_without_the_version_is_refused(client, editor):
    meeting = make_meeting(title="Original", slug="original")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    client.force_login(editor)
    data = meeting_form_data(meeting, title="Blind", seen_updated_at="")
    assert client.post(url, data).status_code == 200
    meeting.refresh_from_db()
    assert meeting.title == "Original"
