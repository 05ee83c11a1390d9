"""The write side's entry point for writes that send no signals: after_bulk_write."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backchannel.cache import VERSION_KEY, record_version
from meetings.derived import after_bulk_write
from meetings.models import Meeting, Participation
from tests.factories import make_meeting, make_participation

pytestmark = pytest.mark.django_db


def _meetings_made_track_two(n):
    """``n`` Track 1 meetings whose officials an update() then turned into experts."""
    meetings = []
    for _ in range(n):
        meeting = make_meeting(parties=["KP", "US"])
        make_participation(meeting, side="KP", capacity="official")
        make_participation(meeting, side="US", capacity="official")
        meetings.append(meeting)
    Participation.objects.update(capacity="expert")  # no signal: the stored track is stale
    return meetings


def _stored(meetings):
    return list(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .order_by("pk")
        .values_list("track", "side_tracks")
    )


@pytest.mark.parametrize("n", [1, 3])
def test_after_bulk_write_stores_the_tracks_in_three_queries(django_assert_num_queries, n):
    meetings = _meetings_made_track_two(n)
    assert _stored(meetings) == [("1", {"KP": "1", "US": "1"})] * n
    with django_assert_num_queries(3):  # the meetings, their participations, one update
        after_bulk_write(m.pk for m in meetings)
    assert _stored(meetings) == [("2", {"KP": "2", "US": "2"})] * n


def test_after_bulk_write_leaves_meetings_whose_track_is_right_alone():
    right = make_meeting(parties=["KP"])
    make_participation(right, side="KP", capacity="official")
    right.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        after_bulk_write([right.pk])
    assert [q["sql"] for q in captured if q["sql"].startswith("UPDATE")] == []
    assert Meeting.objects.get(pk=right.pk).updated_at == right.updated_at


def test_after_bulk_write_bumps_the_record_version_even_for_no_meeting():
    before = record_version()
    after_bulk_write([])
    assert cache.get(VERSION_KEY) != before


def test_after_bulk_write_skips_meetings_deleted_meanwhile():
    meeting = make_meeting()
    gone = meeting.pk
    meeting.delete()
    after_bulk_write([gone])
    assert not Meeting.objects.filter(pk=gone).exists()
