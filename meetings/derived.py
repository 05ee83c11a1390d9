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
- The search table (meetings/search_index.py) and the fact table
  (meetings/public_facts.py): each public meeting's folded words (its text, the names
  publicly named at it) and facts (parties, pairs, organisers, series). The receivers
  here write a meeting's rows again when it is saved or deleted, when its
  participations change (an anonymised flag flipped included), when a person named at
  it is renamed, or (meetings/derived_organizers.py) when its organisers or its
  series' convener change; ``after_bulk_write`` and ``batched_writes`` do it for the
  meetings they name; ``recount()`` rebuilds both.

Every way data is written, and what the writer must call:

==============================================  ========================================
write                                           call
==============================================  ========================================
form, admin, import, ORM ``save()`` or          nothing: ``Meeting.save()``, the
``delete()`` of one record (cascades too)       receivers here and the triggers keep it
many participations saved one by one (the       ``batched_writes()`` around them: each
admin's inline rows, a merge of two people)     meeting's track is stored once, at the
                                                end, in a fixed number of queries
``QuerySet.update()``, ``bulk_create()``,       ``after_bulk_write(meeting_ids,
``bulk_update()``, ``insert_rows`` (COPY) or    people=())``, naming the meetings whose
raw SQL, which send no signals                  participations, parties, override, text
                                                or visibility were written, and the
                                                people whose names were (none when
                                                only other records were)
new meetings inserted with their tracks, words  ``public_facts.recount_totals()`` and
and facts computed by this side's own rules     ``after_bulk_write(())`` once, at the end,
(``populate``: ``compute_track``,               to bump the record version (the triggers
``search_index.planned_words``,                 saw every row, or, in a large run inside
``public_facts.fact_rows``)                     ``populate.bulk.counts_after_block``, the
                                                table is counted again at its end)
``loaddata`` and ``restore``                    nothing for tracks: rows come with their
                                                derived values as they were, and
                                                rewriting them would change the restored
                                                timestamps; saves send signals, so the
                                                version is bumped; ``restore`` runs
                                                ``recount()``, which rebuilds the count
                                                and search tables (after ``loaddata``,
                                                run ``recount_public_meetings``)
rows that carried counts, the count or search   ``recount()`` (``manage.py
table edited by hand                            recount_public_meetings``)
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
from backchannel.records import stored_before_save
from people.models import Affiliation, Organization, Person

from . import public_facts, search_index
from .count_triggers import differences_statement, recount_statements, sql_list
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

# Inside a batched_writes() block, the ids of the meetings whose participations
# changed (their tracks and words are written at its end) and of those whose own
# row or people's names changed (their words); None outside any block.
_batched_meetings = ContextVar("batched_meetings", default=None)


def meetings_of(people):
    """The ids of the meetings these people (ids) took part in."""
    return Participation.objects.filter(person_id__in=list(people)).values_list(
        "meeting_id", flat=True
    )


def after_bulk_write(meeting_ids, people=()):
    """Bring derived data up to date after writes that sent no signals.

    ``meeting_ids``: the meetings whose participations, parties, override, text or
    visibility were written; ``people``: the ids of people whose names were (either
    may be empty). The meetings' tracks and side views are recomputed, three queries
    per ``TRACK_BATCH`` meetings at most, and stored where they differ (their
    ``updated_at`` moving with them); their words are written to the search table
    again (those of every meeting the people took part in too); then the record
    version is bumped, now and at commit. The count table needs nothing: its triggers
    saw every write.
    """
    ids = set(meeting_ids)
    people = list(people)
    if people:
        ids.update(meetings_of(people))
    ids = sorted(ids)
    for start in range(0, len(ids), TRACK_BATCH):
        _store_tracks(ids[start : start + TRACK_BATCH], touch=False)
    refresh_tables(ids)
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
    tracks, words = set(), set()
    with transaction.atomic():
        token = _batched_meetings.set((tracks, words))
        try:
            yield
        finally:
            _batched_meetings.reset(token)
        for start in range(0, len(tracks), TRACK_BATCH):
            _store_tracks(sorted(tracks)[start : start + TRACK_BATCH], touch=True)
        refresh_tables(tracks | words)


def refresh_tables(meeting_ids, using="default"):
    """Write these meetings' search words and facts again."""
    search_index.refresh(meeting_ids, using=using)
    public_facts.refresh(meeting_ids, using=using)


def participations_changed(*meeting_ids):
    """Keep the tracks and words of meetings whose participations were just saved or
    deleted: now, or at the end of the enclosing ``batched_writes()`` block."""
    batched = _batched_meetings.get()
    if batched is None:
        _store_tracks(sorted(meeting_ids), touch=True)
        refresh_tables(meeting_ids)
    else:
        batched[0].update(meeting_ids)


def words_changed(meeting_ids):
    """Write the words of these meetings again: now, or at the end of the block."""
    batched = _batched_meetings.get()
    if batched is None:
        refresh_tables(meeting_ids)
    else:
        batched[1].update(meeting_ids)


@receiver(post_save, sender=Meeting, dispatch_uid="meeting_saved_refresh_words")
@receiver(post_delete, sender=Meeting, dispatch_uid="meeting_deleted_refresh_words")
def meeting_written(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: recount() rebuilds the search table after it
        words_changed([instance.pk])


@receiver(pre_save, sender=Person, dispatch_uid="person_saving_remember_names")
def person_saving(sender, instance, raw=False, **kwargs):
    """Remember the names a person had, to know whether their meetings' words change."""
    instance._stored_names = stored_before_save(instance, raw, "full_name", "other_names")


@receiver(post_save, sender=Person, dispatch_uid="person_saved_refresh_words")
def person_saved(sender, instance, raw=False, created=False, **kwargs):
    stored = getattr(instance, "_stored_names", None)
    if raw or created or stored == (instance.full_name, instance.other_names):
        return
    words_changed(list(meetings_of([instance.pk])))


@receiver(pre_save, sender=Participation, dispatch_uid="participation_saving_remember_meeting")
def participation_saving(sender, instance, raw=False, **kwargs):
    """Remember the meeting a participation belonged to, in case it moves."""
    instance._stored_meeting_id = stored_before_save(instance, raw, "meeting_id")


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


def count_differences(using="default"):
    """What ``recount`` would fix in the count table, without writing: (city id, year,
    track, stored, counted) for each key whose stored count is wrong."""
    connection = connections[using]
    sql = differences_statement(connection.vendor, sql_list(PUBLIC_VISIBILITIES))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def recount(using="default"):
    """Count every public meeting again and write every meeting's words and facts again,
    in one transaction: after loading rows that carried old counts, or none."""
    connection = connections[using]
    statements = recount_statements(connection.vendor, sql_list(PUBLIC_VISIBILITIES))
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        search_index.rebuild(using=using)
        public_facts.rebuild(using=using)
