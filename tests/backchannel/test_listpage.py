"""backchannel/listpage.py, through both listings and the exports: a bad value is a 400
naming the parameter, a page past the end a 404, never a 500; option lists rendered
escaped by the template engine and kept per process."""

import pytest
from django.utils.html import escape

from backchannel.listpage import options_html, select_options
from meetings.filters import MeetingFilter
from meetings.models import Visibility
from people.filters import PersonFilter
from tests.factories import make_city, make_meeting
from tests.pages import body

pytestmark = pytest.mark.django_db

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
        "city", "country", "year", "track", "topic", "person", "series", "status",
        "organization", "party", "from", "to", "q", "sort", "with",
    ]  # fmt: skip
    assert list(people) == ["country", "organization", "q"]


MARKUP = '<script>alert("x")</script>'


SQL = "' OR 1=1 --"


# (query string parameters, the parameter the page must name)
BAD = [
    ({"year": "abc"}, "year"),
    ({"year": "99999"}, "year"),
    ({"year": "17"}, "year"),
    ({"year": "0000"}, "year"),
    ({"year": "2017.0"}, "year"),
    ({"year": "-2017"}, "year"),
    ({"track": "3"}, "track"),
    ({"track": "1,5"}, "track"),
    ({"city": "atlantis"}, "city"),
    ({"city": MARKUP}, "city"),
    ({"city": SQL}, "city"),
    ({"country": "XX"}, "country"),
    ({"country": "de"}, "country"),
    ({"topic": "no-such-topic"}, "topic"),
    ({"person": "nobody"}, "person"),
    ({"series": SQL}, "series"),
    ({"status": "secret"}, "status"),
    ({"sort": "foo"}, "sort"),
    ({"sort": "title; DROP TABLE meetings_meeting"}, "sort"),
    ({"page": "abc"}, "page"),
    ({"page": "0"}, "page"),
    ({"page": "-1"}, "page"),
    ({"page": "1e3"}, "page"),
    ({"page": "99999999999999999999"}, "page"),
    ({"q": "x" * 201}, "q"),
    ({"q": "talks\x00"}, "q"),
    ({"city": "berlin\x00"}, "city"),
    ({"year": "2017\x00"}, "year"),
    ({"track": ["1.5"] * 51}, "track"),
]


FILTER_BAD = [(params, name) for params, name in BAD if name != "page"]


@pytest.fixture
def seeded():
    make_meeting(city=make_city(slug="berlin"))


@pytest.mark.parametrize(("params", "name"), BAD)
def test_listing_bad_value_is_400_naming_the_parameter(client, seeded, params, name):
    response = client.get("/meetings/", params)
    assert response.status_code == 400
    html = body(response)
    assert f"Parameter <code>{name}</code>" in html
    assert "<script>alert" not in html
    assert "data-count=" not in html


@pytest.mark.parametrize(("params", "name"), FILTER_BAD)
def test_exports_bad_value_is_400_naming_the_parameter(client, seeded, params, name):
    for url in ("/meetings/export.csv", "/meetings/export.json", "/meetings/calendar.ics"):
        response = client.get(url, params)
        assert response.status_code == 400, url
        assert f"Parameter {name}:" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        MARKUP,
        SQL,
        '"><img src=x onerror=alert(1)>',
        "%' OR '1'='1",
        "_",
        "%",
        "\\",
        "Robert'); DROP TABLE meetings_meeting;--",
        "{{ settings.SECRET_KEY }}",
        "😀 ñ 北朝鮮",
        "x" * 200,
    ],
)
def test_listing_hostile_search_is_escaped_and_answers(client, seeded, q):
    response = client.get("/meetings/", {"q": q})
    assert response.status_code == 200
    html = body(response)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "tests-only-not-a-secret" not in html
    assert f'name="q" value="{escape(q)}"' in html  # echoed back, escaped
    assert f"Search: “{escape(q)}”" in html


