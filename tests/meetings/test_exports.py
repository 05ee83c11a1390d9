"""CSV, JSON and iCalendar exports, the Atom feed, the sitemap and robots.txt."""

import csv
import datetime
import io
import json

import pytest

from meetings.exports import csv_cells
from meetings.models import Visibility
from tests.factories import make_city, make_meeting, make_participation, make_person
from tests.pages import body

pytestmark = pytest.mark.django_db


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


def test_json_export_is_the_filtered_listing(client, demo):
    response = client.get("/meetings/export.json", {"city": "berlin", "page": "7"})
    assert response.status_code == 200
    assert response.streaming
    data = json.loads(body(response))
    assert data["count"] == 2
    assert [r["slug"] for r in data["results"]] == ["talks-in-berlin", "undated-contact"]
    first = data["results"][0]
    assert {k: first[k] for k in ("title", "start_date", "date_precision", "city", "country")} == {
        "title": "Talks in Berlin",
        "start_date": "2017-10-01",
        "date_precision": "month",
        "city": "Berlin",
        "country": "DE",
    }
    assert (first["track"], first["status"]) == ("1.5", "reported")
    assert first["topics"] == [{"slug": "denuclearisation", "name": "Denuclearisation"}]
    assert [(p["name"], p["label"]) for p in first["participants"]] == [
        ("Choe Son-hui", "a serving official, North Korea"),
        ("Joel Wit", "a former official, United States"),
        (None, "an expert, United States"),
    ]


def test_json_export_hides_anonymised_names_and_withheld_participants(client, demo):
    data = json.loads(body(client.get("/meetings/export.json")))
    by_slug = {r["slug"]: r for r in data["results"]}
    assert by_slug["round-in-geneva"]["participants"] == []
    assert by_slug["round-in-geneva"]["participants_disclosed"] is False
    undated = by_slug["undated-contact"]["participants"]
    anonymised = [p for p in undated if p["name"] is None]
    assert anonymised == [
        {
            "name": None,
            "person": None,
            "label": "an expert, North Korea",
            "side": "KP",
            "capacity": "expert",
            "role": None,
            "title_at_time": "",
        }
    ]


def test_json_export_of_empty_result(client):
    assert json.loads(body(client.get("/meetings/export.json"))) == {"count": 0, "results": []}


