"""meetings/overview.py and the /overview/ page: every number against an independent count
of the ORM, on the demo record and on populated data, and the page's links."""

import datetime
import io
from itertools import combinations

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.http import QueryDict

from meetings import table_counts
from meetings.filters import meeting_filter
from meetings.models import Meeting, MeetingOrganizer, Participation, Visibility
from meetings.overview import TOP_PAIRS, TOP_PLACES, TOP_SERIES, overview_numbers
from meetings.populate import populate
from tests.factories import (
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_series,
)
from tests.pages import body, data_total, parse

pytestmark = pytest.mark.django_db

OVERVIEW = "/overview/"


def numbers_for(query):
    filterset = meeting_filter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return overview_numbers(filterset)


def test_overview_of_the_demo_record(client):
    call_command("loaddemo", stdout=io.StringIO())
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert data_total(response) == Meeting.objects.public().count() == 5
    table = response.context["table"]["rows"]
    assert [(label, total.count) for label, _cells, total in table] == [("Date unknown", 5)]
    pairs = [(label, link.count) for label, link in response.context["pairs"]]
    assert pairs == [("North Korea – United States", 5)]
    assert response.context["chart"] is None  # nothing dated to draw
    assert response.context["undated"].count == 5
    assert response.context["undated"].query == "year=unknown"


def test_overview_of_the_demo_record_meets_no_hidden_person(client):
    call_command("loaddemo", stdout=io.StringIO())
    html = body(client.get(OVERVIEW))
    for participation in Participation.objects.exclude(
        anonymised=False, meeting__visibility=Visibility.PUBLIC
    ).exclude(person=None):
        assert participation.person.full_name not in html


def independent(qs):
    """Every overview number of ``qs`` counted the plain way, in Python over the meetings."""
    meetings = list(qs.select_related("city", "series"))
    groups, pairs, cities, series = {}, {}, {}, {}
    for meeting in meetings:
        year = meeting.start_date.year if meeting.start_date else None
        groups[(year, meeting.track)] = groups.get((year, meeting.track), 0) + 1
        for pair in combinations(sorted({str(code) for code in meeting.parties}), 2):
            pairs[pair] = pairs.get(pair, 0) + 1
        if meeting.city:
            cities[meeting.city.slug] = cities.get(meeting.city.slug, 0) + 1
        if meeting.series:
            series.setdefault(meeting.series.slug, []).append(meeting.start_date)
    organizers = {}
    for link in MeetingOrganizer.objects.filter(meeting__in=[m.pk for m in meetings]):
        organizers.setdefault(link.organization.slug, set()).add(link.meeting_id)
    for meeting in meetings:
        if meeting.series and meeting.series.convener:
            organizers.setdefault(meeting.series.convener.slug, set()).add(meeting.pk)
    return {
        "total": len(meetings),
        "groups": groups,
        "pairs": pairs,
        "cities": cities,
        "organizers": {slug: len(ids) for slug, ids in organizers.items()},
        "series": series,
    }


