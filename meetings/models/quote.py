"""What people said, at a meeting or not, and the source that reports it."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q

from backchannel.records import RecordModel

from .catalogue import Source
from .meeting import Meeting
from .participation import Participation


def public_quote():
    """The condition on Quote rows any visitor may see: said at a public meeting by
    someone publicly named there, or tied to no meeting and reported by a source a
    non-confidential meeting cites. (A quote makes its speaker public, so the rule
    cannot start from the public people.)"""
    named_there = Participation.objects.publicly_named().filter(
        person=OuterRef("person"), meeting=OuterRef("meeting")
    )
    cited = Meeting.objects.public().filter(sources=OuterRef("source"))
    return Q(Exists(named_there), meeting__isnull=False) | Q(
        Exists(cited), meeting__isnull=True, source__isnull=False
    )


class QuoteQuerySet(models.QuerySet):
    def public(self):
        """Public quotes, each with its source only where that source is public.

        A source only a confidential meeting cites would reveal it: such a quote is
        shown without its source. (Do not select_related("source") after this.)
        """
        return self.filter(public_quote()).prefetch_related(
            Prefetch("source", queryset=Source.objects.public())
        )


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
