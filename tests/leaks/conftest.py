"""A record where everything that must stay off public pages carries the marker
"leakmarker", for the crawl of every public surface and the tests of the gates."""

import datetime

import pytest

from meetings.models import DialogueSeries, Participation, Visibility
from people.models import Affiliation
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
)

MARKER = "leakmarker"


def secret(label):
    return f"{MARKER}-{label}"


@pytest.fixture
def site():
    """Public records with private neighbours, each private detail marked: anonymised,
    withheld and confidential participants, a confidential meeting with its own city,
    topic, series, source, people and organisation, staff notes everywhere, and a
    person with no meeting at all."""
    berlin = make_city(name="Berlin", slug="berlin", country="DE")
    geneva = make_city(name="Geneva", slug="geneva", country="CH")
    topic = make_topic(name="Sanctions", slug="sanctions")
    public_person = make_person(
        full_name="Joel Wit", slug="joel-wit", internal_notes=secret("person-notes")
    )
    official = make_person(full_name="Choe Son-hui", slug="choe-son-hui", country="KP")

    # Public meetings, with internal notes and an anonymised participant.
    for year in (2015, 2016, 2017):
        meeting = make_meeting(
            title=f"Talks {year}",
            city=berlin if year != 2016 else geneva,
            start_date=datetime.date(year, 3, 1),
            date_precision="month",
            internal_notes=secret(f"meeting-notes-{year}"),
        )
        meeting.topics.add(topic)
        make_participation(meeting, public_person, side="US", capacity="former_official")
        make_participation(meeting, official, side="KP", capacity="official")
        anonymous = make_person(
            full_name=secret(f"anonymous-name-{year}"),
            slug=secret(f"anonymous-slug-{year}"),
            other_names=secret("anonymous-other-name"),
            bio=secret("anonymous-bio"),
        )
        make_participation(
            meeting,
            anonymous,
            side="US",
            capacity="expert",
            anonymised=True,
            title_at_time=secret("anonymous-title"),
        )
        make_quote(anonymous, meeting=meeting, text=secret("anonymous-quote"))
        Participation.objects.create(meeting=meeting, side="KP", capacity="expert")
    meeting.sources.add(make_source(title="A public article"))  # 2017's
    make_quote(public_person, meeting=meeting, text="A public remark.")
    undated = make_meeting(title="Undated talks", city=berlin)
    make_participation(undated, public_person, side="US")
    make_participation(undated, official, side="KP", capacity="official")

    # A meeting whose participants are withheld.
    withheld = make_meeting(
        title="Withheld round",
        city=geneva,
        start_date=datetime.date(2018, 1, 1),
        date_precision="year",
        visibility=Visibility.PARTICIPANTS_WITHHELD,
        internal_notes=secret("withheld-notes"),
    )
    withheld_person = make_person(
        full_name=secret("withheld-name"), slug=secret("withheld-slug"), bio=secret("bio")
    )
    make_participation(withheld, withheld_person, side="US", title_at_time=secret("withheld-title"))
    make_participation(withheld, public_person, side="US", title_at_time=secret("withheld-t2"))
    make_quote(withheld_person, meeting=withheld, text=secret("withheld-quote"))
    make_quote(public_person, meeting=withheld, text=secret("withheld-public-person-quote"))

    # A confidential meeting with its own city, topic, series, source and people.
    confidential_city = make_city(name=secret("City"), slug=secret("city"), country="FI")
    confidential = make_meeting(
        title=secret("confidential-title"),
        slug=secret("confidential-slug"),
        city=confidential_city,
        start_date=datetime.date(1999, 5, 5),
        venue=secret("venue"),
        occasion=secret("occasion"),
        summary=secret("summary"),
        internal_notes=secret("notes"),
        series=DialogueSeries.objects.create(name=secret("series"), slug=secret("series")),
        parties=["FI", "IS"],  # a pair of sides no public meeting has
        visibility=Visibility.CONFIDENTIAL,
    )
    make_organizer(confidential, make_organization(name=secret("host"), slug=secret("host")))
    confidential.topics.add(make_topic(name=secret("topic"), slug=secret("topic")))
    confidential.sources.add(
        make_source(title=secret("source"), url=f"https://example.org/{MARKER}")
    )
    insider = make_person(full_name=secret("insider"), slug=secret("insider"))
    make_participation(confidential, insider, side="KP", capacity="official")
    make_participation(confidential, public_person, side="US", title_at_time=secret("t3"))
    make_quote(public_person, meeting=confidential, text=secret("confidential-quote"))
    Affiliation.objects.create(
        person=insider,
        organization=make_organization(name=secret("org"), slug=secret("org")),
    )
    make_person(full_name=secret("unseen-person"), bio=secret("unseen-bio"))
    _organizations_series_and_quotes(confidential, meeting, public_person, insider)
    return {"confidential": confidential, "withheld_person": withheld_person}


def _organizations_series_and_quotes(confidential, public_meeting, public_person, insider):
    """A public organisation and series with private neighbours: an organisation that
    organises only the confidential meeting, the confidential meeting's series (only
    confidential rounds) with its convener, a confidential round in a public series, a
    private person affiliated with a public organisation, and quotes and sources that
    stay private: one citing only the confidential meeting's source, one an anonymised
    participant's source that no public meeting cites."""
    open_org = make_organization(name="Open Institute", slug="open-institute")
    make_organizer(public_meeting, open_org, role="host")
    make_organizer(confidential, open_org, role="funder")
    Affiliation.objects.create(person=insider, organization=open_org, role=secret("insider-role"))
    Affiliation.objects.create(person=public_person, organization=open_org, role="Fellow")
    make_organizer(
        confidential,
        make_organization(name=secret("organiser-org"), slug=secret("organiser-org")),
        role="host",
    )
    confidential.series.convener = make_organization(
        name=secret("convener-org"), slug=secret("convener-org")
    )
    confidential.series.save()
    open_series = DialogueSeries.objects.create(
        name="Open channel", slug="open-channel", convener=open_org
    )
    public_meeting.series = open_series
    public_meeting.save()
    round_ = make_meeting(
        title=secret("confidential-round"),
        slug=secret("confidential-round"),
        series=open_series,
        visibility=Visibility.CONFIDENTIAL,
    )
    make_participation(round_, public_person, side="US", title_at_time=secret("round-title"))
    make_quote(public_person, meeting=round_, text=secret("round-quote"))
    confidential_source = confidential.sources.get()
    speaker = make_person(full_name=secret("source-speaker"), slug=secret("source-speaker"))
    make_quote(speaker, source=confidential_source, text=secret("source-only-quote"))
    make_quote(public_person, source=confidential_source, text=secret("public-person-source"))
    named = public_meeting.participations.get(person=public_person)
    named.sources.add(confidential_source)
    anonymous = public_meeting.participations.get(anonymised=True)
    anonymous.sources.add(make_source(title=secret("anonymous-source")))
