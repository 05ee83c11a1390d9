"""Participants on the meeting's page: compact rows that say what the public will see of
an anonymised participant, and the sources that name each one."""

from django.urls import reverse

from meetings.models import Participation
from tests.admin.helpers import existing_rows, meeting_form_data
from tests.factories import make_meeting, make_participation, make_person, make_source


def _change(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def test_an_anonymised_row_says_what_the_public_sees(client, editor):
    meeting = make_meeting(visibility="confidential")
    make_participation(
        meeting,
        make_person(full_name="Kept Secret"),
        side="KP",
        capacity="official",
        anonymised=True,
        title_at_time="Vice minister",
    )
    make_participation(meeting, make_person(full_name="Named One"), side="US")
    client.force_login(editor)
    html = client.get(_change(meeting)).content.decode()
    views = [
        part.split("</span>")[0]
        for part in html.split(
            '<span class="public-view" data-note="Role and title stay internal.">'
        )[1:]
    ]
    assert views[:2] == [
        "Shown as “a serving official, North Korea”. Role and title stay internal.",
        "",
    ]
    assert 'id="participations-group"' in html
    assert 'data-inline-type="stacked"' in html


def test_a_participants_sources_are_entered_on_their_row(client, editor):
    meeting = make_meeting(visibility="confidential")
    row = make_participation(meeting, side="US")
    meeting.refresh_from_db()
    report = make_source(title="Report")
    client.force_login(editor)
    rows = existing_rows(meeting, sources=[report.pk])
    assert client.post(_change(meeting), meeting_form_data(meeting, rows)).status_code == 302
    assert list(Participation.objects.get(pk=row.pk).sources.all()) == [report]


def test_a_forged_row_value_is_an_error_not_a_failure(client, editor):
    meeting = make_meeting(visibility="confidential")
    client.force_login(editor)
    rows = [{"person": "abc", "side": "US", "capacity": "expert", "sources": ["x"]}]
    response = client.post(_change(meeting), meeting_form_data(meeting, rows))
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert sorted(form.errors) == ["person", "sources"]