def test_csv_export_matches_listing_order_and_filters(client, demo):
    response = client.get("/meetings/export.csv", {"sort": "date"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="backchannel-')
    rows = csv_rows(response)
    assert [row["slug"] for row in rows] == [
        "round-in-geneva",
        "talks-in-berlin",
        "undated-contact",
    ]
    assert rows[0]["participants"] == "not disclosed"
    assert rows[1]["side_tracks"] == "KP: 1; US: 2"


@pytest.mark.parametrize(
    "prefix",
    ["=", "+", "-", "@", "\t", "\r", "\n", " =", "\u00a0=", "\n=", "＝", "＋", "－", "＠"],
)
def test_csv_export_neutralises_formulas(client, prefix):
    make_meeting(title=f'{prefix}HYPERLINK("http://evil")', venue=f"{prefix}1+1")
    row = csv_rows(client.get("/meetings/export.csv"))[0]
    assert row["title"] == f'\'{prefix}HYPERLINK("http://evil")'
    assert row["venue"] == f"'{prefix}1+1"


def test_csv_export_quotes_a_formula_behind_a_control_character(client):
    make_meeting(title="\x01=1+1", venue="\x0c@SUM(A1)")  # create() skips full_clean
    row = csv_rows(client.get("/meetings/export.csv"))[0]
    assert (row["title"], row["venue"]) == ("'=1+1", "' @SUM(A1)")


def test_csv_export_names_only_publicly_named(client):
    meeting = make_meeting()
    make_participation(meeting, make_person(full_name="Named Nora"), side="US")
    make_participation(meeting, make_person(full_name="Hidden Hal"), side="KP", anonymised=True)
    cell = csv_rows(client.get("/meetings/export.csv"))[0]["participants"]
    assert cell == "an expert, North Korea; Named Nora (an expert, United States)"


def test_exports_stream_with_bounded_queries(client, django_assert_max_num_queries):
    city = make_city()
    for n in range(30):
        meeting = make_meeting(city=city, start_date=datetime.date(2000 + n % 20, 1, 1))
        make_participation(meeting)
    with django_assert_max_num_queries(8):
        assert len(json.loads(body(client.get("/meetings/export.json")))["results"]) == 30
    with django_assert_max_num_queries(8):
        assert len(csv_rows(client.get("/meetings/export.csv"))) == 30


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


def test_atom_feed_lists_public_meetings_only(client, demo):
    make_meeting(title="Confidential feed item", visibility=Visibility.CONFIDENTIAL)
    response = client.get("/meetings/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    text = body(response)
    assert text.count("<entry>") == 3
    assert "Talks in Berlin" in text
    assert "Confidential feed item" not in text


def test_sitemap_lists_public_meetings_and_people(client, demo):
    make_meeting(slug="hidden-meeting", visibility=Visibility.CONFIDENTIAL)
    text = body(client.get("/sitemap.xml"))
    assert "http://testserver/meetings/talks-in-berlin/" in text
    assert "http://testserver/meetings/round-in-geneva/" in text
    assert "http://testserver/people/joel-wit/" in text
    assert "hidden-meeting" not in text


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert body(response).splitlines() == [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_listing_links_to_exports_with_its_filters(client, demo):
    html = body(client.get("/meetings/", {"city": "berlin", "page": "1"}))
    assert 'href="/meetings/export.csv?city=berlin"' in html
    assert 'href="/meetings/export.json?city=berlin"' in html
    assert 'href="/meetings/calendar.ics?city=berlin"' in html
    assert 'href="/meetings/feed/"' in html


@pytest.mark.parametrize("batch_size", [5000, 2])
def test_csv_and_json_write_the_same_records(client, demo, batch_size, monkeypatch):
    """One record builder: each CSV row is the JSON record, flattened, batch after batch."""
    monkeypatch.setattr("meetings.exports.BATCH_SIZE", batch_size)
    withheld = make_meeting(
        title="=Withheld", visibility=Visibility.PARTICIPANTS_WITHHELD, summary="+1"
    )
    make_participation(withheld, make_person(full_name="Hidden Person"), side="US")
    records = json.loads(body(client.get("/meetings/export.json", secure=True)))["results"]
    rows = list(csv.reader(io.StringIO(body(client.get("/meetings/export.csv", secure=True)))))
    assert rows[1:] == [csv_cells(record) for record in records]
    assert [(row[0], row[1], row[16]) for row in rows[1:]] == [
        (
            "talks-in-berlin",
            "Talks in Berlin",
            "Choe Son-hui (a serving official, North Korea); "
            "Joel Wit (a former official, United States); an expert, United States",
        ),
        ("round-in-geneva", "Round in Geneva", "not disclosed"),
        (withheld.slug, "'=Withheld", "not disclosed"),
        (
            "undated-contact",
            "Undated contact",
            "an expert, North Korea; Joel Wit (an expert, United States)",
        ),
    ]


def test_feed_dates_are_publication_dates_newest_first(client):
    import datetime

    from django.utils import timezone

    from meetings.models import Meeting
    from tests.factories import make_meeting

    old = make_meeting(title="Entered long ago", slug="entered-long-ago", visibility="confidential")
    Meeting.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=4000)
    )
    make_meeting(title="Published first", slug="published-first")
    old.refresh_from_db()
    old.visibility = "public"
    old.save()
    text = body(client.get("/meetings/feed/"))
    assert text.index("Entered long ago") < text.index("Published first")
    assert str(old.created_at.year) not in text.split("Entered long ago")[1].split("</entry>")[0]
