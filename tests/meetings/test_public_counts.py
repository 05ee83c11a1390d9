"""PublicMeetingCount: the database keeps it equal to the public meetings through every
kind of write, and the listing reads the same numbers from it as from the meetings."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import dates
from meetings.count_triggers import (
    POSTGRESQL_TRUNCATE_TRIGGER,
    TRIGGERS,
    postgresql_statements,
    recount,
    sql_list,
    sqlite_statements,
)
from meetings.filters import meeting_filter
from meetings.listing import counted_filters_only, counts_from_meetings, counts_from_table
from meetings.models import (
    PUBLIC_VISIBILITIES,
    Meeting,
    Participation,
    PublicMeetingCount,
    Track,
    Visibility,
)
from tests.factories import make_city, make_meeting, make_participation
from tests.public_counts import live_counts, table_counts

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=60)  # the rest: tests/conftest.py's profile
VISIBILITIES = st.sampled_from(Visibility.values)
DATES = st.sampled_from([None, datetime.date(1999, 5, 1), datetime.date(2017, 10, 1)])
TRACKS = st.sampled_from(["", *Track.values])
CITIES = st.sampled_from([None, 0, 1])  # an index into the example's cities
AGGREGATE = re.compile(r"\b(COUNT|SUM)\(|GROUP BY|DISTINCT")
MEETINGS = st.integers(min_value=0, max_value=20)  # an index into the meetings so far


class RolledBack(Exception):
    """Ends an example's transaction, so examples never see each other's rows."""


def trigger_names():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def test_public_counts_triggers_are_installed():
    """A migration that rebuilds the meetings table on SQLite drops them: it must reinstall."""
    expected = set(TRIGGERS)
    if connection.vendor == "postgresql":
        expected.add(POSTGRESQL_TRUNCATE_TRIGGER)
    assert expected <= trigger_names()


def installed_trigger_code():
    """What the database runs: SQLite's trigger statements, or PostgreSQL's function bodies."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT prosrc FROM pg_proc WHERE proname LIKE 'meetings_public_count%%' "
                "ORDER BY proname"
            )
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


def written_trigger_code():
    public = sql_list(PUBLIC_VISIBILITIES)
    if connection.vendor == "postgresql":
        return [statement.split("$$")[1] for statement in postgresql_statements(public)[:2]]
    return sorted(sqlite_statements(public), key=lambda sql: sql.split()[2])


def test_public_counts_triggers_run_the_code_count_triggers_writes():
    """Migrations that reinstall the triggers from frozen SQL (0009 on SQLite) must leave
    exactly what count_triggers writes; a change there needs a migration of its own."""
    assert installed_trigger_code() == written_trigger_code()


def test_public_counts_never_count_a_confidential_meeting():
    city = make_city()
    meeting = make_meeting(city=city, visibility=Visibility.CONFIDENTIAL)
    assert table_counts() == {}
    meeting.visibility = Visibility.PARTICIPANTS_WITHHELD
    meeting.save()
    assert table_counts() == {(city.pk, 0, ""): 1}
    Meeting.objects.filter(pk=meeting.pk).update(visibility=Visibility.CONFIDENTIAL)
    assert table_counts() == {}


def _city(cities, index):
    return None if index is None else cities[index]


def _pick(meetings, index):
    return meetings[index % len(meetings)] if meetings else None


def apply(step, cities, meetings):
    """Carry out one write of the kinds the record sees."""
    kind, index, *args = step
    meeting = _pick(meetings, index)
    if kind == "create":
        visibility, city, start, override = args
        meetings.append(
            make_meeting(
                visibility=visibility,
                city=_city(cities, city),
                start_date=start,
                track_override=override,
            )
        )
    elif kind == "bulk_create":
        visibility, city, start, track = args
        new = Meeting(
            title="Bulk",
            slug=f"bulk-{len(meetings)}-{index}",
            visibility=visibility,
            city=_city(cities, city),
            start_date=start,
            date_precision=dates.precision_for(start, dates.UNDATED),
            track=track,
        )
        meetings.extend(Meeting.objects.bulk_create([new]))
    elif meeting is None:
        return
    elif kind == "save":
        visibility, city, start, override = args
        meeting.visibility, meeting.city = visibility, _city(cities, city)
        meeting.start_date, meeting.track_override = start, override
        meeting.save()
    elif kind == "update":  # a bulk update: no save(), no signals
        field, value = args
        changes = {field: value}
        if field == "city":
            changes[field] = _city(cities, value)
        if field == "start_date":  # the precision is 'unknown' exactly when undated
            changes["date_precision"] = dates.precision_for(value, dates.UNDATED)
        Meeting.objects.filter(pk=meeting.pk).update(**changes)
    elif kind == "participant":  # the track follows through Participation.save
        make_participation(meeting, capacity=args[0], side="US")
    elif kind == "drop_participants":
        Participation.objects.filter(meeting=meeting).delete()
    elif kind == "delete":
        meetings.remove(meeting)
        Meeting.objects.filter(pk=meeting.pk).delete()
    elif kind == "raw_sql":  # as a data fix in a database shell would
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE meetings_meeting SET visibility = %s WHERE id = %s",
                [args[0], meeting.pk],
            )


