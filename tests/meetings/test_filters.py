"""The meeting listing's filters (meetings/filters.py), through the page: each parameter, OR within
one, AND between them, the sort and the search."""

import datetime
import json

import pytest
from django.core.management import call_command

from meetings import dates
from meetings.models import Meeting, Visibility, public_organizations
from meetings.populate import populate
from tests.factories import (
    make_berlin_meeting,
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_person,
    make_topic,
)
from tests.pages import body, data_total, facet_links, row_titles

pytestmark = pytest.mark.django_db

LIST = "/meetings/"


def test_listing_city_berlin_lists_the_demo_meeting(client, demo):
    response = client.get(LIST, {"city": "berlin"})
    assert response.status_code == 200
    assert row_titles(response) == ["Talks in Berlin", "Undated contact"]
    assert data_total(response) == 2


def test_listing_track_one_and_a_half_lists_the_demo_meeting(client, demo):
    response = client.get(LIST, {"track": "1.5"})
    assert row_titles(response) == ["Talks in Berlin"]
    html = body(response)
    assert "Track 1 for North Korea" in html
    assert "Track 2 for United States" in html


def test_listing_default_is_newest_first_with_undated_last(client, demo):
    response = client.get(LIST)
    assert row_titles(response) == ["Talks in Berlin", "Round in Geneva", "Undated contact"]


def test_listing_oldest_first_still_puts_undated_last(client, demo):
    response = client.get(LIST, {"sort": "date"})
    assert row_titles(response) == ["Round in Geneva", "Talks in Berlin", "Undated contact"]


def test_listing_repeated_city_is_or(client, demo):
    response = client.get(LIST + "?city=berlin&city=geneva")
    assert data_total(response) == 3


def test_listing_year_matches_year_of_start_date_and_never_undated(client, demo):
    assert row_titles(client.get(LIST, {"year": "2017"})) == ["Talks in Berlin"]
    assert row_titles(client.get(LIST + "?year=2016&year=2017")) == [
        "Talks in Berlin",
        "Round in Geneva",
    ]
    assert data_total(client.get(LIST, {"year": "2015"})) == 0


def test_listing_country_is_the_host_city_country(client, demo):
    assert row_titles(client.get(LIST, {"country": "CH"})) == ["Round in Geneva"]
    assert data_total(client.get(LIST + "?country=CH&country=DE")) == 3


def test_listing_topic_series_status_filters(client, demo):
    assert row_titles(client.get(LIST, {"topic": "denuclearisation"})) == ["Talks in Berlin"]
    assert data_total(client.get(LIST, {"series": "berlin-channel"})) == 2
    assert data_total(client.get(LIST, {"status": "held"})) == 0
    assert data_total(client.get(LIST, {"status": "reported"})) == 3


def test_listing_filters_combine_with_and(client, demo):
    response = client.get(LIST, {"city": "berlin", "track": "2"})
    assert row_titles(response) == ["Undated contact"]


def test_listing_person_filter_uses_named_participations_only(client, demo):
    assert row_titles(client.get(LIST, {"person": "joel-wit"})) == [
        "Talks in Berlin",
        "Undated contact",
    ]
    assert row_titles(client.get(LIST, {"person": "choe-son-hui"})) == ["Talks in Berlin"]


def test_listing_with_narrows_person_to_meetings_naming_both(client, demo):
    assert row_titles(client.get(LIST + "?person=joel-wit&with=choe-son-hui")) == [
        "Talks in Berlin"
    ]
    # person repeated still ORs; with= then keeps the meetings naming its person too
    other = make_person(full_name="Kim Other", slug="kim-other")
    make_participation(demo["undated"], other, side="KP")
    assert row_titles(client.get(LIST + "?person=choe-son-hui&person=kim-other")) == [
        "Talks in Berlin",
        "Undated contact",
    ]
    assert row_titles(client.get(LIST + "?person=choe-son-hui&person=kim-other&with=joel-wit")) == [
        "Talks in Berlin",
        "Undated contact",
    ]
    assert data_total(client.get(LIST + "?person=joel-wit&with=choe-son-hui&with=kim-other")) == 0


