"""meetings/views.py: the meeting listing (facets, chips, pagination, links, query counts)
and the meeting page."""

import datetime
import re

import pytest
from django.urls import reverse

from meetings.models import DialogueSeries, Meeting, Visibility
from tests.factories import (
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_person,
    make_quote,
    make_source,
    make_topic,
    seed_meetings,
)
from tests.pages import body, data_total, facet_links, row_titles

pytestmark = pytest.mark.django_db

LIST = "/meetings/"


def test_listing_url_name():
    assert reverse("meetings:list") == LIST


def test_listing_unknown_parameters_are_ignored(client, demo):
    response = client.get(LIST, {"utm_source": "x", "colour": "<b>"})
    assert response.status_code == 200
    assert data_total(response) == 3


def test_listing_facets_count_the_current_result(client, demo):
    links = facet_links(client.get(LIST))
    assert links == {
        "/meetings/?city=berlin": 2,
        "/meetings/?city=geneva": 1,
        "/meetings/?year=2017": 1,
        "/meetings/?year=2016": 1,
        "/meetings/?track=1.5": 1,
        "/meetings/?track=2": 2,
        "/meetings/?year=unknown": 1,
        "/meetings/?party=KP": 3,
        "/meetings/?party=US": 3,
    }


def test_listing_facet_of_active_filter_offers_or_with_target_total(client, demo):
    links = facet_links(client.get(LIST, {"city": "berlin"}))
    assert links == {
        "/meetings/?city=berlin&city=geneva": 3,
        "/meetings/?city=berlin&year=2017": 1,
        "/meetings/?city=berlin&track=1.5": 1,
        "/meetings/?city=berlin&track=2": 1,
        "/meetings/?city=berlin&year=unknown": 1,
        "/meetings/?city=berlin&party=KP": 2,
        "/meetings/?city=berlin&party=US": 2,
    }


def test_listing_every_facet_count_is_the_target_total(client, demo):
    for query in ["", "?city=berlin", "?track=2", "?year=2016&city=geneva", "?q=talks"]:
        for href, count in facet_links(client.get(LIST + query)).items():
            assert data_total(client.get(href)) == count, href


def test_listing_facets_drop_the_page_parameter(client, settings):
    settings.MEETINGS_PAGE_SIZE = 1
    make_meeting(start_date=datetime.date(2018, 1, 1), city=make_city(slug="oslo"))
    make_meeting(start_date=datetime.date(2019, 1, 1))
    hrefs = facet_links(client.get(LIST, {"page": "2"}))
    assert all("page=" not in href for href in hrefs)


def test_listing_chips_remove_one_value_each(client, demo):
    html = body(client.get(LIST + "?city=berlin&city=geneva&track=2&q=talks"))
    assert 'href="/meetings/?city=geneva&amp;track=2&amp;q=talks"' in html
    assert 'href="/meetings/?city=berlin&amp;track=2&amp;q=talks"' in html
    assert 'href="/meetings/?city=berlin&amp;city=geneva&amp;q=talks"' in html
    assert 'href="/meetings/?city=berlin&amp;city=geneva&amp;track=2"' in html
    assert "City: Berlin" in html
    assert "Track: Track 2" in html
    assert "Search: “talks”" in html


def test_listing_selected_values_stay_selected_in_the_form(client, demo):
    html = body(client.get(LIST + "?city=berlin&track=1.5&year=2017&q=talks"))
    # City and year are chosen in their facets: the form carries them on when submitted.
    assert '<input type="hidden" name="city" value="berlin">' in html
    assert '<input type="hidden" name="year" value="2017">' in html
    assert "facet__link--selected" in html
    assert 'name="track" value="1.5" checked' in html
    assert 'name="q" value="talks"' in html


def test_listing_empty_state(client, demo):
    response = client.get(LIST, {"q": "nothing-matches-this"})
    assert response.status_code == 200
    assert data_total(response) == 0
    assert "No meetings match these filters" in body(response)