STEPS = st.one_of(
    st.tuples(st.just("create"), MEETINGS, VISIBILITIES, CITIES, DATES, TRACKS),
    st.tuples(st.just("bulk_create"), MEETINGS, VISIBILITIES, CITIES, DATES, TRACKS),
    st.tuples(st.just("save"), MEETINGS, VISIBILITIES, CITIES, DATES, TRACKS),
    st.tuples(st.just("update"), MEETINGS, st.just("visibility"), VISIBILITIES),
    st.tuples(st.just("update"), MEETINGS, st.just("city"), CITIES),
    st.tuples(st.just("update"), MEETINGS, st.just("start_date"), DATES),
    st.tuples(st.just("update"), MEETINGS, st.just("track"), TRACKS),
    st.tuples(st.just("participant"), MEETINGS, st.sampled_from(["official", "former_official"])),
    st.tuples(st.just("drop_participants"), MEETINGS),
    st.tuples(st.just("delete"), MEETINGS),
    st.tuples(st.just("raw_sql"), MEETINGS, VISIBILITIES),
)


@PROPERTY
@given(steps=st.lists(STEPS, max_size=25))
def test_public_counts_follow_every_kind_of_write(steps):
    try:
        with transaction.atomic():
            cities, meetings = [make_city(), make_city(country="KP")], []
            for step in steps:
                apply(step, cities, meetings)
                assert table_counts() == live_counts(), step
            raise RolledBack
    except RolledBack:
        pass


def test_public_counts_after_deleting_every_meeting_are_zero():
    for visibility in Visibility.values:
        make_meeting(visibility=visibility, start_date=datetime.date(2017, 1, 1))
    Meeting.objects.all().delete()
    assert table_counts() == {}
    assert not PublicMeetingCount.objects.exclude(meetings=0).exists()


def make_listing_record():
    berlin, pyongyang = make_city(country="DE"), make_city(country="KP")
    days = [None, datetime.date(1999, 5, 1), datetime.date(2017, 10, 1), datetime.date(2018, 1, 1)]
    for n in range(24):
        make_meeting(
            city=[berlin, pyongyang, None][n % 3],
            start_date=days[n % 4],
            track_override=["", *Track.values][n % 4],
            visibility=Visibility.values[n % 5 % 3],
        )
    return berlin, pyongyang


FILTER_VALUES = {
    "city": "slugs",
    "country": ["DE", "KP", "US"],
    "year": ["1999", "2017", "2018", "2020"],
    "track": Track.values,
}


@PROPERTY
@given(data=st.data())
def test_listing_counts_from_the_table_equal_those_from_the_meetings(data):
    try:
        with transaction.atomic():
            berlin, pyongyang = make_listing_record()
            choices = FILTER_VALUES | {"city": [berlin.slug, pyongyang.slug]}
            params = {
                name: data.draw(st.lists(st.sampled_from(values), unique=True, max_size=3))
                for name, values in choices.items()
            }
            filterset = meeting_filter(QueryDict(urlencode(params, doseq=True)))
            assert filterset.is_valid(), filterset.errors
            assert counted_filters_only(filterset)
            assert counts_from_table(filterset) == counts_from_meetings(filterset)
            raise RolledBack
    except RolledBack:
        pass


def test_listing_counts_other_filters_from_the_meetings():
    make_listing_record()
    assert not counted_filters_only(meeting_filter(QueryDict("q=meeting")))
    assert not counted_filters_only(meeting_filter(QueryDict("status=held")))
    assert counted_filters_only(meeting_filter(QueryDict("sort=date&year=2017")))


@pytest.mark.parametrize("query", ["", "?year=2017&track=1.5&country=KP&sort=date"])
def test_listing_aggregates_no_meetings_for_its_counts(client, query):
    """Its total, facets and year list come from the count table, so no query of the
    page aggregates the meetings table (which grows with the record; the table does not)."""
    make_listing_record()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/meetings/{query}")
    assert response.status_code == 200
    aggregates = [
        q["sql"]
        for q in queries
        if 'FROM "meetings_meeting"' in q["sql"] and AGGREGATE.search(q["sql"])
    ]
    assert aggregates == []
    assert any("meetings_publicmeetingcount" in q["sql"] for q in queries)


def test_public_counts_recount_repairs_a_table_loaded_with_old_counts():
    make_listing_record()
    right = table_counts()
    PublicMeetingCount.objects.update(meetings=F("meetings") * 2)  # as loaddata on top would
    assert table_counts() != right
    recount()
    assert table_counts() == right == live_counts()


def test_public_counts_recount_command_reports_the_total(capsys):
    make_listing_record()
    PublicMeetingCount.objects.all().delete()
    call_command("recount_public_meetings")
    assert table_counts() == live_counts()
    total = Meeting.objects.public().count()
    assert f"Counted {total} public meetings" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_public_counts_are_emptied_by_flush():
    """flush truncates (PostgreSQL) or deletes (SQLite) the meetings: no count outlives them."""
    make_listing_record()
    assert table_counts()
    call_command("flush", interactive=False, verbosity=0)
    assert not PublicMeetingCount.objects.exclude(meetings=0).exists()
    make_meeting(start_date=datetime.date(2020, 1, 1))
    assert table_counts() == live_counts()


def test_listing_offers_no_year_or_city_only_confidential_meetings_have(client):
    """The form's year and city lists come from the count table and the public cities."""
    public_city, secret_city = make_city(slug="lisbon"), make_city(slug="hidden-city")
    make_meeting(city=public_city, start_date=datetime.date(2017, 10, 1))
    make_meeting(
        city=secret_city,
        start_date=datetime.date(1999, 5, 1),
        visibility=Visibility.CONFIDENTIAL,
    )
    was_public = make_meeting(start_date=datetime.date(1998, 1, 1))
    was_public.visibility = Visibility.CONFIDENTIAL
    was_public.save()
    for query in ("", "?year=2017", "?country=DE"):
        html = client.get(f"/meetings/{query}").content.decode()
        assert 'value="2017"' in html and "lisbon" in html
        assert "1999" not in html and "1998" not in html and "hidden-city" not in html
