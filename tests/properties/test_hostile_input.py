"""Random and hostile query strings on every public listing and export, property-tested.

Each test draws query strings from a mix of valid values, control and format
characters, arbitrary (surrogate-free) unicode, very long values, repeated
parameters, SQL-looking and markup strings, and unknown parameter names. An
oracle restating the parameter rules (backchannel/parameters.py and the two
FilterSets) says which parameters a request must be refused for; the test checks the
answer against it: never a 5xx, 400 naming exactly those parameters, 404 only
past the last page, 200 otherwise, and no markup echoed unescaped.
"""

import datetime
import html
import json
import re

import pytest
from django_countries import countries
from hypothesis import event, given, settings
from hypothesis import strategies as st

from meetings.models import City, DialogueSeries, Status, Topic, Track, Visibility, public_people
from people.filters import affiliating_organizations
from people.models import Organization
from tests.factories import (
    make_affiliation,
    make_city,
    make_meeting,
    make_organization,
    make_participation,
    make_person,
    make_series,
    make_topic,
)
from tests.pages import body

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=150)  # the rest: tests/conftest.py's profile

MEETING_PARAMETERS = (
    "city",
    "country",
    "year",
    "track",
    "topic",
    "person",
    "series",
    "status",
    "organization",
    "party",
    "from",
    "to",
    "q",
    "sort",
    "page",
)
PEOPLE_PARAMETERS = ("country", "organization", "q", "page")
ORGANIZATION_PARAMETERS = ("kind", "country", "q", "page")
SERIES_PARAMETERS = ("q", "page")
EXPORTS = ("/meetings/export.csv", "/meetings/export.json", "/meetings/calendar.ics")

MAX_VALUES = 50  # backchannel.parameters.MAX_VALUES_PER_PARAMETER, restated on purpose
MAX_WORDS = 10  # backchannel.parameters.MAX_SEARCH_WORDS
SINGLE_VALUED = frozenset({"q", "sort", "page", "from", "to"})
YEAR = re.compile(r"^[1-9][0-9]{3}\Z")
PAGE = re.compile(r"^[1-9][0-9]{0,8}\Z")
PARTY = re.compile(r"^[A-Z]{2}\Z")
REDUCED_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")
COUNTRY_CODES = frozenset(code for code, _ in countries)
SORTS = frozenset({"", "-date", "date"})

MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)//",
)
SQL = (
    "' OR 1=1 --",
    "' OR '1'='1",
    "%' OR '1'='1",
    "1; DROP TABLE meetings_meeting; --",
    "') UNION SELECT username, password FROM auth_user --",
    "%",
    "_",
    "\\",
    "2017' --",
    "berlin' --",
)
CONTROL = (
    "\x00",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\u2066",  # left-to-right isolate
    "\ufeff",
    "\x1b[31m",
    "\x7f",
    "\r\n",
    "\t",
    "\u2028",
    "\x85",
    "\x0b",
    " ",
)