def test_listing_with_reads_named_participations_only(client, demo):
    hidden = make_person(full_name="Hidden Hal", slug="hidden-hal")
    make_participation(demo["meeting"], hidden, side="KP", anonymised=True)
    make_participation(make_meeting(), hidden)  # public elsewhere
    assert data_total(client.get(LIST + "?person=joel-wit&with=hidden-hal")) == 0


@pytest.mark.parametrize(
    "query",
    [
        "?with=joel-wit",  # no person
        "?person=joel-wit&with=nobody",
        "?person=joel-wit&with=",
        "?person=joel-wit&with=%00",
        "?person=joel-wit&with=confidential-carl",
    ],
)
def test_listing_bad_with_is_a_400_naming_it(client, demo, query):
    carl = make_person(slug="confidential-carl")
    make_participation(make_meeting(visibility=Visibility.CONFIDENTIAL), carl)
    response = client.get(LIST + query)
    assert response.status_code == 400
    assert "<code>with</code>" in body(response)


def test_listing_with_has_a_chip_removing_it(client, demo):
    response = client.get(LIST + "?person=joel-wit&with=choe-son-hui")
    html = body(response)
    assert "With: Choe Son-hui" in html
    assert 'href="/meetings/?person=joel-wit"' in html


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("berlin", ["Talks in Berlin"]),
        ("hotel", ["Talks in Berlin"]),
        ("sidelines", ["Talks in Berlin"]),
        ("Choe Son Hui", ["Talks in Berlin"]),  # other_names
        ("wit", ["Talks in Berlin", "Undated contact"]),
        ("talks hotel", ["Talks in Berlin"]),
        ("talks nowhere", []),
    ],
)
def test_listing_search(client, demo, q, titles):
    assert row_titles(client.get(LIST, {"q": q})) == titles


def test_listing_search_does_not_find_anonymised_names(client, demo):
    undated = demo["undated"]
    hidden = undated.participations.get(anonymised=True).person
    hidden.full_name = "Hidden Zelenko"
    hidden.save()
    assert data_total(client.get(LIST, {"q": "Zelenko"})) == 0


def test_listing_search_matches_summary(client, demo):
    meeting = demo["geneva_meeting"]
    meeting.summary = "Discussed fisheries."
    meeting.save()
    assert row_titles(client.get(LIST, {"q": "fisheries"})) == ["Round in Geneva"]


def test_listing_topic_of_confidential_meeting_is_invalid(client, demo):
    secret = make_topic(slug="secret-topic")
    make_meeting(visibility=Visibility.CONFIDENTIAL).topics.add(secret)
    response = client.get(LIST, {"topic": "secret-topic"})
    assert response.status_code == 400


def test_listing_berlin_factory_meeting_is_one_and_a_half(client):
    make_berlin_meeting(city=make_city(slug="berlin", name="Berlin"))
    assert data_total(client.get(LIST, {"city": "berlin", "track": "1.5"})) == 1


# The newer parameters on populated data, each result compared with one worked out in
# Python from the public meetings' own fields (not through the filter's conditions).


@pytest.fixture
def populated():
    populate(400, seed=21)
    return {m.slug: m for m in Meeting.objects.public().prefetch_related("organizer_links")}


def expected_slugs(meetings, keep):
    return sorted(slug for slug, meeting in meetings.items() if keep(meeting))


def listed_slugs(client, query):
    """Every meeting the query selects (all pages, through the JSON export), and the
    listing page's own total, which must agree."""
    response = client.get(LIST, query)
    assert response.status_code == 200, query
    exported = json.loads(body(client.get("/meetings/export.json", query)))
    slugs = sorted(record["slug"] for record in exported["results"])
    assert data_total(response) == exported["count"] == len(slugs), query
    return slugs


