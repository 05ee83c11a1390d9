"""Public gates of other apps' records whose rule reads the meetings' records.

A person is public while named in a public meeting or quoted publicly; an
organisation while it organises a public meeting, convenes the series of one, or
is the affiliation of a public person. Both rules read meetings, so they live here,
and ``people/models.py`` (which never imports ``meetings``) keeps only what needs
no meeting. Every public surface calls these.
"""

from django.db.models import Exists, OuterRef

from people.models import Affiliation, Organization, Person

from .meeting import Meeting
from .organizer import MeetingOrganizer
from .participation import Participation
from .quote import Quote, public_quote


def public_people(people=None):
    """People any visitor may see: named in at least one public meeting (not
    anonymised), or the speaker of a public quote.

    ``people`` narrows a queryset of Person (all people when None).
    """
    people = Person.objects.all() if people is None else people
    named = Participation.objects.publicly_named().filter(person=OuterRef("pk"))
    quoted = Quote.objects.filter(public_quote(), person=OuterRef("pk"))
    return people.filter(Exists(named) | Exists(quoted))


def public_organizations(organizations=None):
    """Organisations any visitor may see: organisers of a non-confidential meeting,
    conveners of the series of one, or the affiliation of a public person.

    ``organizations`` narrows a queryset of Organization (all when None).
    """
    organizations = Organization.objects.all() if organizations is None else organizations
    affiliated = Affiliation.objects.filter(
        organization=OuterRef("pk"), person__in=public_people().values("pk")
    )
    return organizations.filter(_organising_publicly() | Exists(affiliated))


def public_organizers(organizations):
    """Those of ``organizations`` that organise a non-confidential meeting or convene the
    series of one: public by the first two of ``public_organizations``' reasons, which
    is all an organiser count (the overview's) can make them."""
    return organizations.filter(_organising_publicly())


def _organising_publicly():
    organises = MeetingOrganizer.objects.public().filter(organization=OuterRef("pk"))
    convenes = Meeting.objects.public().filter(series__convener=OuterRef("pk"))
    return Exists(organises) | Exists(convenes)


def publicly_affiliated(organization):
    """The public people affiliated with ``organization``, with their affiliation."""
    return (
        Affiliation.objects.filter(organization=organization, person__in=public_people())
        .select_related("person")
        .order_by("person__sort_name", "person__full_name", "pk")
    )
