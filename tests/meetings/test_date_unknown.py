"""'unknown' is the date precision exactly when a meeting has no start date: stored so,
checked by the database, and shown as ``unknown`` in the exports ("date unknown" in the
admin: tests/admin/test_meeting_dates.py). Migration 0011 fixes the rows written before."""

import csv
import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from meetings.models import Meeting
from tests.factories import make_meeting, make_source

pytestmark = pytest.mark.django_db

BEFORE = ("meetings", "0010_missed_cache_bump")


def test_meeting_without_a_date_is_stored_with_precision_unknown():
    meeting = make_meeting(start_date=None, date_precision="day")
    meeting.refresh_from_db()
    assert meeting.date_precision == "unknown"


def test_meeting_given_a_date_and_no_precision_is_known_to_the_day():
    meeting = Meeting.objects.create(title="T", slug="t", start_date=datetime.date(2019, 3, 15))
    assert (meeting.date_precision, meeting.date_display) == ("day", "15 March 2019")


@pytest.mark.parametrize(
    "changes",
    [
        {"date_precision": "unknown"},  # dated, yet "unknown"
        {"start_date": None},  # undated, yet "month"
    ],
)
def test_database_refuses_unknown_other_than_exactly_when_undated(changes):
    meeting = make_meeting(start_date=datetime.date(2019, 3, 1), date_precision="month")
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(**changes)
    if connection.vendor == "postgresql":
        assert "meetings_meeting_unknown_exactly_when_undated" in str(error.value)


def test_full_clean_refuses_a_dated_meeting_of_unknown_precision():
    meeting = Meeting(
        title="T", slug="t", start_date=datetime.date(2019, 3, 1), date_precision="unknown"
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["date_precision"] == [
        "A dated meeting is known to a day, a month or a year."
    ]


def test_exports_give_an_undated_meeting_precision_unknown(client):
    meeting = make_meeting(slug="undated", start_date=None)
    meeting.sources.add(make_source())
    records = json.loads(_read(client, "/meetings/export.json"))["results"]
    rows = list(csv.DictReader(io.StringIO(_read(client, "/meetings/export.csv"))))
    assert [(r["slug"], r["date_precision"]) for r in records] == [("undated", "unknown")]
    assert [(r["slug"], r["date_precision"]) for r in rows] == [("undated", "unknown")]


def _read(client, path):
    response = client.get(path)
    return b"".join(response.streaming_content).decode()


def _models_at(node):
    return MigrationLoader(connection).project_state(node).apps


@pytest.mark.django_db(transaction=True)
def test_migration_0011_makes_undated_meetings_unknown_and_back():
    from tests.meetings.test_public_counts import installed_trigger_code, written_trigger_code

    call_command("migrate", *BEFORE, verbosity=0)
    try:
        then = _models_at(BEFORE)
        old = then.get_model("meetings", "Meeting")
        old.objects.create(title="Undated", slug="undated", date_precision="day")
        old.objects.create(
            title="Dated", slug="dated", start_date="2019-03-01", date_precision="month"
        )
        then.get_model("meetings", "HistoricalMeeting").objects.create(
            id=1,
            title="Undated",
            slug="undated",
            date_precision="day",
            history_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            history_type="+",
            created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        )
        call_command("migrate", "meetings", "0011", verbosity=0)
        assert _precisions() == {"undated": "unknown", "dated": "month"}
        assert _history_precisions() == ["unknown"]
        assert installed_trigger_code() == written_trigger_code()
        call_command("migrate", *BEFORE, verbosity=0)
        assert _precisions() == {"undated": "day", "dated": "month"}
        assert installed_trigger_code() == written_trigger_code()
    finally:
        call_command("migrate", "meetings", verbosity=0)
        Meeting.history.all().delete()
        Meeting.objects.all().delete()


def _precisions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug, date_precision FROM meetings_meeting")
        return dict(cursor.fetchall())


def _history_precisions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_precision FROM meetings_historicalmeeting")
        return [row[0] for row in cursor.fetchall()]
