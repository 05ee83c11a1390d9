"""meetings/exports.py: CSV and JSON from one record builder, filtered like the listing,
with only what the public may see, and no cell a spreadsheet would run."""

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
