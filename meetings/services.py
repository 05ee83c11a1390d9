"""Operations that span several models: keeping the stored track true.

``Meeting.save()``, ``Participation.save()`` and the participation post_delete
signal call these, so every save or delete through the ORM or the admin keeps
``Meeting.track`` equal to the rule. Queryset ``update()`` and ``bulk_create()``
bypass them: code that writes meetings or participations in bulk must call
``meeting_refresh_track`` for each meeting it touched (``populate`` computes the
track itself before inserting).
"""

from django.utils import timezone

from .models import Meeting, Participation
from .track import compute_track


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


def meeting_track_summary(meeting):
    """'1.5 — Track 1 for North Korea, Track 2 for United States'."""
    overall = meeting.track or "undetermined"
    views = ", ".join(
        f"Track {track} for {name}" if track else f"undetermined for {name}"
        for name, track in meeting.side_views
    )
    return f"{overall} — {views}" if views else overall
