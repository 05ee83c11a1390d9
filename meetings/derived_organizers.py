"""The write side (meetings/derived.py), for what only the fact table reads: a meeting's
organisers, and the series and conveners its organisers include.

A change to an organiser link, to a series' convener, or a series or convening
organisation deleted (Django sets the meetings' series, or the series' convener, to
NULL without a signal) writes the facts of the meetings concerned again, now or at the
end of the enclosing ``batched_writes()`` block, like any change of a meeting's words.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from backchannel.records import stored_before_save
from people.models import Organization

from .derived import words_changed
from .models import DialogueSeries, Meeting, MeetingOrganizer


@receiver(post_save, sender=MeetingOrganizer, dispatch_uid="organizer_saved_refresh_facts")
@receiver(post_delete, sender=MeetingOrganizer, dispatch_uid="organizer_deleted_refresh_facts")
def organizer_written(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: recount() rebuilds the facts after it
        words_changed([instance.meeting_id])


@receiver(m2m_changed, sender=Meeting.organizers.through, dispatch_uid="organizers_refresh_facts")
def organizers_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``meeting.organizers.add()`` and the like write the links without saving them."""
    if action == "pre_clear" and reverse:  # the meetings are known only before the links go
        links = MeetingOrganizer.objects.filter(organization=instance)
        instance._cleared_meetings = list(links.values_list("meeting_id", flat=True))
    if not action.startswith("post_"):
        return
    if not reverse:
        words_changed([instance.pk])
    else:
        cleared = getattr(instance, "_cleared_meetings", ())
        words_changed(cleared if action == "post_clear" else pk_set)


def _series_meetings(series_ids):
    return list(Meeting.objects.filter(series_id__in=series_ids).values_list("pk", flat=True))


@receiver(pre_save, sender=DialogueSeries, dispatch_uid="series_saving_remember_convener")
def series_saving(sender, instance, raw=False, **kwargs):
    instance._stored_convener_id = stored_before_save(instance, raw, "convener_id")


@receiver(post_save, sender=DialogueSeries, dispatch_uid="series_saved_refresh_facts")
def series_saved(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created) and instance._stored_convener_id != instance.convener_id:
        words_changed(_series_meetings([instance.pk]))


@receiver(pre_delete, sender=DialogueSeries, dispatch_uid="series_deleting_remember_rounds")
def series_deleting(sender, instance, **kwargs):
    instance._rounds = _series_meetings([instance.pk])


@receiver(post_delete, sender=DialogueSeries, dispatch_uid="series_deleted_refresh_facts")
def series_deleted(sender, instance, **kwargs):
    words_changed(getattr(instance, "_rounds", ()))


@receiver(pre_delete, sender=Organization, dispatch_uid="organization_deleting_remember_series")
def organization_deleting(sender, instance, **kwargs):
    convened = DialogueSeries.objects.filter(convener=instance).values_list("pk", flat=True)
    instance._convened_rounds = _series_meetings(list(convened))


@receiver(post_delete, sender=Organization, dispatch_uid="organization_deleted_refresh_facts")
def organization_deleted(sender, instance, **kwargs):
    words_changed(getattr(instance, "_convened_rounds", ()))
