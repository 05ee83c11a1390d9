"""Query checking before any filter: the parameters come from the listing's FilterSet."""

from django.http import QueryDict

from backchannel.parameters import Parameters
from meetings.filters import MeetingFilter
from people.filters import PersonFilter


def test_parameters_of_a_filterset_know_which_take_one_value():
    meetings = Parameters.of(MeetingFilter)
    assert meetings.single == {"q", "sort", "page", "from", "to"}
    assert meetings.known == {*MeetingFilter.base_filters, "page"}
    assert Parameters.of(MeetingFilter, paginated=False).known == set(MeetingFilter.base_filters)
    assert Parameters.of(PersonFilter).single == {"q", "page"}


def test_parameter_errors_name_each_refused_parameter_and_ignore_unknown_ones():
    query = QueryDict("q=a&q=b&city=x%00&track=1&track=2&utm=%00&page=1&page=2")
    assert Parameters.of(MeetingFilter).errors(query) == [
        ("q", "Give this parameter once."),
        ("city", "Remove the NUL character from the value."),
        ("page", "Give this parameter once."),
    ]


def test_kept_query_drops_unknown_parameters():
    query = QueryDict("city=oslo&utm_source=news&page=2")
    assert Parameters.of(MeetingFilter).kept(query).urlencode() == "city=oslo&page=2"
    assert Parameters.of(MeetingFilter, paginated=False).kept(query).urlencode() == "city=oslo"