def test_listing_year_chart_draws_the_bars_and_the_year_facet_gives_the_numbers(client, demo):
    html = body(client.get(LIST))
    # one path for every bar (2016 and 2017 have one meeting each: both at full height)
    bars = re.search(r'<path class="year-chart__bar" d="([^"]*)"', html).group(1)
    assert bars == "M0 120v-120h12v120zM14 120v-120h12v120z"
    assert "the number for each year is under “By year”" in html
    assert 'aria-label="2016 1 meeting"' in html
    assert 'aria-label="2017 1 meeting"' in html


def test_listing_row_shows_withheld_and_unnamed_participants_safely(client, demo):
    html = body(client.get(LIST))
    assert "Participants not disclosed." in html
    assert "an expert, United States" in html  # the unnamed Berlin participant
    assert "an expert, North Korea" in html  # the anonymised one


def test_listing_pagination_keeps_filters(client, settings):
    settings.MEETINGS_PAGE_SIZE = 2
    city = make_city(slug="oslo")
    for year in (2010, 2011, 2012, 2013, 2014):
        make_meeting(city=city, start_date=datetime.date(year, 1, 1))
    make_meeting(start_date=datetime.date(2015, 1, 1))
    first = client.get(LIST, {"city": "oslo"})
    html = body(first)
    assert 'href="?city=oslo&amp;page=2"' in html
    assert data_total(first) == 5
    last = client.get(LIST, {"city": "oslo", "page": "3"})
    assert last.status_code == 200
    assert len(row_titles(last)) == 1
    assert client.get(LIST, {"city": "oslo", "page": "4"}).status_code == 404


def test_listing_links_drop_unknown_parameters(client, settings):
    """Tracking and other unknown parameters are ignored, and not carried on to the
    pagination, facet, chip and export links."""
    settings.MEETINGS_PAGE_SIZE = 1
    city = make_city(slug="oslo")
    make_meeting(city=city, start_date=datetime.date(2010, 1, 1), track_override="2")
    make_meeting(city=city, start_date=datetime.date(2011, 1, 1), track_override="2")
    html = body(client.get(LIST, {"city": "oslo", "utm_source": "news", "fbclid": "x"}))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert 'href="?city=oslo&amp;page=2"' in html
    assert any("year=2010" in href for href in hrefs)  # a facet link
    assert any("export.csv?city=oslo" in href for href in hrefs)
    assert not [href for href in hrefs if "utm_source" in href or "fbclid" in href]


def test_listing_empty_result_first_page_is_not_404(client):
    assert client.get(LIST).status_code == 200
    assert client.get(LIST, {"page": "2"}).status_code == 404


def test_detail_shows_track_overall_and_per_side(client, demo):
    response = client.get("/meetings/talks-in-berlin/")
    assert response.status_code == 200
    html = body(response)
    assert "Track 1 for North Korea" in html
    assert "Track 2 for United States" in html
    assert '<a href="/meetings/?track=1.5">Track 1.5</a>' in html


def test_detail_shows_date_place_venue_occasion_status(client, demo):
    html = body(client.get("/meetings/talks-in-berlin/"))
    for text in (
        "<dd>October 2017</dd>",
        '<a href="/meetings/?city=berlin">Berlin</a>, Germany',
        "<dd>A hotel</dd>",
        "<dd>sidelines of a conference</dd>",
        "<dd>Reported</dd>",
    ):
        assert text in html


def test_detail_topics_link_to_filtered_listing(client, demo):
    html = body(client.get("/meetings/talks-in-berlin/"))
    assert '<a href="/meetings/?topic=denuclearisation">Denuclearisation</a>' in html


def test_detail_groups_participants_by_side_with_capacity_and_title(client, demo):
    html = body(client.get("/meetings/talks-in-berlin/"))
    north_korea = html.index("<h3>North Korea")
    united_states = html.index("<h3>United States")
    choe = html.index('<a href="/people/choe-son-hui/">Choe Son-hui</a>, serving official')
    wit = html.index('<a href="/people/joel-wit/">Joel Wit</a>, former official')
    assert north_korea < choe < united_states < wit
    assert "(Director-General, North America Department)" in html
    assert "An expert, United States" in html