def seed():
    """Public, withheld and confidential meetings; returns the public slug sets and
    the slugs only confidential records carry."""
    berlin = make_city(name="Berlin", slug="berlin", country="DE")
    geneva = make_city(name="Geneva", slug="geneva", country="CH")
    hidden_city = make_city(name="Hidden", slug="hidden-city", country="NO")
    topic, hidden_topic = make_topic(slug="nuclear"), make_topic(slug="hidden-topic")
    series, hidden_series = make_series(slug="channel"), make_series(slug="hidden-series")
    wit, hidden_person = make_person(slug="joel-wit"), make_person(slug="hidden-person")
    make_affiliation(wit, organization=make_organization(slug="ncnk"))
    make_affiliation(hidden_person, organization=make_organization(slug="hidden-org"))
    public = make_meeting(
        title="Talks in Berlin",
        city=berlin,
        series=series,
        start_date=datetime.date(2017, 10, 1),
        date_precision="month",
    )
    public.topics.add(topic)
    make_participation(public, wit, side="US", capacity="former_official")
    make_participation(public, make_person(slug="choe"), side="KP", capacity="official")
    make_meeting(
        title="Round in Geneva",
        city=geneva,
        start_date=datetime.date(2016, 1, 1),
        date_precision="year",
        visibility=Visibility.PARTICIPANTS_WITHHELD,
    )
    secret = make_meeting(
        title="Secret round",
        city=hidden_city,
        series=hidden_series,
        start_date=datetime.date(2018, 3, 5),
        visibility=Visibility.CONFIDENTIAL,
    )
    secret.topics.add(hidden_topic)
    make_participation(secret, hidden_person, side="US", capacity="expert")
    slugs = {
        "city": set(City.objects.public().values_list("slug", flat=True)),
        "topic": set(Topic.objects.public().values_list("slug", flat=True)),
        "series": set(DialogueSeries.objects.public().values_list("slug", flat=True)),
        "person": set(public_people().values_list("slug", flat=True)),
        "organization": set(affiliating_organizations().values_list("slug", flat=True)),
    }
    hidden = {
        "city": "hidden-city",
        "topic": "hidden-topic",
        "series": "hidden-series",
        "person": "hidden-person",
        "organization": "hidden-org",
    }
    # The oracle takes the public choice sets from the gates; make sure they are sane.
    assert slugs == {
        "city": {"berlin", "geneva"},
        "topic": {"nuclear"},
        "series": {"channel"},
        "person": {"joel-wit", "choe"},
        "organization": {"ncnk"},
    }
    return slugs, hidden


@pytest.fixture
def record(db):
    return seed()


# --- strategies ----------------------------------------------------------------------

SAMPLES = {
    "city": ("berlin", "geneva", "hidden-city", "Berlin", "berlin "),
    "country": ("DE", "CH", "NO", "KP", "de", "XX", "", "D E"),
    "year": (
        "2017",
        "2016",
        "1999",
        " 2017 ",
        "17",
        "0000",
        "2017.0",
        "-2017",
        "٢٠١٧",
        "",
        "10000",
    ),
    "track": (*tuple(Track.values), "3", "1,5", "", "Track 2"),
    "topic": ("nuclear", "hidden-topic", "NUCLEAR"),
    "person": ("joel-wit", "choe", "hidden-person", "joel_wit"),
    "series": ("channel", "hidden-series"),
    "status": (*tuple(Status.values), "secret", "HELD", ""),
    "q": ("talks", "Berlin talks", "wit", "  ", "", "x" * 200, "x" * 201, " " + "y" * 200 + " "),
    "sort": ("-date", "date", "", "title", "-date; DROP TABLE x", "start_date"),
    "page": ("1", "2", "0", "-1", "1e3", "01", "abc", "999999999", "9999999999", " 1", ""),
    "organization": ("ncnk", "hidden-org", "NCNK"),
    "kind": (*tuple(Organization.Kind.values), "Think tank", "THINK_TANK", "", "ngo "),
    "party": ("KP", "US", "NO", "kp", "XX", "", "K P", "KPUS", "CN"),
    "from": (
        "2017",
        "2017-06",
        "2016-02-29",
        "2017-02-29",
        "2019-13",
        "0999",
        "99999",
        "",
        " 2017 ",
        "2017-6",
        "٢٠١٧",
        "2018-01-01",
        "1850",
        "3000",
    ),
    "to": (
        "2017",
        "2017-10",
        "2017-09-30",
        "2016",
        "2019-02-30",
        "2019-00",
        "",
        "2017-10-1",
        "2199-12-31",
        "9999-12-31",
        "1000",
    ),
}

VALID = {
    "city": ("berlin", "geneva"),
    "country": ("DE", "CH", "US"),
    "year": ("2017", "2016", "1999"),
    "track": tuple(Track.values),
    "topic": ("nuclear",),
    "person": ("joel-wit", "choe"),
    "series": ("channel",),
    "status": tuple(Status.values),
    "q": ("talks", "Berlin", "wit", ""),
    "sort": ("-date", "date"),
    "page": ("1", "2"),
    "organization": ("ncnk",),
    "kind": tuple(Organization.Kind.values),
    "party": ("KP", "US", "CN"),
    "from": ("2016", "2017-06", "2017-10-15"),
    "to": ("2017", "2018-01", "2016-12-31"),
}

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
long_text = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["x", "é", "界", "\u202e", "'", "<"]),
    st.integers(150, 3000),
)
hostile_piece = st.sampled_from(MARKUP + SQL + CONTROL)
hostile_text = st.one_of(
    any_text,
    hostile_piece,
    long_text,
    st.lists(st.one_of(hostile_piece, any_text), min_size=2, max_size=4).map("".join),
)


