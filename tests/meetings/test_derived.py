"""The write side (meetings/derived.py): the stored track as participations change, batched
writes, and after_bulk_write for writes that send no signals."""

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from backchannel.cache import VERSION_KEY, record_version
from meetings import search_index
from meetings.derived import after_bulk_write, batched_writes, recount
from meetings.filters import meeting_filter
from meetings.models import (
    Meeting,
    Participation,
    PublicMeetingCount,
    Visibility,
)
from people.models import Person
from tests.factories import make_meeting, make_participation, make_person
from tests.public_counts import live_counts, make_listing_record, table_counts

pytestmark = pytest.mark.django_db

OFFICIAL, FORMER, EXPERT, OTHER = "official", "former_official", "expert", "other"


def _meetings_made_track_two(n):
    """``n`` Track 1 meetings whose officials an update() then turned into experts."""
    meetings = []
    for _ in range(n):
        meeting = make_meeting(parties=["KP", "US"])
        make_participation(meeting, side="KP", capacity="official")
        make_participation(meeting, side="US", capacity="official")
        meetings.append(meeting)
    Participation.objects.update(capacity="expert")  # no signal: the stored track is stale
    return meetings


def _stored_all(meetings):
    return list(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .order_by("pk")
        .values_list("track", "side_tracks")
    )


@pytest.mark.parametrize("n", [1, 3])
def test_after_bulk_write_stores_the_tracks_in_twelve_queries(django_assert_num_queries, n):
    meetings = _meetings_made_track_two(n)
    assert _stored_all(meetings) == [("1", {"KP": "1", "US": "1"})] * n
    # Tracks: the meetings, their participations, one update. Search: the meetings'
    # text, their public names, one delete, one insert. Facts: the meetings' rows
    # locked, the meetings, their organisers, one delete, one insert (and no totals to
    # move: the same facts).
    with django_assert_num_queries(12):
        after_bulk_write(m.pk for m in meetings)
    assert _stored_all(meetings) == [("2", {"KP": "2", "US": "2"})] * n


def test_after_bulk_write_leaves_meetings_whose_track_is_right_alone():
    right = make_meeting(parties=["KP"])
    make_participation(right, side="KP", capacity="official")
    right.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        after_bulk_write([right.pk])
    updates = [q["sql"] for q in captured if q["sql"].startswith("UPDATE")]
    assert [sql for sql in updates if '"track"' in sql] == []  # the search's words may be
    assert Meeting.objects.get(pk=right.pk).updated_at == right.updated_at


def test_after_bulk_write_bumps_the_record_version_even_for_no_meeting():
    before = record_version()
    after_bulk_write([])
    assert cache.get(VERSION_KEY) != before


def test_after_bulk_write_skips_meetings_deleted_meanwhile():
    meeting = make_meeting()
    gone = meeting.pk
    meeting.delete()
    after_bulk_write([gone])
    assert not Meeting.objects.filter(pk=gone).exists()


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


def test_public_counts_recount_repairs_a_table_loaded_with_old_counts():
    make_listing_record()
    right = table_counts()
    PublicMeetingCount.objects.update(meetings=F("meetings") * 2)  # as loaddata on top would
    assert table_counts() != right
    recount()
    assert table_counts() == right == live_counts()


def test_public_counts_recount_command_reports_the_total(capsys):
    make_listing_record()
    PublicMeetingCount.objects.all().delete()
    call_command("recount_public_meetings")
    assert table_counts() == live_counts()
    total = Meeting.objects.public().count()
    assert f"Counted {total} public meetings" in capsys.readouterr().out


def test_recount_check_lists_wrong_counts_and_writes_nothing(capsys):
    make_listing_record()
    call_command("recount_public_meetings", check=True)
    assert "Every public meeting count and fact is right." in capsys.readouterr().out
    row = PublicMeetingCount.objects.filter(meetings__gt=0).order_by("pk").first()
    PublicMeetingCount.objects.filter(pk=row.pk).update(meetings=F("meetings") + 2)
    wrong = table_counts()
    with pytest.raises(CommandError, match="1 counts and 0 facts are wrong"):
        call_command("recount_public_meetings", check=True)
    expected = f"{row.meetings + 2} stored, {row.meetings} counted"
    assert expected in capsys.readouterr().out
    assert table_counts() == wrong != live_counts()  # nothing written


# The search table (meetings/search_index.py) after each kind of write.


