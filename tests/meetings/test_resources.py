"""meetings/resources.py: importing meetings from CSV (preview, all or nothing, no
publishing by editors) and exporting them formula-safe."""

import csv
import io

import pytest
from django.urls import reverse

from meetings.models import Meeting
from meetings.resources import MeetingResource
from tests.admin_forms import confirm_import, exported_rows, import_row_errors, upload_csv
from tests.factories import make_berlin_meeting, make_city, make_topic

HEADER = "slug,title,start_date,date_precision,city,status,parties,track_override,visibility,topics"


@pytest.fixture
def places(db):
    make_city(name="Berlin", slug="berlin", country="DE")
    make_topic(name="Sanctions", slug="sanctions")


def test_meeting_import_previews_then_writes_and_derives_the_track(client, publisher, places):
    existing = make_berlin_meeting(slug="berlin-2017", title="Old title", track_override="")
    text = "\n".join(
        [
            HEADER,
            'berlin-2017,Berlin talks,2017-10-01,month,berlin,held,"KP,US",,public,sanctions',
            'oslo-2018,Oslo talks,2018-01-01,year,,reported,"KP,US",2,confidential,',
        ]
    )
    client.force_login(publisher)
    preview = upload_csv(client, "meetings_meeting", text)
    assert preview.status_code == 200
    assert import_row_errors(preview) == {}
    assert Meeting.objects.count() == 1  # the preview wrote nothing
    confirm_import(client, "meetings_meeting", preview)
    existing.refresh_from_db()
    assert (existing.title, existing.track, existing.visibility) == (
        "Berlin talks",
        "1.5",
        "public",
    )
    assert list(existing.topics.values_list("slug", flat=True)) == ["sanctions"]
    oslo = Meeting.objects.get(slug="oslo-2018")
    assert (oslo.track, oslo.side_tracks, oslo.date_display) == (
        "2",
        {"KP": None, "US": None},
        "2018",
    )


def test_meeting_import_with_one_bad_row_lists_errors_and_writes_nothing(client, publisher, places):
    text = "\n".join(
        [
            HEADER,
            'good,Good talks,2017-10-01,month,berlin,held,"KP,US",,confidential,',
            'bad-date,Bad date,2017-10-14,month,berlin,held,"KP,US",,confidential,',
            'bad-country,Bad country,,day,nowhere,held,"KP,XX",,confidential,',
        ]
    )
    client.force_login(publisher)
    preview = upload_csv(client, "meetings_meeting", text)
    assert "confirm_form" not in preview.context
    assert import_row_errors(preview) == {
        2: {"start_date": ["With month precision, give the first day of the month."]},
        3: {
            "city": ["No city with slug “nowhere”."],
            "parties": ["Unknown country code(s): XX."],
        },
    }
    assert Meeting.objects.count() == 0


def test_editor_cannot_publish_through_an_import(client, editor, places):
    text = HEADER + '\nleak,Leak,,day,,held,"KP,US",,public,'
    client.force_login(editor)
    preview = upload_csv(client, "meetings_meeting", text)
    assert import_row_errors(preview) == {
        1: {
            "visibility": [
                "Only publishers can change a meeting's visibility (it stays confidential)."
            ]
        }
    }
    assert Meeting.objects.count() == 0


def test_viewer_cannot_import(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("admin:meetings_meeting_import")).status_code == 403
    assert client.get(reverse("admin:people_person_import")).status_code == 403


def test_meeting_export_cannot_carry_formulas(db):
    make_berlin_meeting(title="=cmd|' /C calc'!A0", venue="@evil", slug="m")
    rows = exported_rows(MeetingResource(), Meeting.objects.all())
    assert [(r["title"], r["track"], r["parties"]) for r in rows] == [
        ("'=cmd|' /C calc'!A0", "1.5", "KP,US")
    ]


def test_admin_export_of_meetings_is_escaped(client, viewer):
    make_berlin_meeting(title="=1+1", slug="m")
    client.force_login(viewer)
    fields = {f"meetingresource_{name}": "on" for name in ("slug", "title", "track")}
    response = client.post(
        reverse("admin:meetings_meeting_export"), {"format": "0", "resource": "0", **fields}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [{"slug": "m", "title": "'=1+1", "track": "1.5"}]


def test_import_page_does_not_offer_the_derived_track(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:meetings_meeting_import"))
    [(_, columns)] = page.context["fields_list"]
    assert "track" not in columns
    assert "track_override" in columns
