"""meetings/ical.py: the calendar as the icalendar library writes it."""

import datetime

import pytest

from tests.factories import make_meeting
from tests.pages import body

pytestmark = pytest.mark.django_db


def test_calendar_holds_only_meetings_dated_to_the_day(client, demo):
    """Month and year precision would be month- and year-long blocks, which no source
    says: they are left out, as undated meetings are."""
    make_meeting(
        title="Two-day round; with, commas",
        slug="two-day",
        start_date=datetime.date(2018, 6, 30),
        end_date=datetime.date(2018, 7, 1),
        date_precision="day",
    )
    make_meeting(slug="one-day", start_date=datetime.date(2019, 3, 5), date_precision="day")
    make_meeting(slug="december", start_date=datetime.date(2019, 12, 1), date_precision="month")
    make_meeting(slug="a-year", start_date=datetime.date(2019, 1, 1), date_precision="year")
    response = client.get("/meetings/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = body(response)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    events = text.split("BEGIN:VEVENT")[1:]
    by_uid = {e.split("UID:")[1].split("@")[0]: e for e in events}
    assert sorted(by_uid) == ["one-day", "two-day"]  # demo: a month, a year, undated
    assert "DTSTART;VALUE=DATE:20180630\r\nDTEND;VALUE=DATE:20180702" in by_uid["two-day"]
    assert "DTSTART;VALUE=DATE:20190305\r\nDTEND;VALUE=DATE:20190306" in by_uid["one-day"]
    assert "SUMMARY:Two-day round\\; with\\, commas" in by_uid["two-day"]


def test_calendar_keeps_a_backslash_before_n(client):
    """icalendar would read the backslash in "C:\\New" as the start of a line break."""
    make_meeting(title="C:\\New folder; a\\\\N", start_date=datetime.date(2017, 10, 1))
    text = body(client.get("/meetings/calendar.ics"))
    assert "\r\nSUMMARY:C:\\\\New folder\\; a\\\\\\\\N\r\n" in text


def test_calendar_takes_listing_filters(client, demo):
    geneva = demo["geneva_meeting"].city
    make_meeting(slug="in-geneva", city=geneva, start_date=datetime.date(2019, 3, 5))
    make_meeting(slug="elsewhere", start_date=datetime.date(2019, 3, 5), parties=["CN", "US"])
    make_meeting(slug="later", city=geneva, start_date=datetime.date(2021, 3, 5))
    for query, slugs in [
        ({"city": "geneva"}, ["in-geneva", "later"]),
        ({"party": "CN"}, ["elsewhere"]),
        ({"from": "2019-03", "to": "2019"}, ["elsewhere", "in-geneva"]),
    ]:
        text = body(client.get("/meetings/calendar.ics", query))
        uids = [e.split("UID:")[1].split("@")[0] for e in text.split("BEGIN:VEVENT")[1:]]
        assert sorted(uids) == slugs, query


def test_calendar_refuses_a_bad_range_naming_it(client):
    response = client.get("/meetings/calendar.ics", {"from": "2019-13"})
    assert response.status_code == 400
    assert body(response).startswith("Parameter from: ")


def test_calendar_lines_are_folded_within_75_octets(client):
    """Folding is the icalendar library's: no physical line over 75 octets, never inside
    a character, and unfolding gives the text back."""
    make_meeting(title="é" * 100, start_date=datetime.date(2017, 10, 1))
    text = body(client.get("/meetings/calendar.ics"))
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "\r\nSUMMARY:" + "é" * 100 + "\r\n" in unfolded