def value_for(name):
    """One value of parameter ``name``: often a documented sample, otherwise hostile."""
    return st.one_of(
        st.sampled_from(SAMPLES[name]),
        hostile_text,
        # A valid value wrapped in hostile characters.
        st.builds(
            lambda before, sample, after: before + sample + after,
            st.sampled_from((*CONTROL, "")),
            st.sampled_from(SAMPLES[name]),
            st.sampled_from((*CONTROL, "")),
        ),
    )


def values_for(value):
    """One to three values, or now and then a flood of more than the limit."""
    return st.one_of(
        st.lists(value, min_size=1, max_size=3),
        st.builds(lambda v, extra: [v] * (MAX_VALUES + extra), value, st.integers(0, 2)),
    )


def known_parameters(names):
    return st.fixed_dictionaries({}, optional={name: values_for(value_for(name)) for name in names})


def unknown_names(known):
    # No ":" or line breaks, so "Parameter NAME:" in a plain-text answer is unambiguous.
    name = st.one_of(
        st.sampled_from(
            ["utm_source", "CITY", "city ", "page[]", "q\u202e", "__proto__", "format"]
        ),
        st.sampled_from(MARKUP),
        st.text(
            st.characters(exclude_categories=("Cs",), exclude_characters=":\r\n\x85\u2028\u2029"),
            min_size=1,
            max_size=20,
        ),
    )
    return name.filter(lambda n: n not in known)


def unknown_parameters(known):
    """Names the endpoint does not take, with any values at all: NUL and floods included."""
    value = st.one_of(st.sampled_from(MARKUP + SQL), any_text)
    return st.dictionaries(unknown_names(known), values_for(value), max_size=3)


