"""Operations that span several models: keeping the stored track true.

``Meeting.save()``, ``Participation.save()`` and the participation post_delete
signal call these, so every save or delete through the ORM or the admin keeps
``Meeting.track`` equal to the rule. Queryset ``update()`` and ``bulk_create()``
bypass them: code that writes meetings or participations in bulk must call
``meeting_refresh_track`` for each meeting it touched (``populate`` computes the
track itself before inserting). Code that saves many participations one by one
(the meeting admin with its inline rows) wraps them in
``meeting_track_refresh_deferred()`` so each meeting is recomputed once, not per row.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backchannel.roles import PUBLISH_PERMISSION

from .models import Meeting, Participation, Visibility
from .track import compute_track

NAMING_MESSAGE = (
    "This meeting is already published: naming a participant would publish the name at "
    "once. Tick “anonymised”, or ask a publisher to name them."
)

# The ids of meetings whose participations changed inside the current
# meeting_track_refresh_deferred() block; None outside any block.
_deferred_meetings = ContextVar("deferred_meetings", default=None)


def _participation_rows(meeting_id):
    return Participation.objects.filter(meeting_id=meeting_id).values_list(
        "side", "capacity", "role"
    )


def meeting_apply_track(meeting):
    """Set ``meeting.track`` and ``meeting.side_tracks`` from its saved participations."""
    rows = _participation_rows(meeting.pk) if meeting.pk else []
    result = compute_track(meeting.parties, rows, meeting.track_override)
    meeting.track = result.track
    meeting.side_tracks = result.sides


def meeting_refresh_track(meeting_id):
    """Recompute and store the track of one meeting after its participations changed."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id).only("parties", "track_override", "track").first()
    )
    if meeting is None:  # deleted along with its participations
        return
    result = compute_track(meeting.parties, _participation_rows(meeting_id), meeting.track_override)
    # A change of participants is a change of the meeting: its timestamp moves too
    # (sitemap, feed, calendar, and the admin's check against lost updates).
    Meeting.objects.filter(pk=meeting_id).update(
        track=result.track, side_tracks=result.sides, updated_at=timezone.now()
    )


def meeting_participations_changed(meeting_id):
    """Keep the track of a meeting whose participations were just saved or deleted.

    Recomputes it now, or once at the end of the enclosing
    ``meeting_track_refresh_deferred()`` block.
    """
    deferred = _deferred_meetings.get()
    if deferred is None:
        meeting_refresh_track(meeting_id)
    else:
        deferred.add(meeting_id)


@contextmanager
def meeting_track_refresh_deferred():
    """Recompute each meeting whose participations change in the block once, at its end.

    Every block is atomic (a nested one as a savepoint): when it fails, none of its
    writes stay, so no stored track is left stale. A nested block's meetings are
    recomputed at the end of the outermost one. Inside a block, a meeting's stored
    track is the one from before the block: read it after the block ends.
    """
    if _deferred_meetings.get() is not None:
        with transaction.atomic():
            yield
        return
    meeting_ids = set()
    with transaction.atomic():
        token = _deferred_meetings.set(meeting_ids)
        try:
            yield
        finally:
            _deferred_meetings.reset(token)
        for meeting_id in sorted(meeting_ids):
            meeting_refresh_track(meeting_id)


def meeting_override_conflict(meeting):
    """The track the participants imply when it contradicts the stated override, else None.

    The override counts only while some side is undetermined; once every side is
    determined, a different override is a contradiction staff should resolve.
    """
    if not meeting.track_override:
        return None
    rule = compute_track(meeting.parties, _participation_rows(meeting.pk))
    if not rule.sides or None in rule.sides.values():
        return None
    return rule.track if rule.track != meeting.track_override else None


def participation_naming_violation(participation, user):
    """Why ``user`` may not save ``participation`` as given, under the naming rule; else None.

    Without the publish permission nobody may newly name a participant of a
    published meeting (unmask an anonymised one, add a named one, move a named
    one in): the name would be public at once. ``participation`` holds the
    values about to be saved; call this before saving it, as its stored version
    (same pk, if any) tells what was already public.
    """
    meeting = getattr(participation, "meeting", None)
    if not participation.is_named or meeting is None or meeting.visibility != Visibility.PUBLIC:
        return None
    if user.has_perm(PUBLISH_PERMISSION):
        return None
    stored = Participation.objects.filter(pk=participation.pk).first() if participation.pk else None
    already_public = (
        stored is not None
        and stored.is_named
        and stored.person_id == participation.person_id
        and stored.meeting_id == meeting.pk
    )
    return None if already_public else NAMING_MESSAGE


def meeting_track_summary(meeting):
    """'1.5 — Track 1 for North Korea, Track 2 for United States'."""
    overall = meeting.track or "undetermined"
    views = ", ".join(
        f"Track {track} for {name}" if track else f"undetermined for {name}"
        for name, track in meeting.side_views
    )
    return f"{overall} — {views}" if views else overall


def meeting_publish(meeting, user, visibility=Visibility.PUBLIC):
    """Publish ``meeting`` for ``user`` under the rules of its form; the reasons it was
    not published ([] when it was).

    The same rules as a save through the meeting's page: the publish permission, the
    model's rules (a source at least, dates), and the naming rule for every participant.
    Saved with its reason in the history.
    """
    if not user.has_perm(PUBLISH_PERMISSION):
        return ["Only publishers can change a meeting's visibility."]
    if visibility == Visibility.CONFIDENTIAL:
        return ["Publishing makes a meeting public, or public without its participants."]
    meeting.visibility = visibility
    try:
        meeting.full_clean()
    except ValidationError as error:
        return [message for messages in error.message_dict.values() for message in messages]
    participations = meeting.participations.select_related("person")
    refusals = {participation_naming_violation(p, user) for p in participations} - {None}
    if refusals:
        return sorted(refusals)
    meeting._change_reason = f"Published ({Visibility(visibility).label.lower()})"
    meeting.save()
    return []
