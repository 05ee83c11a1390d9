"""Migrations that the models alone do not show: the listing's indexes made by SQL, and
0009 reversed and applied again without losing the count triggers."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.migrations.loader import MigrationLoader

from meetings import search_index
from meetings.models import (
    City,
    Meeting,
    PublicMeetingCount,
)
from meetings.populate import populate
from meetings.search import search_condition
from tests.factories import (
    make_meeting,
)

pytestmark = pytest.mark.django_db

ORDER_INDEX = {"sqlite": "meeting_start_date_idx", "postgresql": "meeting_listing_order_idx"}


def index_names():
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "meetings_meeting"))


def test_listing_indexes_exist_for_this_database():
    """Made by raw SQL (0003, 0005): a migration that rebuilds the table on SQLite must
    create them again."""
    expected = {
        "meeting_city_date_idx",
        "meeting_visibility_city_idx",
        "meeting_visibility_date_track_idx",
    }
    if connection.vendor == "postgresql":
        expected.add("meeting_listing_order_idx")
    assert expected <= index_names()


def assert_read_in_index_order(queryset, index):
    plan = queryset.explain()
    assert index in plan
    assert "TEMP B-TREE" not in plan  # SQLite's sort
    assert "Sort Key" not in plan  # PostgreSQL's


def test_newest_public_meetings_are_read_in_index_order():
    populate(300, seed=2)
    assert_read_in_index_order(
        Meeting.objects.public().select_related("city")[:25], ORDER_INDEX[connection.vendor]
    )


def test_newest_public_meetings_of_a_city_are_read_in_index_order():
    populate(300, seed=2)
    city = City.objects.order_by("slug").first()
    if connection.vendor == "postgresql":
        # With a few dozen rows PostgreSQL rightly prefers sorting them; forbid
        # sorting to check that the index can give the order when it matters.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
    assert_read_in_index_order(
        Meeting.objects.public().filter(city=city).select_related("city")[:25],
        "meeting_city_date_idx",
    )


def meeting_model_at(migration):
    """The meeting model as it was at ``migration`` of meetings (for the schema then)."""

    state = MigrationLoader(connection).project_state(("meetings", migration))
    return state.apps.get_model("meetings", "Meeting")


@pytest.mark.django_db(transaction=True)
def test_meeting_dates_migration_reverses_and_keeps_the_count_triggers():
    from tests.meetings.test_count_triggers import installed_trigger_code, written_trigger_code

    indexes = index_names()

    call_command("migrate", "meetings", "0008", verbosity=0)
    try:
        then = meeting_model_at("0008_city_id_positive")
        then.objects.create(slug="then", start_date=datetime.date(9999, 12, 31))  # no check
        assert installed_trigger_code() == written_trigger_code()
        then.objects.all().delete()
        added_since = {
            "meetings_meeting_dates_in_range",  # 0009
            "meetings_meeting_unknown_exactly_when_undated",  # 0011
            "meeting_review_queue_idx",  # 0011
            "meeting_parties_idx",  # 0014
            "meeting_search_document_idx",  # 0015, PostgreSQL
        }
        dropped_since = {"meeting_search_idx"} if connection.vendor == "postgresql" else set()
        assert index_names() == (indexes - added_since) | dropped_since
    finally:
        call_command("migrate", "meetings", verbosity=0)
    assert installed_trigger_code() == written_trigger_code()
    assert index_names() == indexes
    meeting = make_meeting(start_date=datetime.date(2017, 1, 1))
    counted = PublicMeetingCount.objects.filter(meetings__gt=0)
    assert list(counted.values_list("year", "meetings")) == [(2017, 1)]
    with pytest.raises(IntegrityError):
        Meeting.objects.filter(pk=meeting.pk).update(start_date=datetime.date(9999, 12, 31))


@pytest.mark.django_db(transaction=True)
def test_migration_0011_makes_undated_meetings_unknown_and_back():
    from tests.meetings.test_count_triggers import installed_trigger_code, written_trigger_code

    call_command("migrate", *BEFORE, verbosity=0)
    try:
        then = _models_at(BEFORE)
        old = then.get_model("meetings", "Meeting")
        old.objects.create(title="Undated", slug="undated", date_precision="day")
        old.objects.create(
            title="Dated", slug="dated", start_date="2019-03-01", date_precision="month"
        )
        then.get_model("meetings", "HistoricalMeeting").objects.create(
            id=1,
            title="Undated",
            slug="undated",
            date_precision="day",
            history_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            history_type="+",
            created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        )
        call_command("migrate", "meetings", "0011", verbosity=0)
        assert _precisions() == {"undated": "unknown", "dated": "month"}
        assert _history_precisions() == ["unknown"]
        assert installed_trigger_code() == written_trigger_code()
        call_command("migrate", *BEFORE, verbosity=0)
        assert _precisions() == {"undated": "day", "dated": "month"}
        assert installed_trigger_code() == written_trigger_code()
    finally:
        call_command("migrate", "meetings", verbosity=0)
        Meeting.history.all().delete()
        Meeting.objects.all().delete()


BEFORE = ("meetings", "0010_missed_cache_bump")


def _models_at(node):
    return MigrationLoader(connection).project_state(node).apps


def _precisions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug, date_precision FROM meetings_meeting")
        return dict(cursor.fetchall())


def _history_precisions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_precision FROM meetings_historicalmeeting")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_migration_0015_writes_the_words_of_the_meetings_already_there():
    call_command("migrate", "meetings", "0014", verbosity=0)
    try:
        then = state_at("0014_party_facet_index")
        meetings = then.get_model("meetings", "Meeting").objects
        public = meetings.create(
            slug="a", title="Ch'oe's kangaroo talks", parties=["KP"], visibility="public"
        )
        meetings.create(slug="b", title="Kangaroo secrets", visibility="confidential")
        hidden = then.get_model("people", "Person").objects.create(full_name="Wilhelmina", slug="w")
        then.get_model("meetings", "Participation").objects.create(
            meeting=public, person=hidden, side="US", capacity="expert", anonymised=True
        )
    finally:
        call_command("migrate", "meetings", verbosity=0)
    public_ids = set(Meeting.objects.public().values_list("pk", flat=True))
    assert search_index.stored_ids() == public_ids == {public.pk}
    found = Meeting.objects.public().filter(search_condition("choe kangaroo"))
    assert list(found.values_list("slug", flat=True)) == ["a"]
    assert not Meeting.objects.filter(search_condition("wilhelmina")).exists()
    assert not Meeting.objects.filter(search_condition("secrets")).exists()


def state_at(migration):
    return MigrationLoader(connection).project_state(("meetings", migration)).apps
