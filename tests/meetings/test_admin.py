"""meetings/admin.py: change lists (query counts at several sizes, filters, search, sorting)
and the meeting form's inline rows, whose tracks are stored once per save."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting, Participation
from tests import factories as f
from tests.admin_forms import existing_rows, filter_choices, meeting_form_data
from tests.factories import make_meeting, make_participation, make_person, make_source


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
    if connection.vendor == "postgresql" and name in ESTIMATED:
        # The statistics are not rolled back with a test: a populate test before this
        # one leaves a size large enough for the paginator to trust without counting.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    client.force_login(superuser)
    url = reverse(f"admin:{name}_changelist")
    client.get(url)  # warm caches such as content types
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows


def test_meeting_filters_offer_only_cities_and_countries_in_use(client, superuser):
    berlin = f.make_city(name="Berlin", country="DE")
    f.make_city(name="Oslo", country="NO")  # no meeting here
    stockholm = f.make_city(name="Stockholm", country="SE")
    f.make_meeting(city=berlin, series=f.make_series(name="Used series"))
    f.make_meeting(city=stockholm)
    f.make_series(name="Unused series")
    client.force_login(superuser)
    response = client.get(reverse("admin:meetings_meeting_changelist"))
    assert filter_choices(response, "city") == ["All", "Berlin, Germany", "Stockholm, Sweden", "-"]
    assert filter_choices(response, "host country") == ["All", "Germany", "Sweden"]
    assert filter_choices(response, "series") == ["All", "Used series", "-"]


def test_meeting_date_hierarchy_lists_the_years_with_meetings(client, superuser):
    import datetime

    for year in (2015, 2017, 2017):
        f.make_meeting(title=f"In {year}", start_date=datetime.date(year, 3, 1))
    f.make_meeting(title="Undated")
    client.force_login(superuser)
    url = reverse("admin:meetings_meeting_changelist")
    years = Meeting.objects.dates("start_date", "year")  # Django's own way, for comparison
    response = client.get(url)
    hierarchy = response.context["cl"].queryset.dates("start_date", "year")
    assert hierarchy == list(years) == [datetime.date(2015, 1, 1), datetime.date(2017, 1, 1)]
    assert b"?start_date__year=2016" not in response.content
    assert b"?start_date__year=2017" in response.content
    filtered = client.get(url, {"q": "In 2015"}).context["cl"].queryset
    assert filtered.dates("start_date", "year") == [datetime.date(2015, 1, 1)]


def test_participation_side_filter_offers_only_sides_in_use(client, superuser):
    meeting = f.make_meeting(parties=["KP", "US"])
    f.make_participation(meeting, side="KP")
    f.make_participation(meeting, side="US")
    f.make_participation(meeting, side="", role="facilitator")  # no side: not offered
    client.force_login(superuser)
    response = client.get(reverse("admin:meetings_participation_changelist"))
    assert filter_choices(response, "side") == ["All", "North Korea", "United States"]
    response = client.get(reverse("admin:meetings_participation_changelist"), {"side": "KP"})
    assert [p.side for p in response.context["cl"].result_list] == ["KP"]


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


ADD_URL = reverse("admin:meetings_meeting_add")


def _meeting_updates(captured):
    """The UPDATE statements on the meetings table, by what they set first."""
    updates = [q["sql"] for q in captured if q["sql"].startswith('UPDATE "meetings_meeting"')]
    return [sql.split(" SET ")[1].split(" = ")[0] for sql in updates]


def _post(client, url, data):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return _meeting_updates(captured.captured_queries)


def test_adding_a_meeting_with_five_rows_recomputes_its_track_once(client, superuser):
    client.force_login(superuser)
    rows = [{"person": make_person().pk, "side": "KP", "capacity": "official"}] + [
        {"person": make_person().pk, "side": "US", "capacity": capacity}
        for capacity in ["former_official", "expert", "expert", "other"]
    ]
    updates = _post(client, ADD_URL, meeting_form_data(participations=rows))
    assert updates == ['"track"']
    meeting = Meeting.objects.get()
    assert meeting.participations.count() == 5
    assert (meeting.track, meeting.side_tracks) == ("1.5", {"KP": "1", "US": "2"})


@pytest.fixture
def five_officials(db):
    """A Track 1 meeting: two officials for North Korea, three for the United States."""
    meeting = make_meeting(parties=["KP", "US"])
    for side in ["KP", "KP", "US", "US", "US"]:
        make_participation(meeting, side=side, capacity="official")
    meeting.refresh_from_db()
    return meeting


def test_changing_five_rows_recomputes_the_track_once(client, superuser, five_officials):
    client.force_login(superuser)
    meeting = five_officials
    rows = [
        row | {"capacity": "expert"} if row["side"] == "US" else row
        for row in existing_rows(meeting)
    ]
    rows[0]["title_at_time"] = "Vice minister"
    rows[1]["role"] = "head"
    data = meeting_form_data(meeting, rows)
    updates = _post(client, reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    # The form's own save of the meeting, then one recomputation for all five rows.
    assert updates == ['"title"', '"track"']
    meeting.refresh_from_db()
    assert (meeting.track, meeting.side_tracks) == ("1.5", {"KP": "1", "US": "2"})


def test_rows_deleted_in_the_same_save_count_for_the_track(client, superuser, five_officials):
    client.force_login(superuser)
    meeting = five_officials
    rows = existing_rows(meeting)
    for row in rows[2:4]:  # two of the three US officials go
        row["DELETE"] = "on"
    rows[4]["capacity"] = "expert"  # the third was an expert all along
    rows.append({"person": make_person().pk, "side": "US", "capacity": "former_official"})
    data = meeting_form_data(meeting, rows)
    updates = _post(client, reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert updates == ['"title"', '"track"']
    meeting.refresh_from_db()
    assert meeting.participations.count() == 4
    assert (meeting.track, meeting.side_tracks) == ("1.5", {"KP": "1", "US": "2"})


def test_deleting_every_row_leaves_the_sides_undetermined(client, superuser, five_officials):
    client.force_login(superuser)
    meeting = five_officials
    rows = [row | {"DELETE": "on"} for row in existing_rows(meeting)]
    data = meeting_form_data(meeting, rows, track_override="2")
    updates = _post(client, reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert updates == ['"title"', '"track"']
    meeting.refresh_from_db()
    assert (meeting.track, meeting.side_tracks) == ("2", {"KP": None, "US": None})


def test_participation_admin_still_recomputes_the_track(client, superuser, five_officials):
    client.force_login(superuser)
    changed = five_officials.participations.filter(side="KP").first()
    five_officials.participations.filter(side="KP").exclude(pk=changed.pk).delete()
    data = {
        "meeting": five_officials.pk,
        "person": changed.person_id,
        "side": "KP",
        "capacity": "expert",
        "role": "member",
        "title_at_time": "",
    }
    url = reverse("admin:meetings_participation_change", args=[changed.pk])
    assert _post(client, url, data) == ['"track"']
    five_officials.refresh_from_db()
    assert (five_officials.track, five_officials.side_tracks) == ("1.5", {"KP": "2", "US": "1"})


def _change(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def test_an_anonymised_row_says_what_the_public_sees(client, editor):
    meeting = make_meeting(visibility="confidential")
    make_participation(
        meeting,
        make_person(full_name="Kept Secret"),
        side="KP",
        capacity="official",
        anonymised=True,
        title_at_time="Vice minister",
    )
    make_participation(meeting, make_person(full_name="Named One"), side="US")
    client.force_login(editor)
    html = client.get(_change(meeting)).content.decode()
    views = [
        part.split("</span>")[0]
        for part in html.split(
            '<span class="public-view" data-note="Role and title stay internal.">'
        )[1:]
    ]
    assert views[:2] == [
        "Shown as “a serving official, North Korea”. Role and title stay internal.",
        "",
    ]
    assert 'id="participations-group"' in html
    assert 'data-inline-type="stacked"' in html


def test_a_participants_sources_are_entered_on_their_row(client, editor):
    meeting = make_meeting(visibility="confidential")
    row = make_participation(meeting, side="US")
    meeting.refresh_from_db()
    report = make_source(title="Report")
    client.force_login(editor)
    rows = existing_rows(meeting, sources=[report.pk])
    assert client.post(_change(meeting), meeting_form_data(meeting, rows)).status_code == 302
    assert list(Participation.objects.get(pk=row.pk).sources.all()) == [report]


def test_a_forged_row_value_is_an_error_not_a_failure(client, editor):
    meeting = make_meeting(visibility="confidential")
    client.force_login(editor)
    rows = [{"person": "abc", "side": "US", "capacity": "expert", "sources": ["x"]}]
    response = client.post(_change(meeting), meeting_form_data(meeting, rows))
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert sorted(form.errors) == ["person", "sources"]


def test_organisers_are_entered_inline_and_a_role_twice_is_a_form_error(client, editor):
    meeting = make_meeting(visibility="confidential")
    institute = f.make_organization(name="Swedish Institute of International Affairs")
    funder = f.make_organization(name="A foundation")
    client.force_login(editor)
    rows = [
        {"organization": institute.pk, "role": "host"},
        {"organization": funder.pk, "role": "funder"},
    ]
    data = meeting_form_data(meeting, existing_rows(meeting), organizers=rows)
    assert client.post(_change(meeting), data).status_code == 302
    assert set(meeting.organizer_links.values_list("organization__name", "role")) == {
        ("Swedish Institute of International Affairs", "host"),
        ("A foundation", "funder"),
    }

    saved = [
        {
            "id": link.pk,
            "meeting": meeting.pk,
            "organization": link.organization_id,
            "role": link.role,
        }
        for link in meeting.organizer_links.order_by("pk")
    ]
    twice = [*saved, {"organization": institute.pk, "role": "host"}]
    meeting.refresh_from_db()
    response = client.post(_change(meeting), meeting_form_data(meeting, organizers=twice))
    assert response.status_code == 200
    assert meeting.organizer_links.count() == 2


def test_a_viewer_sees_organisers_and_cannot_add_one(client, viewer):
    meeting = make_meeting(visibility="confidential")
    f.make_organizer(meeting, f.make_organization(name="Host institute"), role="host")
    client.force_login(viewer)
    html = client.get(_change(meeting)).content.decode()
    assert "Host institute" in html
    rows = [{"organization": f.make_organization().pk, "role": "funder"}]
    client.post(_change(meeting), meeting_form_data(meeting, organizers=rows))
    assert meeting.organizer_links.count() == 1
