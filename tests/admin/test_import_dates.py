"""The CSV import reads dates as the sources give them: one ISO 8601 reduced date
(2019, 2019-03, 2019-03-15) or year, month and day columns, with a clear error per bad
row; the export writes them so that a file imports again as it was."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import CSV

from meetings.models import Meeting
from meetings.resources import MeetingResource
from tests.factories import make_meeting


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
