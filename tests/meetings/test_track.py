"""The track rule, case by case, as a pure function and as stored on meetings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.derived import batched_writes
from meetings.models import Meeting, Participation
from meetings.track import compute_track
from tests.factories import make_meeting, make_participation

OFFICIAL, FORMER, EXPERT, OTHER = "official", "former_official", "expert", "other"


def test_compute_track_berlin_case_is_one_and_a_half():
    result = compute_track(
        ["KP", "US"],
        [("KP", OFFICIAL, "head"), ("US", FORMER, "member"), ("US", EXPERT, "member")],
    )
    assert (result.track, result.sides) == ("1.5", {"KP": "1", "US": "2"})


def test_compute_track_both_sides_official_is_track_one():
    result = compute_track(["KP", "US"], [("KP", OFFICIAL, "head"), ("US", OFFICIAL, "member")])
    assert (result.track, result.sides) == ("1", {"KP": "1", "US": "1"})


def test_compute_track_no_official_anywhere_is_track_two():
    result = compute_track(["KP", "US"], [("KP", EXPERT, "member"), ("US", FORMER, "member")])
    assert (result.track, result.sides) == ("2", {"KP": "2", "US": "2"})


def test_compute_track_one_official_makes_the_side_track_one():
    result = compute_track(["US"], [("US", EXPERT, "member"), ("US", OFFICIAL, "member")])
    assert result.sides == {"US": "1"}


def test_compute_track_multilateral_meeting():
    rows = [
        ("CN", OFFICIAL, "head"),
        ("KP", OFFICIAL, "head"),
        ("US", EXPERT, "member"),
        ("KR", FORMER, "member"),
    ]
    result = compute_track(["CN", "KP", "US", "KR"], rows)
    assert (result.track, result.sides) == ("1.5", {"CN": "1", "KP": "1", "KR": "2", "US": "2"})


def test_compute_track_multilateral_all_official_is_track_one():
    rows = [("CN", OFFICIAL, "head"), ("KP", OFFICIAL, "head"), ("US", OFFICIAL, "head")]
    assert compute_track(["CN", "KP", "US"], rows).track == "1"


@pytest.mark.parametrize("role", ["facilitator", "observer"])
def test_compute_track_ignores_facilitators_and_observers(role):
    rows = [("KP", EXPERT, "member"), ("US", EXPERT, "member"), ("US", OFFICIAL, role)]
    assert compute_track(["KP", "US"], rows).track == "2"


def test_compute_track_side_with_only_a_facilitator_is_undetermined():
    rows = [("KP", OFFICIAL, "member"), ("US", OFFICIAL, "facilitator")]
    result = compute_track(["KP", "US"], rows, override="1.5")
    assert (result.track, result.sides) == ("1.5", {"KP": "1", "US": None})


def test_compute_track_no_participants_uses_override():
    assert compute_track(["KP", "US"], [], override="1.5").track == "1.5"


def test_compute_track_no_participants_and_no_override_is_empty():
    result = compute_track(["KP", "US"], [])
    assert (result.track, result.sides) == ("", {"KP": None, "US": None})


def test_compute_track_no_sides_at_all_uses_override():
    assert compute_track([], [], override="2") == compute_track([], [], "2")
    assert compute_track([], [], override="2").track == "2"


def test_compute_track_override_ignored_when_every_side_is_determined():
    rows = [("KP", OFFICIAL, "member"), ("US", OFFICIAL, "member")]
    assert compute_track(["KP", "US"], rows, override="2").track == "1"


def test_compute_track_ignores_a_side_missing_from_parties():
    rows = [("KP", OFFICIAL, "member"), ("US", EXPERT, "member"), ("CN", OFFICIAL, "member")]
    result = compute_track(["KP", "US"], rows)
    assert (result.track, result.sides) == ("1.5", {"KP": "1", "US": "2"})


def test_compute_track_without_parties_has_no_sides():
    result = compute_track([], [("US", OFFICIAL, "member")], override="2")
    assert (result.track, result.sides) == ("2", {})


# Stored track, kept equal to the rule through the ORM.


def _stored(meeting):
    meeting.refresh_from_db()
    return meeting.track, meeting.side_tracks


@pytest.mark.django_db
def test_stored_track_follows_participations_as_they_are_added():
    meeting = make_meeting(parties=["KP", "US"])
    assert _stored(meeting) == ("", {"KP": None, "US": None})
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    assert _stored(meeting) == ("", {"KP": "1", "US": None})
    make_participation(meeting, side="US", capacity=FORMER)
    assert _stored(meeting) == ("1.5", {"KP": "1", "US": "2"})


@pytest.mark.django_db
def test_stored_track_uses_override_while_a_side_is_undetermined():
    meeting = make_meeting(parties=["KP", "US"], track_override="1.5")
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    assert _stored(meeting)[0] == "1.5"
    make_participation(meeting, side="US", capacity=OFFICIAL)
    assert _stored(meeting)[0] == "1"


@pytest.mark.django_db
def test_stored_track_changes_when_a_participant_moves_side():
    meeting = make_meeting(parties=["KP", "US"])
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    make_participation(meeting, side="US", capacity=EXPERT)
    moving = make_participation(meeting, side="KP", capacity=OFFICIAL)
    assert _stored(meeting)[0] == "1.5"
    moving.side = "US"
    moving.save()
    assert _stored(meeting) == ("1", {"KP": "1", "US": "1"})


@pytest.mark.django_db
def test_stored_track_changes_when_a_participation_is_deleted():
    meeting = make_meeting(parties=["KP", "US"])
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    official = make_participation(meeting, side="US", capacity=OFFICIAL)
    make_participation(meeting, side="US", capacity=EXPERT)
    assert _stored(meeting)[0] == "1"
    official.delete()
    assert _stored(meeting)[0] == "1.5"


@pytest.mark.django_db
def test_stored_track_changes_when_participations_are_deleted_in_bulk():
    meeting = make_meeting(parties=["KP", "US"])
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    make_participation(meeting, side="US", capacity=EXPERT)
    Participation.objects.filter(meeting=meeting, side="US").delete()
    assert _stored(meeting) == ("", {"KP": "1", "US": None})


@pytest.mark.django_db
def test_stored_track_changes_when_a_person_is_deleted():
    meeting = make_meeting(parties=["KP", "US"])
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    leaving = make_participation(meeting, side="US", capacity=OFFICIAL)
    make_participation(meeting, side="US", capacity=EXPERT)
    leaving.person.delete()
    assert _stored(meeting)[0] == "1.5"


@pytest.mark.django_db
def test_stored_track_follows_a_participation_moved_to_another_meeting():
    first = make_meeting(parties=["KP", "US"])
    second = make_meeting(parties=["KP", "US"])
    make_participation(first, side="KP", capacity=OFFICIAL)
    moving = make_participation(first, side="US", capacity=OFFICIAL)
    make_participation(second, side="KP", capacity=OFFICIAL)
    moving.meeting = second
    moving.save()
    assert (_stored(first)[0], _stored(second)[0]) == ("", "1")


@pytest.mark.django_db
def test_stored_track_follows_a_change_of_parties_and_override():
    meeting = make_meeting(parties=["KP"])
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    assert _stored(meeting)[0] == "1"
    meeting.parties = ["KP", "US"]
    meeting.track_override = "1.5"
    meeting.save()
    assert _stored(meeting) == ("1.5", {"KP": "1", "US": None})


@pytest.mark.django_db
def test_stored_track_survives_save_with_update_fields():
    meeting = make_meeting(parties=["KP", "US"])
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    Meeting.objects.filter(pk=meeting.pk).update(track="2")  # stale value
    meeting.refresh_from_db()
    meeting.title = "Renamed"
    meeting.save(update_fields=["title"])
    assert _stored(meeting)[0] == ""


@pytest.mark.django_db
def test_participant_change_moves_the_meetings_timestamp():
    meeting = make_meeting(parties=["KP", "US"])
    before = meeting.updated_at
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    meeting.refresh_from_db()
    assert meeting.updated_at > before


@pytest.mark.django_db
def test_deleting_meetings_in_bulk_does_not_recompute_their_tracks():
    for _ in range(3):
        meeting = make_meeting(parties=["KP", "US"])
        make_participation(meeting, side="KP", capacity=OFFICIAL)
    with CaptureQueriesContext(connection) as captured:
        Meeting.objects.all().delete()
    recomputes = [q for q in captured.captured_queries if 'UPDATE "meetings_meeting"' in q["sql"]]
    assert recomputes == []
    assert not Meeting.objects.exists()


# Batched writes: many participation writes, one track update for all their meetings.


def _track_updates(captured):
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('UPDATE "meetings_meeting" SET "track"')
    ]


@pytest.mark.django_db
def test_batched_writes_store_each_touched_meeting_once_at_the_end_in_one_update():
    first = make_meeting(parties=["KP", "US"])
    second = make_meeting(parties=["KP", "US"])
    make_participation(first, side="KP", capacity=OFFICIAL)
    moving = make_participation(first, side="US", capacity=OFFICIAL)
    dropped = make_participation(second, side="US", capacity=EXPERT)
    with CaptureQueriesContext(connection) as captured, batched_writes():
        make_participation(second, side="KP", capacity=OFFICIAL)
        moving.meeting = second
        moving.save()
        dropped.delete()
        assert (_stored(first)[0], _stored(second)[0]) == ("1", "")  # not yet
    assert len(_track_updates(captured)) == 1  # both meetings, one statement
    assert _stored(first) == ("", {"KP": "1", "US": None})
    assert _stored(second) == ("1", {"KP": "1", "US": "1"})


@pytest.mark.django_db
def test_batched_writes_nested_block_joins_the_outer_one():
    meeting = make_meeting(parties=["KP", "US"])
    with CaptureQueriesContext(connection) as captured, batched_writes():
        with batched_writes():
            make_participation(meeting, side="KP", capacity=OFFICIAL)
        assert _stored(meeting)[0] == ""
        make_participation(meeting, side="US", capacity=OFFICIAL)
    assert len(_track_updates(captured)) == 1
    assert _stored(meeting) == ("1", {"KP": "1", "US": "1"})


@pytest.mark.django_db
def test_batched_writes_failing_block_writes_nothing():
    meeting = make_meeting(parties=["KP", "US"])
    make_participation(meeting, side="KP", capacity=OFFICIAL)
    with pytest.raises(RuntimeError), batched_writes():
        make_participation(meeting, side="US", capacity=OFFICIAL)
        raise RuntimeError("refused halfway")
    assert meeting.participations.count() == 1
    assert _stored(meeting) == ("", {"KP": "1", "US": None})
    make_participation(meeting, side="US", capacity=EXPERT)  # not batched any more
    assert _stored(meeting)[0] == "1.5"


@pytest.mark.django_db
def test_batched_writes_nested_block_that_fails_undoes_only_its_own_writes():
    meeting = make_meeting(parties=["KP", "US"])
    with batched_writes():
        make_participation(meeting, side="KP", capacity=OFFICIAL)
        with pytest.raises(RuntimeError), batched_writes():
            make_participation(meeting, side="US", capacity=OFFICIAL)
            raise RuntimeError("refused halfway")
    assert meeting.participations.count() == 1
    assert _stored(meeting) == ("", {"KP": "1", "US": None})
