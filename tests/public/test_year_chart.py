"""The per-year bar chart drawn on the server."""

from meetings.facets import CHART_BAR_WIDTH, CHART_HEIGHT, CHART_MAX_BARS, year_chart


def test_year_chart_fills_gap_years_with_empty_bars():
    chart = year_chart([("2019", "2019", 2), ("2016", "2016", 4)], set())
    assert [(bar["year"], bar["count"], bar["height"]) for bar in chart["bars"]] == [
        (2016, 4, CHART_HEIGHT),
        (2017, 0, 0),
        (2018, 0, 0),
        (2019, 2, CHART_HEIGHT // 2),
    ]
    assert (chart["first"], chart["last"], chart["peak"], chart["total"]) == (2016, 2019, 4, 6)


def test_year_chart_keeps_only_selected_years():
    rows = [("2019", "2019", 2), ("2017", "2017", 1), ("2016", "2016", 4)]
    chart = year_chart(rows, {2017, 2019})
    assert [(bar["year"], bar["count"]) for bar in chart["bars"]] == [
        (2017, 1),
        (2018, 0),
        (2019, 2),
    ]


def test_year_chart_without_dated_meetings_is_none():
    assert year_chart([], set()) is None


def test_year_chart_groups_decades_past_its_bar_limit():
    rows = [("2031", "2031", 4), ("1955", "1955", 1), ("1950", "1950", 2)]
    chart = year_chart(rows, set())
    assert chart["unit"] == "decade"
    assert [(bar["name"], bar["count"]) for bar in chart["bars"]] == [
        ("1950s", 3),
        ("1960s", 0),
        ("1970s", 0),
        ("1980s", 0),
        ("1990s", 0),
        ("2000s", 0),
        ("2010s", 0),
        ("2020s", 0),
        ("2030s", 4),
    ]
    assert (chart["first"], chart["last"], chart["peak"], chart["total"]) == (1950, 2031, 4, 7)


def test_year_chart_keeps_a_bar_per_year_up_to_its_limit():
    chart = year_chart([("2026", "2026", 1), ("1947", "1947", 1)], set())
    assert (chart["unit"], len(chart["bars"])) == ("year", CHART_MAX_BARS)


def test_year_chart_of_ten_thousand_years_stays_small():
    chart = year_chart([("9999", "9999", 1), ("2017", "2017", 5), ("1", "1", 1)], set())
    assert [(bar["name"], bar["count"]) for bar in chart["bars"] if bar["count"]] == [
        ("0–999", 1),
        ("2000–2999", 5),
        ("9000–9999", 1),
    ]
    assert len(chart["bars"]) == 10
    assert chart["width"] <= CHART_MAX_BARS * CHART_BAR_WIDTH