def test_detail_anonymised_participant_shows_only_label(client):
    meeting = make_meeting()
    person = make_person(full_name="Anonymous Aleksander", slug="anon-a")
    make_participation(
        meeting,
        person,
        side="US",
        capacity="former_official",
        title_at_time="Envoy",
        anonymised=True,
    )
    html = body(client.get(meeting.get_absolute_url()))
    assert "A former official, United States" in html
    assert "Anonymous Aleksander" not in html
    assert "anon-a" not in html
    assert "Envoy" not in html


def test_detail_quotes_and_sources(client, demo):
    html = body(client.get("/meetings/talks-in-berlin/"))
    assert "We listened more than we talked." in html
    assert '<a href="https://example.org/report" rel="noopener noreferrer">' in html


def test_detail_other_meetings_of_series(client, demo):
    html = body(client.get("/meetings/talks-in-berlin/"))
    assert '<a href="/meetings/round-in-geneva/">Round in Geneva</a>' in html


def test_detail_other_meetings_of_series_excludes_confidential(client, demo):
    make_meeting(title="Secret round", series=demo["series"], visibility=Visibility.CONFIDENTIAL)
    assert "Secret round" not in body(client.get("/meetings/talks-in-berlin/"))


def test_detail_withheld_meeting_hides_participants(client, demo):
    meeting = demo["geneva_meeting"]
    person = make_person(full_name="Withheld Wanda")
    make_participation(meeting, person, side="US", capacity="official")
    make_quote(person, meeting=meeting, text="Withheld words")
    html = body(client.get(meeting.get_absolute_url()))
    assert "Participants not disclosed." in html
    assert "Withheld Wanda" not in html
    assert "Withheld words" not in html


def test_detail_quote_of_anonymised_participant_is_hidden(client):
    meeting = make_meeting()
    person = make_person()
    make_participation(meeting, person, anonymised=True)
    make_quote(person, meeting=meeting, text="Unattributable remark")
    assert "Unattributable remark" not in body(client.get(meeting.get_absolute_url()))


def test_anonymised_participant_shows_no_role(client):
    meeting = make_meeting(title="Quiet talks", slug="quiet-talks")
    make_participation(
        meeting,
        make_person(full_name="Hidden Head"),
        side="KP",
        capacity="official",
        role="head",
        anonymised=True,
    )
    text = client.get("/meetings/quiet-talks/").content.decode()
    assert "A serving official, North Korea" in text
    assert "head of delegation" not in text
    assert "Hidden Head" not in text


def test_quote_citing_a_confidential_meetings_source_shows_no_source(client):
    secret_source = make_source(title="Minutes of the secret round", url="https://example.org/s")
    make_meeting(visibility=Visibility.CONFIDENTIAL).sources.add(secret_source)
    open_source = make_source(title="Open article")
    meeting = make_meeting(title="Open round", slug="open-round")
    meeting.sources.add(open_source)
    speaker = make_person(full_name="Quoted Speaker", slug="quoted-speaker")
    make_participation(meeting, speaker, side="US")
    make_quote(speaker, meeting=meeting, source=secret_source, text="First remark.")
    make_quote(speaker, meeting=meeting, source=open_source, text="Second remark.")
    for url in ("/meetings/open-round/", "/people/quoted-speaker/"):
        text = client.get(url).content.decode()
        assert "First remark." in text
        assert "Open article" in text
        assert "Minutes of the secret round" not in text
        assert "example.org/s" not in text


ROWS = [1, 3, 12]


# count with the year and track facets, the city facet and its cities' names, the party
# facet, rows, participants, topics; form: host countries, topics (cities and years are
# chosen in their facets, every city on /meetings/cities/, the series on their own pages).
LISTING_QUERIES = 9
# With no city, year or track filter the city and party facets come from the year and
# track query (counts_in_one_pass): two queries fewer.
ONE_PASS_SAVES = 2


