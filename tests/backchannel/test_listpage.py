"""The one list-page mechanism: option lists rendered escaped, and kept per process."""

from backchannel.listpage import options_html, select_options
from meetings.filters import MeetingFilter
from people.filters import PersonFilter

MARKUP = '<script>alert("x")</script>'


def test_options_are_escaped_by_the_template_engine_and_mark_the_selection():
    html = options_html((("a&b", MARKUP), ("berlin", "Berlin, Germany")), frozenset({"berlin"}))
    assert html == (
        '<option value="a&amp;b">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</option>'
        '<option value="berlin" selected>Berlin, Germany</option>'
    )


def test_options_of_the_same_lists_are_rendered_once_per_process():
    choices = (("oslo", "Oslo, Norway"),)
    options_html.cache_clear()
    first = options_html(choices, frozenset())
    again = options_html((("oslo", "Oslo, Norway"),), frozenset())  # equal, not the same
    assert again is first
    assert options_html.cache_info().hits == 1


def test_select_options_marks_each_list_from_its_own_selection():
    lists = {"year": (("2017", "2017"), ("2016", "2016")), "city": (("2017", "Town 2017"),)}
    options = select_options(lists, {"year": ["2017"], "city": []})
    assert options == {
        "year": '<option value="2017" selected>2017</option><option value="2016">2016</option>',
        "city": '<option value="2017">Town 2017</option>',
    }


def test_every_listing_names_its_parameters_once_in_its_filterset():
    meetings, people = MeetingFilter.base_filters, PersonFilter.base_filters
    assert list(meetings) == [
        "city", "country", "year", "track", "topic", "person", "series", "status", "q", "sort",
    ]  # fmt: skip
    assert list(people) == ["country", "organization", "q"]
