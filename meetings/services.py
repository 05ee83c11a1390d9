"""Rules of data entry that read several records: who may name a participant of a
published meeting, an override the participants contradict, and the track as staff
read it. (Keeping derived data current is meetings/derived.py's.)"""

from django.core.exceptions import ValidationError

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
