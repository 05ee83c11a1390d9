"""The per-year bar chart drawn on the server."""

from meetings.listing import CHART_HEIGHT, year_chart


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
