"""Small factory functions: each makes one valid record, overrides win."""

import datetime
import itertools

from meetings.models import (
    City,
    DialogueSeries,
    Meeting,
    MeetingOrganizer,
    Participation,
    Quote,
    Source,
    Topic,
    Visibility,
)
from people.models import Affiliation, Organization, Person

_counter = itertools.count(1)


def _n():
    return next(_counter)


def make_city(**overrides):
    n = _n()
    fields = {"name": f"City {n}", "slug": f"city-{n}", "country": "DE"} | overrides
    return City.objects.create(**fields)


def make_topic(**overrides):
    n = _n()
    return Topic.objects.create(**({"name": f"Topic {n}", "slug": f"topic-{n}"} | overrides))


def make_source(**overrides):
    n = _n()
    return Source.objects.create(**({"title": f"Source {n}", "publisher": "Publisher"} | overrides))


def make_organization(**overrides):
    n = _n()
    fields = {"name": f"Organization {n}", "slug": f"organization-{n}", "country": "US"}
    return Organization.objects.create(**(fields | overrides))


def make_person(**overrides):
    n = _n()
    fields = {"full_name": f"Person {n}", "slug": f"person-{n}", "country": "US"} | overrides
    return Person.objects.create(**fields)


def make_meeting(**overrides):
    n = _n()
    fields = {
        "title": f"Meeting {n}",
        "slug": f"meeting-{n}",
        "parties": ["KP", "US"],
        "visibility": Visibility.PUBLIC,
    } | overrides
    return Meeting.objects.create(**fields)


NEW = object()


def make_participation(meeting, person=NEW, **overrides):
    """A participation of a new person unless one is given (None: an unnamed participant)."""
    fields = {"side": "US", "capacity": Participation.Capacity.EXPERT} | overrides
    if person is NEW:
        person = make_person()
    return Participation.objects.create(meeting=meeting, person=person, **fields)


def make_organizer(meeting, organization=None, **overrides):
    organization = organization or make_organization()
    fields = {"role": MeetingOrganizer.Role.CONVENER} | overrides
    return MeetingOrganizer.objects.create(meeting=meeting, organization=organization, **fields)


def make_quote(person, **overrides):
    return Quote.objects.create(person=person, **({"text": "Words."} | overrides))


def make_berlin_meeting(**overrides):
    """Serving North Korean officials meet former US officials and academics."""
    meeting = make_meeting(**overrides)
    make_participation(meeting, side="KP", capacity="official", role="head")
    make_participation(meeting, side="US", capacity="former_official")
    make_participation(meeting, side="US", capacity="expert")
    meeting.refresh_from_db()
    return meeting


def make_series(**overrides):
    n = _n()
    return DialogueSeries.objects.create(
        **({"name": f"Series {n}", "slug": f"series-{n}"} | overrides)
    )


def make_affiliation(person, **overrides):
    if "organization" not in overrides:
        overrides["organization"] = make_organization()
    return Affiliation.objects.create(person=person, **({"role": "Director"} | overrides))


def seed_meetings(n, city, person):
    """``n`` public meetings in ``city``, each with topics, a named, an anonymised and an
    unnamed participant, all joined by ``person``."""
    topic = make_topic()
    for i in range(n):
        meeting = make_meeting(city=city, start_date=datetime.date(2000 + i, 1, 1))
        meeting.topics.add(topic, make_topic())
        make_participation(meeting, person, side="US")
        make_participation(meeting, side="KP", capacity="official")
        make_participation(meeting, side="KP", anonymised=True)
        Participation.objects.create(meeting=meeting, side="US", capacity="expert")
        meeting.sources.add(make_source())
        make_quote(person, meeting=meeting)