@pytest.mark.parametrize("rows", ROWS)
def test_listing_queries_do_not_grow_with_rows(
    client, settings, django_assert_num_queries, city, person, rows
):
    settings.MEETINGS_PAGE_SIZE = 10
    seed_meetings(rows, city, person)
    with django_assert_num_queries(LISTING_QUERIES):
        assert client.get("/meetings/").status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_filtered_listing_queries_do_not_grow_with_rows(
    client, django_assert_num_queries, city, person, rows
):
    seed_meetings(rows, city, person)
    # one validation query for each slug parameter and the active year facet over the
    # result without it; the OR'd city facet adds none.
    with django_assert_num_queries(LISTING_QUERIES + 3):
        response = client.get(
            "/meetings/", {"city": "berlin", "person": "joel-wit", "year": "2000"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_with_listing_queries_do_not_grow_with_rows(
    client, django_assert_num_queries, city, person, rows
):
    seed_meetings(rows, city, person)
    partner = make_person(slug="partner")
    for meeting in Meeting.objects.all():
        make_participation(meeting, partner, side="KP")
    # one validation query each for person and with; no city, year or track filter, so
    # the counts are made in one pass
    with django_assert_num_queries(LISTING_QUERIES + 2 - ONE_PASS_SAVES):
        response = client.get("/meetings/", {"person": person.slug, "with": "partner"})
    assert data_total(response) == rows


NEWER_FILTERS = [
    {"party": ["KP", "US"], "organization": "convener", "year": ["2001", "2002"]},
    {"party": "US", "organization": "convener", "from": "2000-06", "to": "2002-02-03"},
    {"party": "KP", "year": ["unknown", "2001", "2002"], "from": "2001", "to": "2002"},
    {"party": "KP", "organization": "convener", "year": "unknown"},
]


@pytest.mark.parametrize("rows", [3, 12])
@pytest.mark.parametrize("query", NEWER_FILTERS)
def test_listing_with_the_newer_filters_queries_do_not_grow_with_rows(
    client, django_assert_num_queries, city, person, rows, query
):
    seed_meetings(rows, city, person)
    convener = make_organization(slug="convener")
    for meeting in Meeting.objects.all():
        make_organizer(meeting, convener)
    Meeting.objects.filter(start_date__year=2000).update(start_date=None, date_precision="unknown")
    # one validation query for the organisation; the active year facet over the result
    # without it; party, from and to need none; with no year, the city facet comes from
    # the year and track query, and so does the party facet (counts_in_one_pass).
    expected = LISTING_QUERIES + ("organization" in query) + ("year" in query)
    expected -= ONE_PASS_SAVES if "year" not in query else 0
    with django_assert_num_queries(expected):
        response = client.get("/meetings/", query)
    assert response.status_code == 200
    assert data_total(response) == (1 if query.get("year") == "unknown" else 2)


@pytest.mark.parametrize("page_size", [1, 3, 25])
def test_listing_queries_do_not_grow_with_page_size(
    client, settings, django_assert_num_queries, city, person, page_size
):
    settings.MEETINGS_PAGE_SIZE = page_size
    seed_meetings(12, city, person)
    with django_assert_num_queries(LISTING_QUERIES):
        assert client.get("/meetings/").status_code == 200


# meeting, topics, sources, organisers, participations, their public sources, quotes,
# their public sources (+ other meetings of its series)
@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("in_series", [False, True])
def test_detail_queries_do_not_grow_with_participants(
    client, django_assert_num_queries, city, rows, in_series
):
    series = DialogueSeries.objects.create(name="Series", slug="series") if in_series else None
    for _ in range(rows if in_series else 0):
        make_meeting(series=series)
    meeting = make_meeting(city=city, series=series)
    for _ in range(rows):
        make_participation(meeting, side="US")
        make_participation(meeting, side="KP", anonymised=True)
        meeting.topics.add(make_topic())
        meeting.sources.add(make_source())
    for participation in meeting.participations.exclude(person=None).filter(anonymised=False):
        make_quote(participation.person, meeting=meeting, source=make_source())
    with django_assert_num_queries(9 if in_series else 8):
        assert client.get(meeting.get_absolute_url()).status_code == 200


def test_listing_links_to_exports_with_its_filters(client, demo):
    html = body(client.get("/meetings/", {"city": "berlin", "page": "1"}))
    assert 'href="/meetings/export.csv?city=berlin"' in html
    assert 'href="/meetings/export.json?city=berlin"' in html
    assert 'href="/meetings/calendar.ics?city=berlin"' in html
    assert 'href="/meetings/feed/"' in html


def test_detail_shows_organisers_linked_with_their_role(client, demo):
    from tests.factories import make_organization, make_organizer

    institute = make_organization(name="Swedish Institute", slug="swedish-institute")
    make_organizer(demo["meeting"], institute, role="host")
    html = body(client.get("/meetings/talks-in-berlin/"))
    assert (
        '<a href="/organizations/swedish-institute/">Swedish Institute</a> '
        '<span class="meta">(host)</span>'
    ) in html


def notes_of(response):
    return [source.title for source in response.context["notes"]]


def marks(html, text):
    """The note numbers printed right after ``text``."""
    after = html[html.index(text) :]
    item = after[: after.index("</li>")]
    return re.findall(r'<a href="#note-\d+" aria-label="source \d+">\[(\d+)\]</a>', item)


def test_detail_numbers_sources_and_marks_who_each_names(client):
    meeting = make_meeting(slug="sourced")
    first, second = make_source(title="First report"), make_source(title="Second report")
    meeting.sources.add(first, second)
    elsewhere = make_source(title="Cited elsewhere")
    make_meeting().sources.add(elsewhere)  # public through another public meeting
    secret = make_source(title="Secret minutes")
    make_meeting(visibility=Visibility.CONFIDENTIAL).sources.add(secret)
    named = make_participation(meeting, make_person(full_name="Named Nora"), side="US")
    named.sources.add(second, elsewhere, secret)
    hidden = make_participation(meeting, make_person(full_name="Hidden Hugo"), anonymised=True)
    hidden.sources.add(first)
    unnamed = make_participation(meeting, None, side="KP", capacity="official")
    unnamed.sources.add(first)
    response = client.get("/meetings/sourced/")
    html = body(response)
    assert notes_of(response) == ["First report", "Second report", "Cited elsewhere"]
    assert marks(html, "Named Nora</a>") == ["2", "3"]
    assert marks(html, "A serving official, North Korea") == ["1"]
    assert marks(html, "An expert, United States") == []  # the anonymised one
    assert "Secret minutes" not in html
    assert 'id="note-3"' in html


def test_detail_cites_the_record(client, demo):
    from django.utils import timezone

    html = body(client.get("/meetings/talks-in-berlin/"))
    updated = timezone.localdate(demo["meeting"].updated_at)
    assert (
        f"“Talks in Berlin.” Backchannel. Last updated {updated.day} {updated:%B %Y}. "
        "http://testserver/meetings/talks-in-berlin/. Retrieved [date you read it]."
    ) in html
    assert 'href="/meetings/talks-in-berlin/cite.bib" download' in html


def test_citation_download_is_a_bibtex_file(client, demo):
    response = client.get("/meetings/talks-in-berlin/cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="backchannel-talks-in-berlin.bib"'
    )
    text = body(response)
    assert text.startswith("@misc{backchannel-talks-in-berlin,\n  title = {{Talks in Berlin}},")
    assert "url = {http://testserver/meetings/talks-in-berlin/}" in text


def test_citation_of_a_confidential_meeting_answers_like_a_missing_one(client):
    make_meeting(slug="hidden-talks", visibility=Visibility.CONFIDENTIAL)
    hidden = client.get("/meetings/hidden-talks/cite.bib")
    missing = client.get("/meetings/nnnnnn-nnnnn/cite.bib")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_detail_links_its_series_page(client, demo):
    html = body(client.get("/meetings/talks-in-berlin/"))
    assert '<dd><a href="/series/berlin-channel/">Berlin channel</a></dd>' in html