def valid_parameters(names):
    """Only documented good values, so that accepted requests are drawn often too."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.lists(st.sampled_from(VALID[name]), min_size=1, max_size=2) for name in names
        },
    )


def query(known):
    return st.builds(
        lambda a, b: a | b,
        st.one_of(known_parameters(known), valid_parameters(known)),
        st.one_of(st.just({}), unknown_parameters(known)),
    )


# --- the oracle ----------------------------------------------------------------------


def all_in(allowed):
    return lambda values: all(value in allowed for value in values)


def valid_checks(slugs):
    """{parameter: values -> bool}: the documented rule for each filter parameter."""
    return {
        "city": all_in(slugs["city"]),
        "topic": all_in(slugs["topic"]),
        "person": all_in(slugs["person"]),
        "series": all_in(slugs["series"]),
        "organization": all_in(slugs["organization"]),
        "country": all_in(COUNTRY_CODES),
        "year": lambda values: all(
            YEAR.match(value.strip()) or value.strip() == "unknown" for value in values
        ),
        "party": lambda values: all(PARTY.match(v) and v in COUNTRY_CODES for v in values),
        "from": lambda values: reduced_date(values[-1]) is not False,
        "to": lambda values: reduced_date(values[-1]) is not False,
        "track": all_in(set(Track.values)),
        "status": all_in(set(Status.values)),
        "kind": all_in(set(Organization.Kind.values)),
        # Single-valued (a repeat is refused earlier); surrounding whitespace is stripped.
        "q": lambda values: len(values[-1].strip()) <= 200 and len(values[-1].split()) <= MAX_WORDS,
        "sort": lambda values: values[-1] in SORTS,
    }


def reduced_date(text):
    """(first day, last day) of a from/to value, None when empty, False when refused."""
    text = text.strip()
    if not text:
        return None
    found = REDUCED_DATE.match(text)
    if not found or int(found.group(1)) < 1000:
        return False
    year, month, day = (int(part) if part else None for part in found.groups())
    try:
        first = datetime.date(year, month or 1, day or 1)
        if day:
            return first, first
        last_month = month or 12
        following = datetime.date(year + (last_month == 12), last_month % 12 + 1, 1)
        return first, following - datetime.timedelta(days=1)
    except (ValueError, OverflowError):
        return False


def range_reversed(params):
    """Whether valid ``from`` and ``to`` make a range that ends before it starts."""
    start = reduced_date(params.get("from", [""])[-1])
    end = reduced_date(params.get("to", [""])[-1])
    return bool(start and end and end[1] < start[0])


def refused_before_filtering(name, values):
    return (
        len(values) > MAX_VALUES
        or any("\x00" in value for value in values)
        or (name in SINGLE_VALUED and len(values) > 1)
    )


def expected_errors(params, filters, checks, *, paged):
    """The parameters the answer must name: empty when the request is acceptable.

    Only the endpoint's own parameters count (``filters``, and ``page`` where it
    pages); any other name is ignored whatever its value."""
    known = {*filters, "page"} if paged else set(filters)
    named = {
        name
        for name, values in params.items()
        if name in known and refused_before_filtering(name, values)
    }
    if not named:
        named = {name for name in filters if name in params and not checks[name](params[name])}
        if not named & {"from", "to"} and "to" in filters and range_reversed(params):
            named.add("to")
    if paged and "page" in params and not PAGE.match(params["page"][-1]):
        named.add("page")
    return named


def expected_status(params, errors, *, paged):
    if errors:
        return 400
    if paged and "page" in params and int(params["page"][-1]) > 1:
        return 404  # the seeded record fits on one page
    return 200


# --- checks --------------------------------------------------------------------------


def html_named(text):
    return {
        html.unescape(name) for name in re.findall(r"Parameter <code>(.*?)</code>:", text, re.S)
    }


def assert_nothing_unescaped(text, params):
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    sent = [piece for name, values in params.items() for piece in [name, *values]]
    for marker in MARKUP:
        if any(marker in piece for piece in sent):
            assert marker not in text


def check_html(response, params, errors):
    event(f"status {response.status_code}")
    text = body(response)
    assert response["Content-Type"].startswith("text/html")
    assert_nothing_unescaped(text, params)
    if response.status_code == 400:
        assert errors, "a 400 must name a parameter"
        assert html_named(text) == errors
    else:
        assert "Parameter <code>" not in text


def check_export(response, text, params, errors):
    event(f"status {response.status_code}")
    if response.status_code == 400:
        # A plain-text answer the browser may not sniff into HTML.
        assert response["Content-Type"].startswith("text/plain")
        assert response["X-Content-Type-Options"] == "nosniff"
        named = {name for name in params if f"Parameter {name}: " in text}
        assert named == errors
        assert text.startswith("Parameter ")
        assert_nothing_unescaped_as_html(text)
    else:
        assert "Parameter " not in text[:10]


def assert_nothing_unescaped_as_html(text):
    # The 400 of an export is text/plain with nosniff: it quotes the bad value as
    # typed, which no browser renders as markup; it must never claim to be HTML.
    assert not text.lstrip().lower().startswith(("<!doctype", "<html"))


def to_query(params):
    return {name: list(values) for name, values in params.items()}


# --- the properties ------------------------------------------------------------------


@PROPERTY
@given(params=query(MEETING_PARAMETERS))
def test_meeting_listing_answers_hostile_query_strings(client, record, params):
    slugs, _ = record
    filters = [name for name in MEETING_PARAMETERS if name != "page"]
    errors = expected_errors(params, filters, valid_checks(slugs), paged=True)
    response = client.get("/meetings/", to_query(params))
    assert response.status_code < 500
    assert response.status_code == expected_status(params, errors, paged=True)
    check_html(response, params, errors)


@settings(PROPERTY, max_examples=60)
@given(params=query(MEETING_PARAMETERS))
def test_cities_page_answers_hostile_query_strings(client, record, params):
    """/meetings/cities/ reads the listing's parameters but ``page``, as the exports do."""
    slugs, _ = record
    filters = [name for name in MEETING_PARAMETERS if name != "page"]
    errors = expected_errors(params, filters, valid_checks(slugs), paged=False)
    response = client.get("/meetings/cities/", to_query(params))
    assert response.status_code < 500
    assert response.status_code == expected_status(params, errors, paged=False)
    check_html(response, params, errors)


