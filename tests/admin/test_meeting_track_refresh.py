"""An admin save recomputes the meeting's track once, however many inline rows it writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting
from tests.admin.helpers import existing_rows, meeting_form_data
from tests.factories import make_meeting, make_participation, make_person

ADD_URL = reverse("admin:meetings_meeting_add")


def _meeting_updates(captured):
    """The UPDATE statements on the meetings table, by what they set first."""
    updates = [q["sql"] for q in captured if q["sql"].startswith('UPDATE "meetings_meeting"')]
    return [sql.split(" SET ")[1].split(" = ")[0] for sql in updates]


def _post(client, url, data):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return _meeting_updates(captured.captured_queries)


def test_adding_a_meeting_with_five_rows_recomputes_its_track_once(client, superuser):
    client.force_login(superuser)
    rows = [{"person": make_person().pk, "side": "KP", "capacity": "official"}] + [
        {"person": make_person().pk, "side": "US", "capacity": capacity}
        for capacity in ["former_official", "expert", "expert", "other"]
    ]
    updates = _post(client, ADD_URL, meeting_form_data(participations=rows))
    assert updates == ['"track"']
    meeting = Meeting.objects.get()
    assert meeting.participations.count() == 5
    assert (meeting.track, meeting.side_tracks) == ("1.5", {"KP": "1", "US": "2"})


@pytest.fixture
def five_officials(db):
    """A Track 1 meeting: two officials for North Korea, three for the United States."""
    meeting = make_meeting(parties=["KP", "US"])
    for side in ["KP", "KP", "US", "US", "US"]:
        make_participation(meeting, side=side, capacity="official")
    meeting.refresh_from_db()
    return meeting


def test_changing_five_rows_recomputes_the_track_once(client, superuser, five_officials):
    client.force_login(superuser)
    meeting = five_officials
    rows = [
        row | {"capacity": "expert"} if row["side"] == "US" else row
        for row in existing_rows(meeting)
    ]
    rows[0]["title_at_time"] = "Vice minister"
    rows[1]["role"] = "head"
    data = meeting_form_data(meeting, rows)
    updates = _post(client, reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    # The form's own save of the meeting, then one recomputation for all five rows.
    assert updates == ['"title"', '"track"']
    meeting.refresh_from_db()
    assert (meeting.track, meeting.side_tracks) == ("1.5", {"KP": "1", "US": "2"})


def test_rows_deleted_in_the_same_save_count_for_the_track(client, superuser, five_officials):
    client.force_login(superuser)
    meeting = five_officials
    rows = existing_rows(meeting)
    for row in rows[2:4]:  # two of the three US officials go
        row["DELETE"] = "on"
    rows[4]["capacity"] = "expert"  # the third was an expert all along
    rows.append({"person": make_person().pk, "side": "US", "capacity": "former_official"})
    data = meeting_form_data(meeting, rows)
    updates = _post(client, reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert updates == ['"title"', '"track"']
    meeting.refresh_from_db()
    assert meeting.participations.count() == 4
    assert (meeting.track, meeting.side_tracks) == ("1.5", {"KP": "1", "US": "2"})


def test_deleting_every_row_leaves_the_sides_undetermined(client, superuser, five_officials):
    client.force_login(superuser)
    meeting = five_officials
    rows = [row | {"DELETE": "on"} for row in existing_rows(meeting)]
    data = meeting_form_data(meeting, rows, track_override="2")
    updates = _post(client, reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert updates == ['"title"', '"track"']
    meeting.refresh_from_db()
    assert (meeting.track, meeting.side_tracks) == ("2", {"KP": None, "US": None})


def test_participation_admin_still_recomputes_the_track(client, superuser, five_officials):
    client.force_login(superuser)
    changed = five_officials.participations.filter(side="KP").first()
    five_officials.participations.filter(side="KP").exclude(pk=changed.pk).delete()
    data = {
        "meeting": five_officials.pk,
        "person": changed.person_id,
        "side": "KP",
        "capacity": "expert",
        "role": "member",
        "title_at_time": "",
    }
    url = reverse("admin:meetings_participation_change", args=[changed.pk])
    assert _post(client, url, data) == ['"track"']
    five_officials.refresh_from_db()
    assert (five_officials.track, five_officials.side_tracks) == ("1.5", {"KP": "2", "US": "1"})
