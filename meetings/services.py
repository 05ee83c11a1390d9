"""Operations that span several models: keeping the stored track true."""

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
    Meeting.objects.filter(pk=meeting_id).update(track=result.track, side_tracks=result.sides)