def ranked(counts, limit):
    """The ``limit`` biggest counts, ties by key: the set of (key, count) the page shows."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def assert_numbers_match(numbers, expected):
    assert numbers["total"] == expected["total"]
    assert {(y, t): n for y, t, n in numbers["groups"]} == expected["groups"]
    assert [((a, b), n) for a, b, n in numbers["pairs"]] == ranked(expected["pairs"], TOP_PAIRS)
    cities = {slug: n for slug, _name, _country, n in numbers["cities"]}
    assert (
        sorted(cities.values(), reverse=True)
        == [n for _k, n in ranked(expected["cities"], 99)][:TOP_PLACES]
    )
    assert all(expected["cities"][slug] == n for slug, n in cities.items())
    organizers = {slug: n for slug, _name, n in numbers["organizers"]}
    assert (
        sorted(organizers.values(), reverse=True)
        == sorted(expected["organizers"].values(), reverse=True)[:TOP_PLACES]
    )
    assert all(expected["organizers"][slug] == n for slug, n in organizers.items())
    assert numbers["series_count"] == len(expected["series"])
    for slug, _name, rounds, first, last in numbers["series"]:
        dates = [d for d in expected["series"][slug] if d]
        assert (rounds, first, last) == (
            len(expected["series"][slug]),
            min(dates, default=None),
            max(dates, default=None),
        )
    assert len(numbers["series"]) == min(TOP_SERIES, len(expected["series"]))
    new = {}
    for dates in expected["series"].values():
        if any(dates):
            year = min(d for d in dates if d).year
            new[year] = new.get(year, 0) + 1
    assert {year: len(started) for year, started in numbers["new_series"]} == new


@pytest.fixture
def populated():
    """200 synthetic meetings, organisers and series conveners included."""
    populate(200, seed=14)
    assert MeetingOrganizer.objects.exists()


def filter_sets():
    """(query, the independent ORM queryset) pairs over the populated record."""
    public = Meeting.objects.public()
    dated = public.exclude(start_date=None).order_by("start_date").first()
    year = dated.start_date.year
    city = public.exclude(city=None).order_by("pk").first().city
    series = public.exclude(series=None).order_by("pk").first().series
    named = Participation.objects.filter(anonymised=False, meeting__visibility="public")
    person = named.exclude(person=None).order_by("pk").first().person
    convener = MeetingOrganizer.objects.filter(meeting__in=public).order_by("pk").first()
    convener = convener.organization
    return [
        ("", public),
        ("track=1.5", public.filter(track="1.5")),
        (f"year={year}&year={year + 1}", public.filter(start_date__year__in=[year, year + 1])),
        (f"city={city.slug}&track=2", public.filter(city=city, track="2")),
        (f"country={city.country}", public.filter(city__country=city.country)),
        (f"series={series.slug}", public.filter(series=series)),
        ("status=held&track=1", public.filter(status="held", track="1")),
        (
            f"person={person.slug}",
            public.filter(pk__in=named.filter(person=person).values("meeting_id")),
        ),
        ("q=round", public.filter(Q(title__icontains="round") | Q(summary__icontains="round"))),
        # one party, two parties, one organisation: counted from that fact's rows
        ("party=KP", public.filter(pk__in=with_parties(public, "KP"))),
        (
            "party=KP&party=US&track=2",
            public.filter(pk__in=with_parties(public, "KP", "US"), track="2"),
        ),
        (f"organization={convener.slug}", public.filter(pk__in=organised_by(public, convener))),
    ]


def with_parties(meetings, *codes):
    return [m.pk for m in meetings if set(codes) <= {str(code) for code in m.parties}]


def organised_by(meetings, organization):
    return [
        m.pk
        for m in meetings.select_related("series")
        if m.organizer_links.filter(organization=organization).exists()
        or (m.series and m.series.convener_id == organization.pk)
    ]


@pytest.mark.usefixtures("populated")
@pytest.mark.parametrize("by_meeting_up_to", [table_counts.BY_MEETING_UP_TO, 0])
def test_overview_numbers_equal_independent_counts(monkeypatch, by_meeting_up_to):
    # Facts selected by meeting (a small result) or by their own city, year and track.
    monkeypatch.setattr(table_counts, "BY_MEETING_UP_TO", by_meeting_up_to)
    for query, qs in filter_sets():
        if query.startswith("q="):
            continue  # the search reads more than titles: its total is checked below
        expected = independent(qs)
        if query.startswith("organization="):  # only the chosen one (organizer_rows)
            chosen = query.removeprefix("organization=")
            expected["organizers"] = {chosen: expected["organizers"][chosen]}
        assert_numbers_match(numbers_for(query), expected)


@pytest.mark.usefixtures("populated")
def test_overview_numbers_of_a_search_equal_the_listing(client):
    numbers = numbers_for("q=round")
    assert numbers["total"] == data_total(client.get("/meetings/?q=round")) > 0


@pytest.mark.usefixtures("populated")
def test_overview_counts_from_the_table_equal_counts_from_meetings():
    # track alone: the count table; track with status: the meetings themselves
    from_table = numbers_for("track=2")["groups"]
    statuses = "&".join(f"status={s}" for s in Meeting.Status.values)
    from_meetings = numbers_for(f"track=2&{statuses}")["groups"]
    assert from_table == from_meetings


def links_with_counts(response):
    return [(href, int(a["data-count"])) for href, a in parse(response).links if "data-count" in a]


@pytest.mark.usefixtures("populated")
@pytest.mark.parametrize("query", ["", "?track=1.5", "?year=2015&year=2016"])
def test_every_overview_number_is_the_total_of_its_link(client, query):
    response = client.get(OVERVIEW + query)
    links = links_with_counts(response)
    assert len(links) > 10
    for href, count in links:
        target = client.get(href)
        assert target.status_code == 200, (href, body(target)[:2000])
        assert data_total(target) == count, href


def test_overview_ranks_pairs_cities_and_organisers(client):
    berlin = make_city(name="Berlin", slug="berlin")
    geneva = make_city(name="Geneva", slug="geneva", country="CH")
    institute = make_organization(name="Institute", slug="institute")
    for _ in range(3):
        make_organizer(make_meeting(city=berlin, parties=["KP", "US"]), institute)
    make_organizer(make_meeting(city=geneva, parties=["CN", "KP", "US"]), institute, role="host")
    response = client.get(OVERVIEW)
    context = response.context
    assert [(label, link.count) for label, link in context["pairs"]] == [
        ("North Korea – United States", 4),
        ("China – North Korea", 1),
        ("China – United States", 1),
    ]
    assert [(label, link.count) for label, link in context["cities"]] == [
        ("Berlin, Germany", 3),
        ("Geneva, Switzerland", 1),
    ]
    assert [(label, link.count) for label, link in context["organizers"]] == [("Institute", 4)]


def test_overview_series_rounds_and_new_series_per_year(client):
    first = make_series(name="Alpha talks", slug="alpha")
    second = make_series(name="Beta talks", slug="beta")
    for year in (2015, 2016, 2018):
        make_meeting(series=first, start_date=datetime.date(year, 1, 1), date_precision="year")
    make_meeting(series=second, start_date=datetime.date(2016, 5, 1), date_precision="month")
    make_meeting(series=second)  # undated round
    context = client.get(OVERVIEW).context
    assert [(slug, link.count, a, b) for slug, _n, link, a, b in context["series"]] == [
        ("alpha", 3, 2015, 2018),
        ("beta", 2, 2016, 2016),
    ]
    new = [(year, link.count, link.query) for year, link in context["new_series"]]
    assert new == [(2015, 1, "first=2015"), (2016, 1, "first=2016")]
    for year, count, query in new:
        page = client.get(f"/series/?{query}")
        assert data_total(page) == count
        shown = [row.slug for row in page.context["page_obj"].object_list]
        assert shown == ["alpha" if year == 2015 else "beta"]
    # Counted over filtered rounds, no series page selects them: plain numbers.
    filtered = client.get(f"{OVERVIEW}?year=2016").context["new_series"]
    assert [(year, link.count, link.query) for year, link in filtered] == [(2016, 2, None)]


@pytest.mark.parametrize("value", ["abc", "2015.5", "99999", "999", "-2015", ""])
def test_series_first_year_is_four_digits_or_a_400_naming_it(client, value):
    make_meeting(series=make_series(), start_date=datetime.date(2015, 1, 1))
    response = client.get(f"/series/?first={value}")
    if value == "":
        assert data_total(response) == 1  # an empty parameter filters nothing
    else:
        assert response.status_code == 400
        assert "first" in body(response).lower()


def test_series_first_year_counts_only_public_rounds(client):
    series = make_series(slug="gamma")
    make_meeting(series=series, start_date=datetime.date(2015, 1, 1))
    make_meeting(
        series=series, start_date=datetime.date(2012, 1, 1), visibility=Visibility.CONFIDENTIAL
    )
    assert data_total(client.get("/series/?first=2012")) == 0
    page = client.get("/series/?first=2015")
    assert data_total(page) == 1
    assert "whose first known round was in 2015" in body(page)
    assert 'name="first" value="2015"' in body(page)


def test_a_confidential_meeting_changes_no_number(client):
    make_meeting(city=make_city(), parties=["KP", "US"], start_date=datetime.date(2017, 1, 1))
    before = body(client.get(OVERVIEW))
    secret = make_meeting(
        city=make_city(name="Secret City", slug="secret-city", country="FI"),
        parties=["FI", "IS"],
        series=make_series(name="Secret series", slug="secret-series"),
        start_date=datetime.date(1999, 1, 1),
        date_precision="year",
        visibility=Visibility.CONFIDENTIAL,
    )
    make_organizer(secret, make_organization(name="Secret org", slug="secret-org"))
    make_participation(secret, side="FI")
    assert body(client.get(OVERVIEW)) == before


@pytest.mark.parametrize(
    "query",
    ["year=abc", "track=3", "city=nowhere", "page=x&year=1", "with=nobody", "q=" + "x" * 300],
)
def test_overview_and_chart_answer_400_naming_the_parameter(client, query):
    name = query.split("=")[0].replace("page", "year")
    page = client.get(f"{OVERVIEW}?{query}")
    chart = client.get(f"{OVERVIEW}chart.svg?{query}")
    assert page.status_code == chart.status_code == 400
    assert f"<code>{name}</code>" in body(page)
    assert f"Parameter {name}:" in chart.content.decode()


def test_overview_ignores_unknown_parameters_and_post_is_refused(client):
    assert client.get(OVERVIEW + "?utm_source=x").status_code == 200
    assert client.post(OVERVIEW).status_code == 405
    assert client.head(OVERVIEW).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_overview_queries_do_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        meeting = make_meeting(
            city=make_city(),
            series=make_series(),
            parties=["KP", "US", "CN"][: 2 + n % 2],
            start_date=datetime.date(2010 + n, 1, 1),
            date_precision="year",
        )
        make_organizer(meeting)
    # years and tracks (count table), pairs (fact totals), cities (count table, names),
    # organisers (fact totals, names), series (fact totals, names)
    with django_assert_num_queries(8):
        assert client.get(OVERVIEW).status_code == 200
    series = Meeting.objects.order_by("pk").first().series.slug
    # a filter the count table cannot answer: its choice, then the same eight
    with django_assert_num_queries(9):
        assert client.get(f"{OVERVIEW}?series={series}").status_code == 200


def test_organisers_count_series_conveners_once_as_the_listing_does(client):
    institute = make_organization(name="Institute", slug="institute")
    other = make_organization(name="Other", slug="other")
    series = make_series(convener=institute)
    make_organizer(make_meeting(series=series), institute, role="host")  # both ways: once
    make_meeting(series=series)  # convened only
    make_organizer(make_meeting(), institute)
    make_organizer(make_organizer(make_meeting(), other).meeting, institute)
    response = client.get(OVERVIEW)
    assert [(label, link.count) for label, link in response.context["organizers"]] == [
        ("Institute", 4),
        ("Other", 1),
    ]
    chosen = client.get(OVERVIEW + "?organization=other").context["organizers"]
    assert [(label, link.count) for label, link in chosen] == [("Other", 1)]
    for _label, link in response.context["organizers"]:
        assert data_total(client.get(f"/meetings/?{link.query}")) == link.count
