"""meetings/ical.py: the calendar as the icalendar library writes it."""

import datetime

import pytest

from tests.factories import make_meeting
from tests.pages import body

pytestmark = pytest.mark.django_db


def test_calendar_has_all_day_events_at_their_precision(client, demo):
    make_meeting(
        title="Two-day round; with, commas",
        slug="two-day",
        start_date=datetime.date(2018, 6, 30),
        end_date=datetime.date(2018, 7, 1),
    )
    make_meeting(slug="december", start_date=datetime.date(2019, 12, 1), date_precision="month")
    response = client.get("/meetings/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = body(response)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    events = text.split("BEGIN:VEVENT")[1:]
    assert len(events) == 4  # the undated meeting is left out
    by_uid = {e.split("UID:")[1].split("@")[0]: e for e in events}
    assert "DTSTART;VALUE=DATE:20171001\r\nDTEND;VALUE=DATE:20171101" in by_uid["talks-in-berlin"]
    assert "DTSTART;VALUE=DATE:20160101\r\nDTEND;VALUE=DATE:20170101" in by_uid["round-in-geneva"]
    assert "DTSTART;VALUE=DATE:20180630\r\nDTEND;VALUE=DATE:20180702" in by_uid["two-day"]
    assert "DTSTART;VALUE=DATE:20191201\r\nDTEND;VALUE=DATE:20200101" in by_uid["december"]
    assert "SUMMARY:Two-day round\\; with\\, commas" in by_uid["two-day"]


def test_calendar_keeps_a_backslash_before_n(client):
    """icalendar would read the backslash in "C:\\New" as the start of a line break."""
    make_meeting(title="C:\\New folder; a\\\\N", start_date=datetime.date(2017, 10, 1))
    text = body(client.get("/meetings/calendar.ics"))
    assert "\r\nSUMMARY:C:\\\\New folder\\; a\\\\\\\\N\r\n" in text


def test_calendar_takes_listing_filters(client, demo):
    text = body(client.get("/meetings/calendar.ics", {"city": "geneva"}))
    assert text.count("BEGIN:VEVENT") == 1


def test_calendar_lines_are_folded_within_75_octets(client):
    """Folding is the icalendar library's: no physical line over 75 octets, never inside
    a character, and unfolding gives the text back."""
    make_meeting(title="é" * 100, start_date=datetime.date(2017, 10, 1))
    text = body(client.get("/meetings/calendar.ics"))
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "\r\nSUMMARY:" + "é" * 100 + "\r\n" in unfolded