def period(meeting):
    """(first day, last day) of a dated meeting's period, from dates.PartialDate."""
    known = dates.PartialDate.of(meeting.start_date, meeting.date_precision)
    return meeting.start_date, meeting.end_date or known.last_day


@pytest.mark.parametrize(
    "parties", [["KP"], ["US"], ["FI"], ["KP", "US"], ["CN", "JP"], ["US", "KP", "KR"]]
)
def test_party_on_populated_data_is_every_code_at_the_table(client, populated, parties):
    expected = expected_slugs(
        populated, lambda m: set(parties) <= {str(code) for code in m.parties}
    )
    assert listed_slugs(client, {"party": parties}) == expected
    if len(parties) == 1:
        assert 0 < len(expected) < len(populated)


def test_party_and_narrows_each_code(client, populated):
    both = set(listed_slugs(client, {"party": ["KP", "US"]}))
    assert both == set(listed_slugs(client, {"party": "KP"})) & set(
        listed_slugs(client, {"party": "US"})
    )
    assert both


def test_organization_on_populated_data_is_any_role_or_the_series_convener(client, populated):
    organising = {
        meeting.slug: {link.organization.slug for link in meeting.organizer_links.all()}
        | ({meeting.series.convener.slug} if meeting.series and meeting.series.convener else set())
        for meeting in Meeting.objects.public()
        .select_related("series__convener")
        .prefetch_related("organizer_links__organization")
    }
    slugs = sorted(public_organizations().values_list("slug", flat=True))[:4]
    for chosen in ([slugs[0]], [slugs[1]], slugs[2:4]):
        expected = sorted(slug for slug, orgs in organising.items() if orgs & set(chosen))
        assert listed_slugs(client, {"organization": chosen}) == expected, chosen
    assert any(organising.values())


def test_year_unknown_on_populated_data_is_the_undated_meetings(client, populated):
    undated = expected_slugs(populated, lambda m: m.start_date is None)
    assert undated
    assert listed_slugs(client, {"year": "unknown"}) == undated
    in_2020 = expected_slugs(populated, lambda m: m.start_date and m.start_date.year == 2020)
    assert listed_slugs(client, {"year": ["unknown", "2020"]}) == sorted(undated + in_2020)
    response = client.get(LIST, {"year": "unknown", "party": "US"})
    expected = [s for s in undated if "US" in {str(c) for c in populated[s].parties}]
    assert data_total(response) == len(expected)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2017-06", None),
        (None, "2001"),
        ("2010", "2010-03"),
        ("2019-02-28", "2019-03-01"),
        ("2015-06-15", "2015-06-15"),
        ("1850", "1990-07"),
    ],
)
def test_from_to_on_populated_data_is_every_overlapping_period(client, populated, start, end):
    first = dates.parse_reduced_date(start).first_day if start else datetime.date.min
    last = dates.parse_reduced_date(end).last_day if end else datetime.date.max

    def overlaps(meeting):
        if meeting.start_date is None:
            return False
        begins, ends = period(meeting)
        return begins <= last and ends >= first

    query = {name: value for name, value in (("from", start), ("to", end)) if value}
    assert listed_slugs(client, query) == expected_slugs(populated, overlaps)


def test_populated_party_and_undated_links_lead_to_their_counts(client, populated):
    """The party facet narrows (its count is the target's total), the undated bucket ORs."""
    checked = 0
    for query in ["", "?party=KP", "?year=2019", "?from=2015&to=2018&party=US"]:
        for href, count in facet_links(client.get(LIST + query)).items():
            added = href.removeprefix(LIST + query).lstrip("?&")
            if added.startswith(("party=", "year=unknown")):
                assert data_total(client.get(href)) == count, href
                checked += 1
    assert checked > 20


# The newer parameters on the demo-like record: exact results, chips and refusals.


