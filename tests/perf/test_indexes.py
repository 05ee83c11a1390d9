"""The listing's default order is served by an index, not by sorting every public meeting."""

import pytest
from django.db import connection

from meetings.models import Meeting
from meetings.populate import populate

pytestmark = pytest.mark.django_db


def test_listing_order_index_exists_on_postgresql_only():
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "meetings_meeting"))
    assert ("meeting_listing_order_idx" in names) == (connection.vendor == "postgresql")


def test_populated_database_reads_the_newest_public_meetings_in_index_order():
    populate(300, seed=2)
    plan = Meeting.objects.public().select_related("city")[:25].explain()
    expected = {
        "sqlite": "meeting_start_date_idx",
        "postgresql": "meeting_listing_order_idx",
    }[connection.vendor]
    assert expected in plan
    assert "TEMP B-TREE" not in plan
