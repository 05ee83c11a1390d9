"""Public gates of other apps' records whose rule reads the meetings' records.

A person is public while named in a public meeting: the rule reads participations,
so it lives here, beside them, and ``people/models.py`` (which never imports
``meetings``) keeps only what needs no meeting. Every public surface calls these.
"""

from django.db.models import Exists, OuterRef

from people.models import Person

from .participation import Participation


def public_people(people=None):
    """People any visitor may see: named in at least one public meeting (not anonymised).

    ``people`` narrows a queryset of Person (all people when None).
    """
    people = Person.objects.all() if people is None else people
    named = Participation.objects.publicly_named().filter(person=OuterRef("pk"))
    return people.filter(Exists(named))