@pytest.fixture
def organised(demo):
    """The Berlin talks hosted by an institute; the Berlin channel convened by a foundation."""
    institute = make_organization(name="Swedish Institute", slug="swedish-institute")
    make_organizer(demo["meeting"], institute, role="host")
    series = demo["series"]
    series.convener = make_organization(name="Channel Foundation", slug="channel-foundation")
    series.save()
    return demo


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("party=KP", ["Talks in Berlin", "Round in Geneva", "Undated contact"]),
        ("party=KP&party=US", ["Talks in Berlin", "Round in Geneva", "Undated contact"]),
        ("party=KP&party=CN", []),
        ("party=CN", []),
        ("organization=swedish-institute", ["Talks in Berlin"]),
        ("organization=channel-foundation", ["Talks in Berlin", "Round in Geneva"]),
        ("organization=swedish-institute&organization=channel-foundation",
         ["Talks in Berlin", "Round in Geneva"]),
        ("year=unknown", ["Undated contact"]),
        ("year=unknown&year=2016", ["Round in Geneva", "Undated contact"]),
        ("from=2017-06", ["Talks in Berlin"]),  # known to October 2017
        ("from=2016-12-31&to=2017-09-30", ["Round in Geneva"]),  # known to 2016
        ("from=2017-10-31&to=2017-10-31", ["Talks in Berlin"]),
        ("to=2017-09", ["Round in Geneva"]),
        ("from=1850&to=2500", ["Talks in Berlin", "Round in Geneva"]),  # never undated
        ("from=3000", []),
        ("from=2016&to=2016", ["Round in Geneva"]),
    ],
)  # fmt: skip
def test_listing_new_parameters_select_exactly(client, organised, query, titles):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert row_titles(response) == titles
    assert data_total(response) == len(titles)


def test_listing_chips_of_new_parameters_remove_one_value_each(client, organised):
    query = (
        "party=KP&party=US&organization=swedish-institute&year=unknown&year=2017"
        "&from=2017-06&to=2018"
    )
    response = client.get(f"{LIST}?{query}")
    chips = {chip.label: chip.query.urlencode() for chip in response.context["chips"]}
    assert chips == {
        "Year: 2017": "party=KP&party=US&organization=swedish-institute&year=unknown"
        "&from=2017-06&to=2018",
        "Year: date unknown": "party=KP&party=US&organization=swedish-institute&year=2017"
        "&from=2017-06&to=2018",
        "Organiser: Swedish Institute": "party=KP&party=US&year=unknown&year=2017"
        "&from=2017-06&to=2018",
        "Party: North Korea": "party=US&organization=swedish-institute&year=unknown&year=2017"
        "&from=2017-06&to=2018",
        "Party: United States": "party=KP&organization=swedish-institute&year=unknown"
        "&year=2017&from=2017-06&to=2018",
        "From: June 2017": "party=KP&party=US&organization=swedish-institute&year=unknown"
        "&year=2017&to=2018",
        "To: 2018": "party=KP&party=US&organization=swedish-institute&year=unknown&year=2017"
        "&from=2017-06",
    }
    html = body(response)
    assert 'href="/meetings/?party=US&amp;organization=swedish-institute' in html
    assert "Party: North Korea" in html and "From: June 2017" in html


def test_listing_form_keeps_the_new_parameters(client, organised):
    html = body(client.get(f"{LIST}?party=KP&organization=swedish-institute&from=2017&to=2018-02"))
    assert '<input type="hidden" name="party" value="KP">' in html
    assert '<input type="hidden" name="organization" value="swedish-institute">' in html
    assert 'name="from" value="2017"' in html
    assert 'name="to" value="2018-02"' in html
    assert '<details class="more-filters" open>' in html


def test_listing_empty_range_inputs_of_the_form_filter_nothing(client, demo):
    response = client.get(f"{LIST}?from=&to=&q=")
    assert response.status_code == 200
    assert data_total(response) == 3


