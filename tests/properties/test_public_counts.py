"""Property tests of the count table: equal to the public meetings through every kind of
write, and the listing's counts equal by both routes."""

import datetime
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import dates
from meetings import table_counts as routes
from meetings.counts import counts_from_meetings
from meetings.filters import meeting_filter
from meetings.models import (
    Meeting,
    Participation,
    Track,
    Visibility,
)
from meetings.table_counts import (
    anchor_fact,
    counted_filters_only,
    counts_from_facts,
    counts_from_table,
)
from people.models import Organization
from tests.factories import make_city, make_meeting, make_participation
from tests.public_counts import live_counts, make_listing_record, table_counts

pytestmark = pytest.mark.django_db


PROPERTY = settings(max_examples=60)  # the rest: tests/conftest.py's profile


VISIBILITIES = st.sampled_from(Visibility.values)


DATES = st.sampled_from([None, datetime.date(1999, 5, 1), datetime.date(2017, 10, 1)])


TRACKS = st.sampled_from(["", *Track.values])


CITIES = st.sampled_from([None, 0, 1])  # an index into the example's cities


MEETINGS = st.integers(min_value=0, max_value=20)  # an index into the meetings so far


class RolledBack(Exception):
    """Ends an example's transaction, so examples never see each other's rows."""


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


FILTER_VALUES = {
    "city": "slugs",
    "country": ["DE", "KP", "US"],
    "year": ["1999", "2017", "2018", "2020", "unknown"],
    "track": Track.values,
}


def drawn_filter(data, max_size, anchor=None):
    """A valid filter over make_listing_record() of city, country, year and track values
    drawn from FILTER_VALUES (at most ``max_size`` each), and ``anchor``'s party or
    organisation (the organisation given as its index in the record)."""
    berlin, pyongyang = make_listing_record()
    choices = FILTER_VALUES | {"city": [berlin.slug, pyongyang.slug]}
    params = {
        name: data.draw(st.lists(st.sampled_from(values), unique=True, max_size=max_size))
        for name, values in choices.items()
    }
    if anchor and "organization" in anchor:
        slugs = Organization.objects.order_by("pk").values_list("slug", flat=True)
        anchor = {"organization": [slugs[anchor["organization"]]]}
    filterset = meeting_filter(QueryDict(urlencode(params | (anchor or {}), doseq=True)))
    assert filterset.is_valid(), filterset.errors
    return filterset


@PROPERTY
@given(data=st.data())
def test_listing_counts_from_the_table_equal_those_from_the_meetings(data):
    try:
        with transaction.atomic():
            filterset = drawn_filter(data, max_size=3)
            assert counted_filters_only(filterset)
            # Facts by meeting (a small result), or by their own city, year and track.
            small = data.draw(st.sampled_from([routes.BY_MEETING_UP_TO, 0]))
            with mock.patch.object(routes, "BY_MEETING_UP_TO", small):
                assert counts_from_table(filterset) == counts_from_meetings(filterset)
            raise RolledBack
    except RolledBack:
        pass


# What one fact selects: a party, two parties (their pair) or one organisation.
ANCHORS = st.one_of(
    st.lists(
        st.sampled_from(["CN", "DE", "KP", "US", "FR"]), min_size=1, max_size=2, unique=True
    ).map(lambda codes: {"party": codes}),
    st.integers(min_value=0, max_value=1).map(lambda n: {"organization": n}),
)


@PROPERTY
@given(data=st.data(), anchor=ANCHORS)
def test_listing_counts_from_the_facts_equal_those_from_the_meetings(data, anchor):
    try:
        with transaction.atomic():
            filterset = drawn_filter(data, max_size=2, anchor=anchor)
            kind_and_key = anchor_fact(filterset)
            assert kind_and_key is not None
            assert counts_from_facts(filterset, *kind_and_key) == counts_from_meetings(filterset)
            raise RolledBack
    except RolledBack:
        pass
