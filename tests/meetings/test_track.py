"""The track rule, case by case (meetings/track.py; as stored: test_derived.py)."""

import pytest

from meetings.track import compute_track

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


# Batched writes: many participation writes, one track update for all their meetings.