@pytest.mark.parametrize("name", ["city", "topic", "person", "series"])
def test_listing_bad_slug_is_named_escaped_in_the_message(client, seeded, name):
    html = body(client.get("/meetings/", {name: MARKUP}))
    assert escape(MARKUP) in html
    assert MARKUP not in html


def test_listing_markup_in_unknown_parameter_is_escaped_in_links(client, seeded):
    response = client.get("/meetings/", {"x": MARKUP})
    assert response.status_code == 200
    assert "<script>alert" not in body(response)


def test_listing_confidential_city_slug_is_invalid(client):
    make_meeting(city=make_city(slug="hidden-city"), visibility=Visibility.CONFIDENTIAL)
    assert client.get("/meetings/", {"city": "hidden-city"}).status_code == 400


def test_listing_page_past_the_end_is_404(client, seeded):
    assert client.get("/meetings/", {"page": "2"}).status_code == 404
    assert client.get("/meetings/", {"page": "999999999"}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"country": "XX"},
        {"organization": "nowhere"},
        {"q": "y" * 201},
        {"q": "a\x00b"},
        {"page": "zero"},
        {"page": "0"},
    ],
)
def test_people_bad_value_is_400(client, params):
    response = client.get("/people/", params)
    assert response.status_code == 400
    assert f"Parameter <code>{next(iter(params))}</code>" in body(response)


def test_people_page_past_the_end_is_404(client):
    assert client.get("/people/", {"page": "2"}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/no-such-meeting/",
        "/people/nobody/",
        "/meetings/%3Cscript%3E/",
        "/meetings/x'%20OR%201=1/",
    ],
)
def test_unknown_detail_paths_are_404(client, path):
    assert client.get(path).status_code == 404


def test_post_is_refused(client, seeded):
    assert client.post("/meetings/").status_code == 405


@pytest.mark.parametrize("url", ["/meetings/", "/people/"])
@pytest.mark.parametrize("name", ["q", "page"])
def test_single_valued_parameter_given_twice_is_refused(client, url, name):
    first, second = ("1", "2") if name == "page" else ("alpha", "beta")
    response = client.get(url, {name: [first, second]})
    assert response.status_code == 400
    assert f"Parameter <code>{name}</code>: Give this parameter once." in body(response)


def test_sort_given_twice_is_refused(client):
    response = client.get("/meetings/", {"sort": ["date", "-date"]})
    assert response.status_code == 400
    assert "Parameter <code>sort</code>" in body(response)


@pytest.mark.parametrize("url", ["/meetings/", "/people/", "/meetings/export.csv"])
def test_search_with_more_words_than_searched_is_refused(client, url):
    response = client.get(url, {"q": " ".join(f"w{n}" for n in range(11))})
    assert response.status_code == 400
    assert "q" in body(response)
    assert "Search for at most 10 words." in body(response)
    assert client.get(url, {"q": " ".join(f"w{n}" for n in range(10))}).status_code == 200


@pytest.mark.parametrize("url", ["/meetings/", "/people/", "/meetings/export.json"])
def test_unknown_parameters_are_ignored_whatever_their_value(client, url):
    make_meeting(title="Visible")
    plain = client.get(url)
    noisy = client.get(url, {"utm_source": ["a\x00b"] * 60, "ref": "<b>x</b>"})
    assert noisy.status_code == plain.status_code == 200
    # Any query string marks a listing noindex for crawlers; nothing else may change.
    robots = '<meta name="robots" content="noindex, nofollow">'
    assert body(noisy).replace(robots, "") == body(plain).replace(robots, "")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", False), ("page=2", False), ("q=", False), ("utm_source=x", False), ("q=x", True)],
)
def test_any_filter_is_whether_a_known_parameter_narrows(rf, db, query, expected):
    from people.views import PersonList

    assert PersonList(rf.get(f"/people/?{query}")).any_filter() is expected
