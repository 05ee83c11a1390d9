"""Deleting a participation, alone or in a cascade, changes its meeting's track."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Meeting, Participation
from .services import meeting_participations_changed


@receiver(post_delete, sender=Participation, dispatch_uid="participation_deleted_refresh_track")
def participation_deleted(sender, instance, origin=None, **kwargs):
    meeting_going = isinstance(origin, Meeting) or (
        isinstance(origin, QuerySet) and origin.model is Meeting
    )
    if meeting_going:
        return
    meeting_participations_changed(instance.meeting_id)
