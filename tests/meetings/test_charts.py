"""meetings/charts.py and /overview/chart.svg: the stacked bars, the table beside them, and
the chart alone as an SVG image that hostile parameters cannot break."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.http import QueryDict
from django.utils import timezone

from meetings.charts import CHART_HEIGHT, Link, stacked_chart, year_track_table
from tests.factories import make_berlin_meeting, make_city, make_meeting

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
CHART = "/overview/chart.svg"


def test_stacked_chart_stacks_tracks_and_keeps_gaps():
    groups = [(2015, "1", 2), (2015, "2", 2), (2017, "1.5", 1), (None, "2", 9)]
    chart = stacked_chart(groups)
    assert [bar["name"] for bar in chart["bars"]] == ["2015", "2016", "2017"]
    first = chart["bars"][0]
    assert [(label, n, y, h) for label, n, _c, y, h in first["segments"]] == [
        ("Track 1", 2, CHART_HEIGHT // 2, CHART_HEIGHT // 2),
        ("Track 2", 2, 0, CHART_HEIGHT // 2),
    ]
    assert chart["bars"][1]["segments"] == []
    assert first["title"] == "2015: 4 meetings (Track 1: 2, Track 2: 2)"
    assert chart["peak"] == 4
    assert [label for label, _colour in chart["legend"]] == ["Track 1", "Track 1.5", "Track 2"]


def test_stacked_chart_of_undated_meetings_only_is_none():
    assert stacked_chart([(None, "1.5", 5)]) is None
    assert stacked_chart([]) is None


def test_stacked_chart_groups_a_long_span_by_decade():
    chart = stacked_chart([(1900, "1", 1), (2020, "2", 1)])
    assert chart["unit"] == "decade"
    assert chart["bars"][0]["name"] == "1900s"


def test_year_track_table_links_each_cell_to_its_listing():
    params = QueryDict("city=berlin&page=3", mutable=True)
    table = year_track_table([(2017, "1", 2), (2017, "", 1), (None, "2", 4)], params)
    assert table["tracks"] == [("1", "Track 1"), ("2", "Track 2"), ("", "Track not determined")]
    (year, cells, total), (unknown, unknown_cells, unknown_total) = table["rows"]
    assert (year, total.count, total.query) == ("2017", 3, "city=berlin&year=2017")
    assert cells[0].query == "city=berlin&year=2017&track=1"
    assert cells[1] is None
    assert cells[2] == Link(1, None)  # no listing parameter selects an undetermined track
    assert (unknown, unknown_total.query) == (
        "Date unknown",
        "city=berlin&year=unknown",
    )
    assert unknown_cells[1].query == "city=berlin&year=unknown&track=2"


def parsed(response):
    assert response["Content-Type"] == "image/svg+xml"
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


def svg_text(root):
    return " ".join(" ".join(element.itertext()) for element in root.iter())


def test_chart_alone_has_filters_and_date_in_its_caption(client):
    make_berlin_meeting(
        city=make_city(name="Berlin", slug="berlin"),
        start_date=datetime.date(2017, 10, 1),
        date_precision="month",
    )
    make_meeting(start_date=datetime.date(2015, 1, 1), date_precision="year")
    make_meeting()
    root = parsed(client.get(CHART + "?city=berlin&track=1.5"))
    caption = root.find(f"{SVG}title").text
    assert "Filters: City: Berlin; Track: Track 1.5" in caption
    assert f"drawn {timezone.now().date():%Y-%m-%d}" in caption
    assert "1 meeting, 0 with the date unknown" in caption
    everything = parsed(client.get(CHART))
    assert "3 meetings, 1 with the date unknown" in everything.find(f"{SVG}title").text
    assert len(everything.findall(f".//{SVG}rect")) == 1 + 2 + 2  # background, bars, legend


@pytest.mark.parametrize(
    "q",
    ["<script>alert(1)</script>", "]]><x>&amp;", "a\x01b\x0bc", "\ufffe", '" onload="x'],
)
def test_chart_alone_stays_well_formed_for_hostile_search_text(client, q):
    make_meeting(title=q.replace("\x01", ""), start_date=datetime.date(2017, 1, 1))
    response = client.get(CHART, {"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        root = parsed(response)
        assert "<script" not in response.content.decode()
        assert root.find(f"{SVG}script") is None
        assert "Search:" in svg_text(root)
    else:
        assert response["Content-Type"].startswith("text/plain")


def test_overview_page_has_the_chart_and_its_table(client):
    make_berlin_meeting(start_date=datetime.date(2017, 1, 1), date_precision="year")
    html = client.get("/overview/?track=1.5").content.decode()
    assert 'role="img"' in html
    assert "<table" in html
    assert 'href="/overview/chart.svg?track=1.5"' in html