def searched(q):
    return set(meeting_filter(QueryDict(urlencode({"q": q}))).qs.values_list("pk", flat=True))


def search_row_ids():
    return search_index.stored_ids()


@pytest.fixture
def named():
    meeting = make_meeting(title="Quokka talks", summary="On fisheries.")
    person = make_person(full_name="Ysolde Marrow", other_names="Isolde Marrow")
    participation = make_participation(meeting, person, side="US")
    return meeting, person, participation


@pytest.mark.django_db
def test_search_follows_a_saved_meeting(named):
    meeting, _, _ = named
    assert searched("quokka") == {meeting.pk}
    meeting.title = "Wombat talks"
    meeting.save(update_fields=["title"])
    assert searched("quokka") == set()
    assert searched("wombat fisheries ysolde") == {meeting.pk}


@pytest.mark.django_db
def test_search_forgets_a_deleted_meeting(named):
    meeting, _, _ = named
    other = make_meeting(title="Quokka again")
    Meeting.objects.filter(pk=meeting.pk).delete()
    assert search_row_ids() == {other.pk}
    assert searched("quokka") == {other.pk}


@pytest.mark.django_db
def test_search_follows_participations_added_moved_and_deleted(named):
    _, _, participation = named
    other = make_meeting(title="Other talks")
    make_participation(other, make_person(full_name="Tancredi Vole"))
    assert searched("tancredi") == {other.pk}
    participation.meeting = other
    participation.save()
    assert searched("ysolde") == {other.pk}
    participation.delete()
    assert searched("ysolde") == set()


@pytest.mark.django_db
def test_search_follows_the_anonymised_flag(named):
    meeting, _, participation = named
    participation.anonymised = True
    participation.save()
    assert searched("ysolde") == searched("isolde") == set()
    participation.anonymised = False
    participation.save()
    assert searched("ysolde") == searched("isolde") == {meeting.pk}


@pytest.mark.django_db
def test_search_follows_a_renamed_person(named):
    meeting, person, _ = named
    person.full_name = "Yvaine Marrow"
    person.other_names = "Ivane Marrow"
    person.save()
    assert searched("ysolde") == searched("isolde") == set()
    assert searched("yvaine") == searched("ivane") == {meeting.pk}
    person.delete()
    assert searched("yvaine") == set()
    assert searched("quokka") == {meeting.pk}


@pytest.mark.django_db
def test_search_follows_visibility(named):
    meeting, _, _ = named
    meeting.visibility = Visibility.PARTICIPANTS_WITHHELD
    meeting.save()
    assert searched("ysolde") == set()  # participants withheld: names never searchable
    assert searched("quokka") == {meeting.pk}
    meeting.visibility = Visibility.CONFIDENTIAL
    meeting.save()
    assert search_row_ids() == set()  # confidential text is not even stored
    meeting.visibility = Visibility.PUBLIC
    meeting.save()
    assert searched("quokka ysolde") == {meeting.pk}


@pytest.mark.django_db
def test_search_after_bulk_writes_named_to_after_bulk_write(named):
    meeting, person, _ = named
    Meeting.objects.filter(pk=meeting.pk).update(title="Platypus talks")
    assert searched("platypus") == set()  # no signal: not yet
    after_bulk_write([meeting.pk])
    assert searched("platypus") == {meeting.pk}
    Person.objects.filter(pk=person.pk).update(full_name="Zenobia Marrow")
    assert searched("zenobia") == set()
    after_bulk_write([], people=[person.pk])
    assert searched("zenobia platypus") == {meeting.pk}
    Meeting.objects.filter(pk=meeting.pk).update(visibility=Visibility.CONFIDENTIAL)
    after_bulk_write([meeting.pk])
    assert search_row_ids() == set()


@pytest.mark.django_db
def test_search_in_batched_writes_is_written_once_at_the_end(named):
    meeting, _, _ = named
    with batched_writes():
        make_participation(meeting, make_person(full_name="Ulrika Stoat"))
        meeting.title = "Marmot talks"
        meeting.save()
        assert searched("ulrika") == searched("marmot") == set()
    assert searched("ulrika marmot ysolde") == {meeting.pk}


@pytest.mark.django_db
def test_recount_rebuilds_the_search_table(named):
    meeting, _, _ = named
    search_index.clear()
    assert searched("quokka") == set()
    call_command("recount_public_meetings", verbosity=0)
    assert searched("quokka ysolde") == {meeting.pk}