@settings(PROPERTY, max_examples=80)
@given(params=query(MEETING_PARAMETERS))
def test_exports_answer_hostile_query_strings(client, record, params):
    slugs, _ = record
    filters = [name for name in MEETING_PARAMETERS if name != "page"]
    errors = expected_errors(params, filters, valid_checks(slugs), paged=False)
    for url in EXPORTS:
        response = client.get(url, to_query(params))
        assert response.status_code < 500, url
        assert response.status_code == expected_status(params, errors, paged=False), url
        text = body(response)
        check_export(response, text, params, errors)
        if url.endswith(".json") and response.status_code == 200:
            assert json.loads(text)["count"] >= 0


@PROPERTY
@given(params=query(PEOPLE_PARAMETERS))
def test_people_listing_answers_hostile_query_strings(client, record, params):
    slugs, _ = record
    filters = ["country", "organization", "q"]
    errors = expected_errors(params, filters, valid_checks(slugs), paged=True)
    response = client.get("/people/", to_query(params))
    assert response.status_code < 500
    assert response.status_code == expected_status(params, errors, paged=True)
    check_html(response, params, errors)


@settings(PROPERTY, max_examples=80)
@given(organization_params=query(ORGANIZATION_PARAMETERS), series_params=query(SERIES_PARAMETERS))
def test_organization_and_series_listings_answer_hostile_query_strings(
    client, record, organization_params, series_params
):
    slugs, _ = record
    for url, params, names in (
        ("/organizations/", organization_params, ORGANIZATION_PARAMETERS),
        ("/series/", series_params, SERIES_PARAMETERS),
    ):
        filters = [name for name in names if name != "page"]
        errors = expected_errors(params, filters, valid_checks(slugs), paged=True)
        response = client.get(url, to_query(params))
        assert response.status_code < 500, url
        assert response.status_code == expected_status(params, errors, paged=True), url
        check_html(response, params, errors)


def listing_result(response):
    text = body(response)
    total = re.search(r'data-total="(\d+)"', text)
    return total and total.group(1), re.findall(r'href="(/(?:meetings|people)/[a-z0-9-]+/)"', text)


@settings(PROPERTY, max_examples=40)
@given(
    meeting_params=unknown_parameters(MEETING_PARAMETERS),
    people_params=unknown_parameters(PEOPLE_PARAMETERS),
)
def test_unknown_parameters_alone_change_nothing(client, record, meeting_params, people_params):
    for url in ("/meetings/", "/meetings/cities/", *EXPORTS):
        plain, noisy = client.get(url), client.get(url, to_query(meeting_params))
        assert noisy.status_code == plain.status_code == 200, url
        if url == "/meetings/":
            assert listing_result(noisy) == listing_result(plain)
            assert_nothing_unescaped(body(noisy), meeting_params)
        else:
            assert body(noisy) == body(plain), url
    plain, noisy = client.get("/people/"), client.get("/people/", to_query(people_params))
    assert noisy.status_code == plain.status_code == 200
    assert listing_result(noisy) == listing_result(plain)
    assert_nothing_unescaped(body(noisy), people_params)


def test_confidential_slugs_are_refused_like_unknown_ones(client, record):
    """The oracle's choice sets leave confidential records out; so does the app."""
    _, hidden = record
    for name in ("city", "topic", "series", "person"):
        for url in ("/meetings/", "/meetings/cities/"):
            response = client.get(url, {name: hidden[name]})
            assert response.status_code == 400
            assert html_named(body(response)) == {name}
    response = client.get("/people/", {"organization": hidden["organization"]})
    assert response.status_code == 400
    assert html_named(body(response)) == {"organization"}
