"""Rules of data entry that read several records: who may name a participant of a
published meeting, an override the participants contradict, and the track as staff
read it. (Keeping derived data current is meetings/derived.py's.)"""

from backchannel.roles import PUBLISH_PERMISSION

from .models import Participation, Visibility
from .track import compute_track

NAMING_MESSAGE = (
    "This meeting is already published: naming a participant would publish the name at "
    "once. Tick “anonymised”, or ask a publisher to name them."
)


def meeting_override_conflict(meeting):
    """The track the participants imply when it contradicts the stated override, else None.

    The override counts only while some side is undetermined; once every side is
    determined, a different override is a contradiction staff should resolve.
    """
    if not meeting.track_override:
        return None
    rows = Participation.objects.filter(meeting_id=meeting.pk).track_rows()
    rule = compute_track(meeting.parties, [row[1:] for row in rows])
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