def test_listing_party_facet_narrows_and_undated_bucket_adds(client, organised):
    response = client.get(LIST, {"year": "2017"})
    links = facet_links(response)
    assert links["/meetings/?year=2017&party=KP"] == 1
    assert links["/meetings/?year=2017&year=unknown"] == 2
    facet = response.context["facets"]["party"]
    assert {item.label: (item.count, item.selected) for item in facet} == {
        "North Korea": (1, False),
        "United States": (1, False),
    }
    selected = client.get(LIST, {"party": "KP"}).context["facets"]["party"]
    assert [(item.label, item.selected, item.target_total) for item in selected] == [
        ("North Korea", True, None),
        ("United States", False, 3),
    ]


def test_listing_year_chart_shows_the_undated_bucket_with_a_link(client, demo):
    html = body(client.get(LIST))
    assert (
        '<a rel="nofollow" href="/meetings/?year=unknown" data-count="1">'
        "Date unknown: 1 meeting</a>"
    ) in html
    only_undated = body(client.get(LIST, {"year": "unknown"}))
    assert "<svg" not in only_undated
    assert "Date unknown: 1 meeting (<a" in only_undated


def test_listing_year_facet_offers_date_unknown(client, demo):
    html = body(client.get(LIST))
    assert (
        '<a class="facet__link" rel="nofollow" href="/meetings/?year=unknown" data-count="1" '
        'aria-label="date unknown 1 meeting">'
    ) in html
    chosen = body(client.get(LIST, {"year": "unknown"}))
    assert '<input type="hidden" name="year" value="unknown">' in chosen  # the form keeps it
    assert 'aria-label="Remove filter date unknown 1 meeting"' in chosen


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("party=kp", "party"),  # lowercase: refused, as country refuses it
        ("party=XX", "party"),
        ("party=K", "party"),
        ("party=KPX", "party"),
        ("party=", "party"),
        ("party=K%01", "party"),
        ("party=KP&party=%E2%80%AEUS", "party"),
        ("organization=nobody", "organization"),
        ("organization=", "organization"),
        ("year=99999", "year"),
        ("year=Unknown", "year"),
        ("year=unknown%0A", "year"),
        ("from=2019-13", "from"),
        ("from=2019-02-30", "from"),
        ("from=2019-2-3", "from"),
        ("from=20190", "from"),
        ("from=99999", "from"),
        ("from=0999", "from"),
        ("from=0000", "from"),
        ("from=2019-00", "from"),
        ("to=2019-12-32", "to"),
        ("to=2019%01", "to"),
        ("to=%00", "to"),
        ("from=2019&from=2020", "from"),
        ("from=2019&to=2018-12", "to"),
        ("from=2019-03-02&to=2019-03-01", "to"),
    ],
)
def test_listing_refuses_bad_new_values_naming_the_parameter(client, demo, query, name):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400, query
    assert f"Parameter <code>{name}</code>" in body(response)


def test_listing_refuses_an_organisation_only_confidential_meetings_have(client, demo):
    secret = make_organization(name="Secret Fund", slug="secret-fund")
    make_organizer(make_meeting(visibility=Visibility.CONFIDENTIAL), secret, role="funder")
    hidden = client.get(LIST, {"organization": "secret-fund"})
    missing = client.get(LIST, {"organization": "nowhere-fund"})
    assert hidden.status_code == missing.status_code == 400
    assert body(hidden).replace("secret-fund", "nowhere-fund") == body(missing)


def test_listing_on_the_loaded_demo_finds_the_talks_between_both_and_undated(client):
    call_command("loaddemo")
    demo_total = Meeting.objects.public().count()
    assert demo_total == 5
    assert data_total(client.get(f"{LIST}?party=KP&party=US")) == demo_total
    undated = client.get(LIST, {"year": "unknown"})
    assert data_total(undated) == demo_total
    years = client.get(LIST).context["facets"]["year"]
    assert [(item.label, item.count, item.target_total) for item in years] == [
        ("date unknown", 5, 5)
    ]
