"""meetings/resources.py: importing meetings from CSV (preview, all or nothing, no
publishing by editors) and exporting them formula-safe."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import CSV

from meetings.models import Meeting
from meetings.resources import MeetingResource
from tests.admin_forms import confirm_import, exported_rows, import_row_errors, upload_csv
from tests.factories import make_berlin_meeting, make_city, make_meeting, make_topic

HEADER = "slug,title,date,city,status,parties,track_override,visibility,topics"


@pytest.fixture
def places(db):
    make_city(name="Berlin", slug="berlin", country="DE")
    make_topic(name="Sanctions", slug="sanctions")


def test_meeting_import_previews_then_writes_and_derives_the_track(client, publisher, places):
    existing = make_berlin_meeting(slug="berlin-2017", title="Old title", track_override="")
    text = "\n".join(
        [
            HEADER,
            'berlin-2017,Berlin talks,2017-10,berlin,held,"KP,US",,public,sanctions',
            'oslo-2018,Oslo talks,2018,,reported,"KP,US",2,confidential,',
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
            'good,Good talks,2017-10,berlin,held,"KP,US",,confidential,',
            'bad-date,Bad date,2017-04-31,berlin,held,"KP,US",,confidential,',
            'bad-country,Bad country,,nowhere,held,"KP,XX",,confidential,',
        ]
    )
    client.force_login(publisher)
    preview = upload_csv(client, "meetings_meeting", text)
    assert "confirm_form" not in preview.context
    assert import_row_errors(preview) == {
        2: {"date": ["April 2017 has 30 days."]},
        3: {
            "city": ["No city with slug “nowhere”."],
            "parties": ["Unknown country code(s): XX."],
        },
    }
    assert Meeting.objects.count() == 0


def test_editor_cannot_publish_through_an_import(client, editor, places):
    text = HEADER + '\nleak,Leak,,,held,"KP,US",,public,'
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


def _preview(client, text):
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    url = reverse("admin:meetings_meeting_import")
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})


def _errors(preview):
    return {
        row.number: {f: [str(e) for e in errors] for f, errors in row.field_specific_errors.items()}
        for row in preview.context["result"].invalid_rows
    }


def _import(client, text):
    preview = _preview(client, text)
    assert _errors(preview) == {}
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    client.post(reverse("admin:meetings_meeting_process_import"), data, follow=True)


def _dates(slug):
    meeting = Meeting.objects.get(slug=slug)
    return meeting.start_date, meeting.date_precision, meeting.end_date


@pytest.mark.parametrize(
    ("header", "cells", "stored"),
    [
        ("date", "2019", (datetime.date(2019, 1, 1), "year", None)),
        ("date", "2019-03", (datetime.date(2019, 3, 1), "month", None)),
        ("date", "2019-03-15", (datetime.date(2019, 3, 15), "day", None)),
        ("date", "", (None, "unknown", None)),
        (
            "date,end",
            "2019-03,2019-05",
            (datetime.date(2019, 3, 1), "month", datetime.date(2019, 5, 31)),
        ),
        ("year,month,day", "2019,3,", (datetime.date(2019, 3, 1), "month", None)),
        (
            "year,month,day,end_year,end_month,end_day",
            "2019,3,15,2019,3,17",
            (datetime.date(2019, 3, 15), "day", datetime.date(2019, 3, 17)),
        ),
        ("year", "", (None, "unknown", None)),
    ],
)
def test_import_reads_dates_as_the_sources_give_them(client, editor, header, cells, stored):
    client.force_login(editor)
    _import(client, f"slug,title,{header}\nm,Talks,{cells}\n")
    assert _dates("m") == stored


@pytest.mark.parametrize(
    ("header", "cells", "errors"),
    [
        (
            "date",
            "March 2019",
            {"date": ["“March 2019” is not a date: write 2019, 2019-03 or 2019-03-15."]},
        ),
        ("date", "2019-04-31", {"date": ["April 2019 has 30 days."]}),
        ("year,month,day", "2019,4,31", {"date": ["April 2019 has 30 days."]}),
        ("year,month,day", "2019,March,", {"date": ["month: “March” is not a number."]}),
        ("year,month,day", ",3,", {"date": ["Give the year as well."]}),
        ("year,month,day", "2019,٣,", {"date": ["month: “٣” is not a number."]}),
        ("year,month,day", "20190,3,", {"date": ["year: “20190” is not a number."]}),
        ("date,year", "2019,2019", {"date": ["Give date or year, month, day, not both."]}),
        (
            "date,end",
            "2019-03,2019",
            {"end": ["Give the end as precisely as the date (to the month)."]},
        ),
        ("date,end", "2019,2018", {"end": ["The end cannot be before the date."]}),
        ("date", "1899", {"date": ["Enter a date from 1 January 1900 to LAST."]}),
        (
            "start_date,date_precision",
            "2019-03-01,month",
            {
                "date": [
                    "The column start_date is replaced by date (2019, 2019-03 or 2019-03-15) "
                    "and end, or by year, month and day."
                ]
            },
        ),
    ],
)
def test_import_refuses_bad_dates_row_by_row(client, editor, header, cells, errors):
    from backchannel.records import last_entry_date

    last = last_entry_date()
    expected = {
        field: [m.replace("LAST", f"{last.day} {last:%B %Y}") for m in messages]
        for field, messages in errors.items()
    }
    client.force_login(editor)
    text = f"slug,title,{header}\ngood,Good talks,{(cells.split(',')[0] and '2019') or ''}"
    text = f"slug,title,{header}\nbad,Bad talks,{cells}\n"
    preview = _preview(client, text)
    assert _errors(preview) == {1: expected}
    assert not Meeting.objects.exists()


def test_import_without_date_columns_leaves_the_dates_as_they_are(client, editor):
    make_meeting(slug="m", start_date=datetime.date(2019, 3, 1), date_precision="month")
    client.force_login(editor)
    _import(client, "slug,title\nm,Renamed\n")
    assert _dates("m") == (datetime.date(2019, 3, 1), "month", None)


def test_exported_dates_import_again_as_they_were(client, editor):
    make_meeting(
        slug="a",
        start_date=datetime.date(2019, 3, 1),
        date_precision="month",
        end_date=datetime.date(2019, 4, 30),
    )
    make_meeting(slug="b", start_date=datetime.date(2016, 1, 1), date_precision="year")
    make_meeting(slug="c", start_date=datetime.date(2017, 10, 14), date_precision="day")
    make_meeting(slug="d", start_date=None)
    before = {slug: _dates(slug) for slug in "abcd"}
    text = CSV().export_data(MeetingResource().export(Meeting.objects.order_by("slug")))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["slug"], r["date"], r["end"]) for r in rows] == [
        ("a", "2019-03", "2019-04"),
        ("b", "2016", ""),
        ("c", "2017-10-14", ""),
        ("d", "", ""),
    ]
    Meeting.objects.update(start_date=None, end_date=None, date_precision="unknown")
    client.force_login(editor)
    _import(client, text)
    assert {slug: _dates(slug) for slug in "abcd"} == before
