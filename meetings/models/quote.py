"""What people said, at a meeting or not, and the source that reports it."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q

from backchannel.records import RecordModel

from .catalogue import Source
from .gates import public_people
from .participation import Participation


class QuoteQuerySet(models.QuerySet):
    def public(self):
        """Quotes by public people, tied to no meeting or to one where they are named."""
        named_there = Participation.objects.publicly_named().filter(
            person=OuterRef("person"), meeting=OuterRef("meeting")
        )
        person_public = public_people().filter(pk=OuterRef("person"))
        # Named there makes the person public, so each branch needs one correlated test
        # (an index lookup per quote), never the set of all public people.
        # A source only a confidential meeting cites would reveal it: such a quote is
        # shown without its source. (Do not select_related("source") after this.)
        return self.filter(
            Q(Exists(named_there), meeting__isnull=False)
            | Q(Exists(person_public), meeting__isnull=True)
        ).prefetch_related(Prefetch("source", queryset=Source.objects.public()))


class Quote(RecordModel):
    """Words attributed to a person, optionally at a meeting and from a source."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="quotes")
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    text = models.TextField()

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["person", "pk"]

    def __str__(self):
        short = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{self.person}: “{short}”"
