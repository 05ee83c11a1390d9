"""The listing's default order is served by an index, not by sorting every public meeting."""

import pytest
from django.db import connection

from meetings.models import City, Meeting
from meetings.populate import populate

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
