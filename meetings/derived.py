"""The write side: every piece of derived data, and what each way of writing must call.

Derived data, and what keeps it:

- ``Meeting.track`` and ``Meeting.side_tracks``: the track rule (meetings/track.py)
  over the meeting's parties, override and participations. ``Meeting.save()`` applies
  it to its own row (only ``save`` can add the fields to ``update_fields``); the
  receivers here apply it again to a meeting whose participations change.
- ``Meeting.published_at``: set by ``Meeting.save()`` when the meeting leaves
  confidential (no bulk write can know when that was; ``populate`` sets it itself).
- ``PublicMeetingCount``: database triggers (SQL in meetings/count_triggers.py,
  installed by migration 0007) keep it in the same transaction as every insert,
  update or delete of a meeting, whatever writes it. ``recount()`` rebuilds it.
- The public cache's record version (backchannel/cache.py): the receivers here bump
  it on every change to a record public pages show, now and again at commit.
- (The search index, when there is one, belongs here too.)

Every way data is written, and what the writer must call:

==============================================  ========================================
write                                           call
==============================================  ========================================
form, admin, import, ORM ``save()`` or          nothing: ``Meeting.save()``, the
``delete()`` of one record (cascades too)       receivers here and the triggers keep it
many participations saved one by one (the       ``batched_writes()`` around them: each
admin's inline rows, a merge of two people)     meeting's track is stored once, at the
                                                end, in a fixed number of queries
``QuerySet.update()``, ``bulk_create()``,       ``after_bulk_write(meeting_ids)``, naming
``bulk_update()``, ``insert_rows`` (COPY) or    the meetings whose participations,
raw SQL, which send no signals (``populate``    parties or override were written (none
after each batch)                               when only other records were)
``loaddata`` and ``restore``                    nothing for tracks: rows come with their
                                                derived values as they were, and
                                                rewriting them would change the restored
                                                timestamps; saves send signals, so the
                                                version is bumped; ``restore`` runs
                                                ``recount()``
rows that carried counts, or the count table    ``recount()`` (``manage.py
edited by hand                                  recount_public_meetings``)
a migration that rebuilds ``meetings_meeting``  drop the triggers before and create them
on SQLite (a new constraint, say)               after, from SQL frozen into it (as 0009)
==============================================  ========================================
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from backchannel.cache import bump_record_version
from people.models import Affiliation, Organization, Person

from .count_triggers import recount_statements, sql_list
from .models import (
    PUBLIC_VISIBILITIES,
    City,
    DialogueSeries,
    Meeting,
    MeetingOrganizer,
    Participation,
    Quote,
    Source,
    Topic,
)
from .track import compute_track

# Records public pages show: a change to any of them bumps the record version.
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
    MeetingOrganizer,
)
WATCHED_M2M = (Meeting.topics.through, Meeting.sources.through, Participation.sources.through)
TRACK_BATCH = 1000  # meetings recomputed per three queries

# The ids of meetings whose participations changed inside the current
# batched_writes() block; None outside any block.
_batched_meetings = ContextVar("batched_meetings", default=None)


def after_bulk_write(meeting_ids):
    """Bring derived data up to date after writes that sent no signals.

    ``meeting_ids``: the meetings whose participations, parties or override were
    written (any iterable; empty when only other records changed). Their tracks and
    side views are recomputed, three queries per ``TRACK_BATCH`` meetings at most, and
    stored where they differ (their ``updated_at`` moving with them); then the record
    version is bumped, now and at commit. The count table needs nothing: its triggers
    saw every write.
    """
    ids = sorted(set(meeting_ids))
    for start in range(0, len(ids), TRACK_BATCH):
        _store_tracks(ids[start : start + TRACK_BATCH], touch=False)
    record_changed(sender=None)


def _store_tracks(ids, touch):
    """Recompute the tracks of these meetings and store them: every one when ``touch``
    (their participations changed, so they changed), else those that differ."""
    fields = ["parties", "track_override", "track", "side_tracks"]
    meetings = list(Meeting.objects.filter(pk__in=ids).only(*fields))
    rows = {}
    for meeting_id, *row in Participation.objects.filter(meeting_id__in=ids).track_rows():
        rows.setdefault(meeting_id, []).append(row)
    now, changed = timezone.now(), []
    for meeting in meetings:
        result = compute_track(meeting.parties, rows.get(meeting.pk, []), meeting.track_override)
        if touch or (meeting.track, meeting.side_tracks) != (result.track, result.sides):
            meeting.track, meeting.side_tracks, meeting.updated_at = result.track, result.sides, now
            changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["track", "side_tracks", "updated_at"])


@contextmanager
def batched_writes():
    """Recompute each meeting whose participations change in the block once, at its end.

    For code that saves many participations one by one (the admin's inline rows, a
    merge of two people, an import). Every block is atomic (a nested one as a
    savepoint): when it fails, none of its writes stay, so no stored track is left
    stale. A nested block's meetings are recomputed at the end of the outermost one.
    Inside a block, a meeting's stored track is the one from before the block.
    """
    if _batched_meetings.get() is not None:
        with transaction.atomic():
            yield
        return
    meeting_ids = set()
    with transaction.atomic():
        token = _batched_meetings.set(meeting_ids)
        try:
            yield
        finally:
            _batched_meetings.reset(token)
        for start in range(0, len(meeting_ids), TRACK_BATCH):
            _store_tracks(sorted(meeting_ids)[start : start + TRACK_BATCH], touch=True)


def participations_changed(*meeting_ids):
    """Keep the tracks of meetings whose participations were just saved or deleted:
    now, or at the end of the enclosing ``batched_writes()`` block."""
    batched = _batched_meetings.get()
    if batched is None:
        _store_tracks(sorted(meeting_ids), touch=True)
    else:
        batched.update(meeting_ids)


@receiver(pre_save, sender=Participation, dispatch_uid="participation_saving_remember_meeting")
def participation_saving(sender, instance, raw=False, **kwargs):
    """Remember the meeting a participation belonged to, in case it moves."""
    instance._stored_meeting_id = None
    if instance.pk and not raw:
        stored = Participation.objects.filter(pk=instance.pk).values_list("meeting_id", flat=True)
        instance._stored_meeting_id = stored.first()


@receiver(post_save, sender=Participation, dispatch_uid="participation_saved_refresh_track")
def participation_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the meeting's stored track came with it
        return
    previous = getattr(instance, "_stored_meeting_id", None)
    participations_changed(*{instance.meeting_id, previous} - {None})


@receiver(post_delete, sender=Participation, dispatch_uid="participation_deleted_refresh_track")
def participation_deleted(sender, instance, origin=None, **kwargs):
    meeting_going = isinstance(origin, Meeting) or (
        isinstance(origin, QuerySet) and origin.model is Meeting
    )
    if not meeting_going:
        participations_changed(instance.meeting_id)


def record_changed(sender, **kwargs):
    """Bump the record version now, so this transaction sees its change, and again at
    commit, so nothing another server computed from the old data meanwhile outlives it."""
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


def recount(using="default"):
    """Count every public meeting again: after loading rows that carried old counts.

    In one transaction, so pages never read a half-built table.
    """
    connection = connections[using]
    statements = recount_statements(connection.vendor, sql_list(PUBLIC_VISIBILITIES))
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
