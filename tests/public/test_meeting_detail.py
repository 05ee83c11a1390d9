"""The public meeting page."""

import pytest

from meetings.models import Visibility
from tests.factories import (
    make_meeting,
    make_participation,
    make_person,
    make_quote,
    make_source,
)
from tests.public.helpers import body

pytestmark = pytest.mark.django_db


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


def test_detail_confidential_and_missing_give_the_same_404(client):
    make_meeting(slug="secret", title="Secret", visibility=Visibility.CONFIDENTIAL)
    secret = client.get("/meetings/secret/")
    missing = client.get("/meetings/missing/")
    assert secret.status_code == missing.status_code == 404
    assert secret.content == missing.content


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
