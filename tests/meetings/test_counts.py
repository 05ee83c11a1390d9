"""meetings/counts.py: which route counts a filter, and that the count-table route never
aggregates the meetings table. (Both routes giving the same numbers:
tests/properties/test_public_counts.py.)"""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from meetings import counts, table_counts
from meetings.filters import meeting_filter
from meetings.models import Meeting
from meetings.table_counts import counted_filters_only
from tests.public_counts import make_listing_record

pytestmark = pytest.mark.django_db

AGGREGATE = re.compile(r"\b(COUNT|SUM)\(|GROUP BY|DISTINCT")


def test_listing_counts_other_filters_from_the_meetings():
    make_listing_record()
    assert not counted_filters_only(meeting_filter(QueryDict("q=meeting")))
    assert not counted_filters_only(meeting_filter(QueryDict("status=held")))
    assert counted_filters_only(meeting_filter(QueryDict("sort=date&year=2017")))


@pytest.mark.parametrize("query", ["", "?year=2017&track=1.5&country=KP&sort=date"])
def test_listing_aggregates_no_meetings_for_its_counts(client, monkeypatch, query):
    """Its total, its city, year and track facets and its year list come from the count
    table, its party facet from the fact table: no query of the page aggregates the
    meetings table, which grows with the record. (A result of at most BY_MEETING_UP_TO
    meetings selects its facts by meeting: bounded, and here set to none.)"""
    monkeypatch.setattr(table_counts, "BY_MEETING_UP_TO", 0)
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
    assert any("meetings_publicfact" in q["sql"] for q in queries)


@pytest.mark.parametrize(
    "query",
    [
        "q=meeting",
        "status=reported",
        "from=2017&to=2018-01",
        "party=KP&party=US&party=CN",
        "country=DE&status=reported",
    ],
)
def test_listing_counts_in_one_pass_equal_those_facet_by_facet(query):
    """With no city, year or track filter, one GROUP BY city, year and track and one of
    the party lists give what a GROUP BY per facet and the party facts give."""
    make_listing_record()
    filterset = meeting_filter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    assert not counted_filters_only(filterset)
    one_pass = counts.counts_in_one_pass(filterset)
    assert one_pass == counts.counts_facet_by_facet(filterset)
    assert one_pass["total"] == filterset.qs.count() > 0


def test_one_pass_groups_of_a_result_no_row_can_meet_are_empty():
    """A condition Django knows no row meets (``pk__in=[]``) has no SQL to group from
    outside: nothing is read, nothing counted, on either database."""
    make_listing_record()
    assert counts._groups_and_parties(Meeting.objects.filter(pk__in=[])) == ([], [])
    groups, parties = counts._groups_and_parties(Meeting.objects.public())
    assert (
        sum(n for *_, n in groups) == sum(n for _, n in parties) == Meeting.objects.public().count()
    )
