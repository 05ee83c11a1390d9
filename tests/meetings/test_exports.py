"""meetings/exports.py: CSV and JSON from one record builder, filtered like the listing,
with only what the public may see, and no cell a spreadsheet would run."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backchannel.text import spreadsheet_row
from meetings.exports import CSV_COLUMNS
from meetings.models import Visibility
from tests.factories import (
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_person,
    make_source,
)
from tests.pages import body

pytestmark = pytest.mark.django_db


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


def csv_cells(record):
    """A JSON record flattened as the CSV writes it (``CSV_COLUMNS``), written here
    independently of the export's own code: lists joined with "; ", sources as 'Title
    (Publisher, date)', every cell through the one guard."""

    def source(s):
        details = [str(part) for part in (s["publisher"], s["published_on"]) if part]
        return f"{s['title']} ({', '.join(details)})" if details else s["title"]

    people = [
        f"{p['name']} ({p['label']})" if p["name"] else p["label"] for p in record["participants"]
    ]
    tracks = (record["side_tracks"] or {}).items()
    joined = {
        "side_tracks": [
            f"{side}: Track {t}" if t else f"{side}: undetermined" for side, t in tracks
        ],
        "topics": [topic["name"] for topic in record["topics"]],
        "participants": people if record["participants_disclosed"] else ["not disclosed"],
        "organizers": [f"{o['name']} ({o['role']})" for o in record["organizers"]],
        "sources": [source(s) for s in record["sources"]],
        "source_urls": [s["url"] for s in record["sources"] if s["url"]],
    }
    return spreadsheet_row(
        ["; ".join(joined[name]) if name in joined else record[name] for name in CSV_COLUMNS]
    )


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
    assert rows[1]["side_tracks"] == "KP: Track 1; US: Track 2"


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
        make_organizer(meeting)
        meeting.sources.add(make_source())
    with django_assert_max_num_queries(8):
        assert len(json.loads(body(client.get("/meetings/export.json")))["results"]) == 30
    with django_assert_max_num_queries(8):
        assert len(csv_rows(client.get("/meetings/export.csv"))) == 30


@pytest.mark.parametrize("url", ["/meetings/export.csv", "/meetings/export.json"])
def test_exports_make_a_fixed_number_of_queries_per_batch(client, monkeypatch, url):
    """At most six queries a batch (topics, participants, people, organisers, sources,
    topics not yet read), however many meetings, participants and sources it holds."""
    monkeypatch.setattr("meetings.export_records.BATCH_SIZE", 2)
    city, made = make_city(), []

    def queries_for(meetings):
        while len(made) < meetings:
            meeting = make_meeting(city=city, start_date=datetime.date(2000 + len(made), 1, 1))
            for _ in range(3):  # new people and sources in every batch
                make_participation(meeting)
                meeting.sources.add(make_source())
            make_organizer(meeting)
            made.append(meeting)
        with CaptureQueriesContext(connection) as queries:
            assert body(client.get(url)).count("/meetings/") >= meetings
        return len(queries)

    two_batches, six_batches = queries_for(4), queries_for(12)
    assert two_batches <= 2 + 2 * 6
    assert six_batches - two_batches <= 4 * 6


@pytest.mark.parametrize("batch_size", [5000, 2])
def test_csv_and_json_write_the_same_records(client, demo, batch_size, monkeypatch):
    """One record builder: each CSV row is the JSON record, flattened, batch after batch."""
    monkeypatch.setattr("meetings.export_records.BATCH_SIZE", batch_size)
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


@pytest.fixture
def organised(demo):
    """The Berlin talks convened and hosted by two organisations, funded by a third,
    citing a second source (with an unsafe URL) besides the report."""
    meeting = demo["meeting"]
    institute = make_organization(name="Swedish Institute", slug="swedish-institute")
    make_organizer(meeting, institute, role="host")
    make_organizer(meeting, institute, role="convener")
    make_organizer(meeting, make_organization(name="A Fund", slug="a-fund"), role="funder")
    meeting.sources.add(
        make_source(
            title="=Later account",
            publisher="Daily",
            url="javascript:alert(1)",
            published_on=datetime.date(2019, 3, 1),
            excerpt="Not exported.",
        )
    )
    return meeting


def test_json_export_carries_organizers_and_sources(client, organised):
    data = json.loads(body(client.get("/meetings/export.json", {"city": "berlin"})))
    record = data["results"][0]
    assert record["slug"] == "talks-in-berlin"
    assert record["organizers"] == [
        {"name": "Swedish Institute", "slug": "swedish-institute", "role": "convener"},
        {"name": "A Fund", "slug": "a-fund", "role": "funder"},
        {"name": "Swedish Institute", "slug": "swedish-institute", "role": "host"},
    ]
    assert record["sources"] == [
        {"title": "=Later account", "publisher": "Daily", "url": "", "published_on": "2019-03-01"},
        {
            "title": "Report on informal dialogue",
            "publisher": "Publisher",
            "url": "https://example.org/report",
            "published_on": None,
        },
    ]
    assert data["results"][1]["organizers"] == data["results"][1]["sources"] == []
    assert "Not exported." not in body(client.get("/meetings/export.json"))


def test_csv_export_flattens_organizers_and_sources(client, organised):
    row = csv_rows(client.get("/meetings/export.csv", {"city": "berlin"}))[0]
    assert row["organizers"] == (
        "Swedish Institute (convener); A Fund (funder); Swedish Institute (host)"
    )
    assert row["sources"] == (  # the formula guard: the cell starts with a quote
        "'=Later account (Daily, 2019-03-01); Report on informal dialogue (Publisher)"
    )
    assert row["source_urls"] == "https://example.org/report"


def test_csv_side_tracks_read_as_tracks(client):
    meeting = make_meeting(parties=["KP", "US"])
    make_participation(meeting, side="KP", capacity="official")
    row = csv_rows(client.get("/meetings/export.csv"))[0]
    assert row["side_tracks"] == "KP: Track 1; US: undetermined"


@pytest.mark.parametrize(
    "query",
    [
        {"party": ["KP", "US"]},
        {"organization": "swedish-institute"},
        {"year": "unknown"},
        {"from": "2017-06", "to": "2017"},
    ],
)
def test_exports_take_the_new_filters(client, organised, query):
    expected = {
        "party": ["talks-in-berlin", "round-in-geneva", "undated-contact"],
        "organization": ["talks-in-berlin"],
        "year": ["undated-contact"],
        "from": ["talks-in-berlin"],
    }[next(iter(query))]
    data = json.loads(body(client.get("/meetings/export.json", query)))
    assert [r["slug"] for r in data["results"]] == expected
    assert data["count"] == len(expected)
    rows = csv_rows(client.get("/meetings/export.csv", query))
    assert [row["slug"] for row in rows] == expected


def test_exports_refuse_bad_new_filters_naming_them(client, demo):
    for query, name in [
        ({"party": "kp"}, "party"),
        ({"organization": "nobody"}, "organization"),
        ({"from": "2019-02-30"}, "from"),
        ({"from": "2019", "to": "2018"}, "to"),
    ]:
        for url in ("/meetings/export.csv", "/meetings/export.json"):
            response = client.get(url, query)
            assert response.status_code == 400, (url, query)
            assert body(response).startswith(f"Parameter {name}: "), (url, query)
