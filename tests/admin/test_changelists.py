import pytest
from django.db import connection
from django.urls import reverse

from backchannel.admin_tools import EstimatedCountPaginator
from meetings.models import Meeting
from tests import factories as f


def _meeting(n):
    series = f.make_series()
    city = f.make_city()
    meeting = f.make_berlin_meeting(series=series, city=city)
    meeting.topics.add(f.make_topic())
    return meeting


def _participation(n):
    return f.make_participation(f.make_meeting())


def _quote(n):
    return f.make_quote(f.make_person(), meeting=f.make_meeting(), source=f.make_source())


def _person(n):
    person = f.make_person()
    f.make_participation(f.make_meeting(), person=person)
    return person


def _series(n):
    return f.make_series(convener=f.make_organization())


def _affiliation(n):
    return f.make_affiliation(f.make_person())


# Queries for one page of each change list, whatever the number of rows.
CHANGELISTS = {
    "meetings_meeting": (_meeting, 9),
    "meetings_participation": (_participation, 5),
    "meetings_city": (lambda n: f.make_city(), 6),
    "meetings_topic": (lambda n: f.make_topic(), 5),
    "meetings_dialogueseries": (_series, 6),
    "meetings_source": (lambda n: f.make_source(), 7),
    "meetings_quote": (_quote, 5),
    "people_person": (_person, 6),
    "people_organization": (lambda n: f.make_organization(), 6),
    "people_affiliation": (_affiliation, 6),
}


# On PostgreSQL these paginators first read the table's size from its statistics.
ESTIMATED = {"meetings_meeting", "meetings_participation"}


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("name", sorted(CHANGELISTS))
def test_changelist_queries_do_not_grow_with_rows(
    client, superuser, django_assert_num_queries, name, rows
):
    make, expected = CHANGELISTS[name]
    if connection.vendor == "postgresql" and name in ESTIMATED:
        expected += 1
    for n in range(rows):
        make(n)
    client.force_login(superuser)
    url = reverse(f"admin:{name}_changelist")
    client.get(url)  # warm caches such as content types
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows


def _filter_choices(response, title):
    spec = next(s for s in response.context["cl"].filter_specs if s.title == title)
    return [choice["display"] for choice in spec.choices(response.context["cl"])]


def test_meeting_filters_offer_only_cities_and_countries_in_use(client, superuser):
    berlin = f.make_city(name="Berlin", country="DE")
    f.make_city(name="Oslo", country="NO")  # no meeting here
    stockholm = f.make_city(name="Stockholm", country="SE")
    f.make_meeting(city=berlin, series=f.make_series(name="Used series"))
    f.make_meeting(city=stockholm)
    f.make_series(name="Unused series")
    client.force_login(superuser)
    response = client.get(reverse("admin:meetings_meeting_changelist"))
    assert _filter_choices(response, "city") == ["All", "Berlin, Germany", "Stockholm, Sweden", "-"]
    assert _filter_choices(response, "host country") == ["All", "Germany", "Sweden"]
    assert _filter_choices(response, "series") == ["All", "Used series", "-"]


def test_person_country_filter_offers_only_countries_in_use(client, superuser):
    f.make_person(country="KP")
    f.make_person(country="US")
    f.make_person(country="")
    client.force_login(superuser)
    response = client.get(reverse("admin:people_person_changelist"))
    assert _filter_choices(response, "country") == ["All", "North Korea", "United States"]


def test_meeting_list_shows_date_at_precision_and_participant_count(client, superuser):
    import datetime

    meeting = f.make_berlin_meeting(
        title="Berlin round", start_date=datetime.date(2017, 10, 1), date_precision="month"
    )
    client.force_login(superuser)
    response = client.get(reverse("admin:meetings_meeting_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.pk, row.participant_count) == (meeting.pk, 3)
    page = response.content.decode()
    assert '<td class="field-date">October 2017</td>' in page
    assert '<td class="field-participants">3</td>' in page


@pytest.mark.parametrize(
    "query",
    [
        "Choe Son Hui",
        "Choe Sonhui",
        '"Son Hui"',
        "Sunset hotel",
        "Pyongyang",
        "Stockholm round",
        "hui stockholm",
    ],
)
def test_meeting_search_covers_names_other_names_venue_and_city(client, superuser, query):
    person = f.make_person(full_name="Choe Son Hui", other_names="Choe Sonhui")
    city = f.make_city(name="Pyongyang", country="KP")
    wanted = f.make_meeting(title="Stockholm round", venue="Sunset hotel", city=city)
    f.make_participation(wanted, person=person, side="KP", capacity="official")
    f.make_participation(wanted, side="US")  # a second row must not duplicate the result
    f.make_berlin_meeting(title="Other talks")
    client.force_login(superuser)
    response = client.get(reverse("admin:meetings_meeting_changelist"), {"q": query})
    assert [m.pk for m in response.context["cl"].result_list] == [wanted.pk]


def test_meeting_changelist_filters_by_track_and_visibility(client, superuser):
    berlin = f.make_berlin_meeting(visibility="confidential")
    f.make_meeting(visibility="confidential")
    f.make_berlin_meeting(visibility="public")
    client.force_login(superuser)
    url = reverse("admin:meetings_meeting_changelist")
    response = client.get(url, {"track__exact": "1.5", "visibility__exact": "confidential"})
    assert [m.pk for m in response.context["cl"].result_list] == [berlin.pk]


@pytest.mark.django_db
def test_paginator_counts_exactly_when_filtered_or_small():
    paginator = EstimatedCountPaginator(Meeting.objects.filter(track="1"), 50)
    assert paginator.count == 0


@pytest.mark.django_db
def test_paginator_uses_table_statistics_for_a_large_unfiltered_table(monkeypatch):
    from backchannel import admin_tools

    monkeypatch.setattr(admin_tools, "_table_estimate", lambda queryset: 123_456)
    f.make_meeting()
    assert EstimatedCountPaginator(Meeting.objects.all(), 50).count == 123_456
    assert EstimatedCountPaginator(Meeting.objects.filter(track=""), 50).count == 1
    monkeypatch.setattr(admin_tools, "_table_estimate", lambda queryset: 500)
    assert EstimatedCountPaginator(Meeting.objects.all(), 50).count == 1


@pytest.mark.django_db
def test_table_estimate_reads_statistics_on_postgresql():
    from backchannel.admin_tools import _table_estimate

    f.make_meeting()
    if connection.vendor != "postgresql":
        assert _table_estimate(Meeting.objects.all()) is None
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_meeting")
    assert _table_estimate(Meeting.objects.all()) in {0, 1}


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("1", ["Newer", "Older", "Undated"]),
        ("-1", ["Undated", "Older", "Newer"]),
        ("2", ["Newer", "Older", "Undated"]),
        ("-7", ["Older", "Newer", "Undated"]),
    ],
)
def test_meeting_changelist_sorts_by_date_title_and_participants(
    client, superuser, order, expected
):
    import datetime

    f.make_meeting(title="Undated")
    older = f.make_meeting(title="Older", start_date=datetime.date(2016, 1, 1))
    f.make_meeting(title="Newer", start_date=datetime.date(2018, 1, 1))
    f.make_participation(older)
    client.force_login(superuser)
    response = client.get(reverse("admin:meetings_meeting_changelist"), {"o": order})
    assert [m.title for m in response.context["cl"].result_list] == expected
