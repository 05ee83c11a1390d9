"""Receivers that keep derived data current when records change through the ORM.

A participation saved or deleted, alone or in a cascade, changes its meeting's track;
any change to a record the public pages show bumps the public cache's record version.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from backchannel.cache import bump_record_version
from people.models import Affiliation, Organization, Person

from .models import City, DialogueSeries, Meeting, Participation, Quote, Source, Topic
from .services import meeting_participations_changed

WATCHED = (
    Meeting,
    Participation,
    Person,
    City,
    Topic,
    DialogueSeries,
    Source,
    Quote,
    Organization,
    Affiliation,
)
WATCHED_M2M = (Meeting.topics.through, Meeting.sources.through)


@receiver(pre_save, sender=Participation, dispatch_uid="participation_saving_remember_meeting")
def participation_saving(sender, instance, raw=False, **kwargs):
    instance._stored_meeting_id = None
    if instance.pk and not raw:
        stored = Participation.objects.filter(pk=instance.pk).values_list("meeting_id", flat=True)
        instance._stored_meeting_id = stored.first()


@receiver(post_save, sender=Participation, dispatch_uid="participation_saved_refresh_track")
def participation_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the meeting's stored track came with it
        return
    meeting_participations_changed(instance.meeting_id)
    previous = getattr(instance, "_stored_meeting_id", None)
    if previous and previous != instance.meeting_id:
        meeting_participations_changed(previous)


@receiver(post_delete, sender=Participation, dispatch_uid="participation_deleted_refresh_track")
def participation_deleted(sender, instance, origin=None, **kwargs):
    meeting_going = isinstance(origin, Meeting) or (
        isinstance(origin, QuerySet) and origin.model is Meeting
    )
    if meeting_going:
        return
    meeting_participations_changed(instance.meeting_id)


def record_changed(sender, **kwargs):
    # Now, so this transaction sees its change, and again at commit, so nothing
    # another server computed from the old data meanwhile outlives the commit.
    bump_record_version()
    transaction.on_commit(bump_record_version)


for model in WATCHED:
    post_save.connect(record_changed, sender=model, dispatch_uid=f"cache_saved_{model.__name__}")
    post_delete.connect(
        record_changed, sender=model, dispatch_uid=f"cache_deleted_{model.__name__}"
    )


@receiver(m2m_changed, dispatch_uid="cache_m2m_changed")
def relation_changed(sender, action, **kwargs):
    if sender in WATCHED_M2M and action.startswith("post_"):
        record_changed(sender)
