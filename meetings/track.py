"""The track rule: pure functions, no database.

A side is Track 1 when at least one of its counted participants is a serving
official, Track 2 when it has counted participants and none is, and
undetermined (None) when it has none. Facilitators and observers are not
counted. The meeting is Track 1 when every side is Track 1, Track 2 when every
side is Track 2, 1.5 when they differ, and the override (the track a source
states) when any side is undetermined.
"""

from dataclasses import dataclass, field

TRACK_1 = "1"
TRACK_1_5 = "1.5"
TRACK_2 = "2"
OFFICIAL = "official"
UNCOUNTED_ROLES = frozenset({"facilitator", "observer"})


@dataclass(frozen=True)
class TrackResult:
    track: str
    sides: dict = field(default_factory=dict)


def side_track(capacities):
    """The track one side sees, from its counted participants' capacities."""
    if not capacities:
        return None
    return TRACK_1 if OFFICIAL in capacities else TRACK_2


def compute_track(parties, participations, override=""):
    """The meeting's track and each side's view.

    ``parties`` are the meeting's sides (country codes); ``participations`` are
    ``(side, capacity, role)`` triples. Only the parties are sides: a participant
    for any other country is not counted (data entry refuses such a side), so
    no side a meeting does not declare ever shows on its page.
    """
    capacities = {str(party): set() for party in parties}
    for side, capacity, role in participations:
        if role in UNCOUNTED_ROLES or str(side) not in capacities:
            continue
        capacities[str(side)].add(capacity)
    sides = {side: side_track(found) for side, found in sorted(capacities.items())}
    views = set(sides.values())
    if not sides or None in views:
        return TrackResult(override or "", sides)
    if views == {TRACK_1}:
        return TrackResult(TRACK_1, sides)
    if views == {TRACK_2}:
        return TrackResult(TRACK_2, sides)
    return TrackResult(TRACK_1_5, sides)
