"""meetings/populate/: the populate command, deterministic, varied, consistent with the
track rule."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from meetings import dates, search_index
from meetings.models import (
    City,
    DialogueSeries,
    Meeting,
    MeetingOrganizer,
    Participation,
    Quote,
    Topic,
)
from meetings.populate import AlreadyPopulated, populate, run
from meetings.populate.bulk import indexes_set_aside
from meetings.track import compute_track
from people.models import Affiliation, Organization, Person
from tests.public_counts import live_counts, table_counts

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything a run wrote, keyed by slugs and names rather than database ids."""
    meetings = [
        (
            m.slug, m.title, m.series.slug if m.series else None, m.start_date, m.end_date,
            m.date_precision, m.city.slug if m.city else None, m.venue, m.occasion, m.status,
            list(m.parties), m.track, m.side_tracks, m.track_override, m.visibility, m.summary,
            m.internal_notes, sorted(t.name for t in m.topics.all()),
            sorted(s.url for s in m.sources.all()),
        )
        for m in Meeting.objects.select_related("series", "city").prefetch_related(
            "topics", "sources"
        ).order_by("slug")
    ]  # fmt: skip
    participations = sorted(
        Participation.objects.values_list(
            "meeting__slug", "person__slug", "side", "capacity", "role", "title_at_time",
            "anonymised",
        ),
        key=repr,
    )  # fmt: skip
    people = list(
        Person.objects.order_by("slug").values_list(
            "slug", "full_name", "sort_name", "other_names", "country", "bio", "internal_notes"
        )
    )
    affiliations = sorted(
        Affiliation.objects.values_list(
            "person__slug", "organization__slug", "role", "start_date", "end_date"
        ),
        key=repr,
    )
    organizations = list(
        Organization.objects.order_by("slug").values_list("slug", "name", "kind", "country")
    )
    cities = list(City.objects.order_by("slug").values_list("slug", "name", "country"))
    quotes = sorted(
        Quote.objects.values_list("person__slug", "meeting__slug", "source__url", "text"), key=repr
    )
    organizers = sorted(
        MeetingOrganizer.objects.values_list("meeting__slug", "organization__slug", "role")
    )
    citations = sorted(
        Participation.sources.through.objects.values_list(
            "participation__meeting__slug", "participation__person__slug", "source__url"
        ),
        key=repr,
    )
    series = list(DialogueSeries.objects.order_by("slug").values_list("slug", "convener__slug"))
    return (
        meetings, participations, people, affiliations, organizations, cities, quotes,
        organizers, citations, series,
    )  # fmt: skip


def populate_and_roll_back(meetings, seed):
    with transaction.atomic():
        populate(meetings, seed)
        data = snapshot()
        transaction.set_rollback(True)
    return data


def test_populate_same_seed_gives_identical_data():
    first = populate_and_roll_back(50, seed=3)
    second = populate_and_roll_back(50, seed=3)
    assert len(first[0]) == 50
    assert first == second


def test_populate_different_seed_gives_different_data():
    def shape(data):  # what does not mention the seed in a slug or name
        return [(m[3], m[5], m[9], m[10], m[11], m[14]) for m in data[0]]

    assert shape(populate_and_roll_back(50, seed=3)) != shape(populate_and_roll_back(50, seed=4))


def test_populate_makes_the_promised_mix():
    populate(200, seed=7)
    meetings = Meeting.objects.all()
    assert {m.track for m in meetings} >= {"1", "1.5", "2"}
    assert {m.visibility for m in meetings} == {"public", "participants_withheld", "confidential"}
    assert {m.date_precision for m in meetings if m.start_date} == {"day", "month", "year"}
    assert meetings.filter(start_date__isnull=True).exists()
    assert {len(m.parties) for m in meetings} >= {2, 3, 4}
    assert {m.status for m in meetings} == {
        "reported",
        "scheduled",
        "held",
        "cancelled",
        "postponed",
    }
    assert Participation.objects.filter(anonymised=True).exists()
    assert Participation.objects.filter(person__isnull=True).exists()
    assert Participation.objects.filter(role__in=["facilitator", "observer"]).exists()
    assert Quote.objects.exists()
    assert Affiliation.objects.exists()


def test_populate_makes_organisers_cited_participants_and_sourced_quotes():
    populate(300, seed=7)
    assert set(MeetingOrganizer.objects.values_list("role", flat=True)) == {
        "convener",
        "host",
        "funder",
    }
    assert Meeting.objects.filter(organizer_links=None).exists()
    assert DialogueSeries.objects.filter(convener=None).exists()
    assert DialogueSeries.objects.exclude(convener=None).exists()
    cited = Participation.sources.through.objects.select_related("participation")
    assert cited.exists()
    for link in cited:  # a participant is cited by a source of their own meeting
        assert link.participation.meeting.sources.filter(pk=link.source_id).exists()
    unattached = Quote.objects.filter(meeting=None)
    assert unattached.exists()
    assert not unattached.filter(source=None).exists()
    assert Quote.objects.filter(meeting=None, source__meetings__visibility="public").exists()


def test_populate_participants_per_meeting_stay_between_2_and_20():
    populate(200, seed=7)
    sizes = [m.participations.count() for m in Meeting.objects.all()]
    assert min(sizes) >= 2
    assert max(sizes) <= 20


def test_populate_stored_track_equals_the_rule_for_every_meeting():
    populate(200, seed=11)
    for meeting in Meeting.objects.prefetch_related("participations"):
        rows = [(p.side, p.capacity, p.role) for p in meeting.participations.all()]
        expected = compute_track(meeting.parties, rows, meeting.track_override)
        assert (meeting.track, meeting.side_tracks) == (expected.track, expected.sides), (
            meeting.slug
        )


def test_populate_leaves_the_public_counts_right():
    """Bulk inserts send no signals; the count table's triggers see them all the same."""
    populate(120, seed=8)
    assert table_counts() == live_counts()
    assert sum(table_counts().values()) == Meeting.objects.public().count() > 0


def test_populate_dates_fit_their_precision():
    populate(200, seed=7)
    for meeting in Meeting.objects.all():
        assert dates.fits_precision(meeting.start_date, meeting.date_precision), meeting.slug
        assert meeting.end_date is None or meeting.end_date >= meeting.start_date


def test_populate_sizes_follow_the_number_of_meetings():
    counts = populate(500, seed=1)
    assert counts["meetings"] == Meeting.objects.count() == 500
    assert Person.objects.count() == 100
    assert Organization.objects.count() == 10
    assert City.objects.count() == 25
    assert Topic.objects.count() == 30


def test_populate_runs_with_other_seeds_add_without_collisions():
    populate(30, seed=1)
    populate(30, seed=2)
    assert Meeting.objects.count() == 60
    assert Meeting.objects.filter(slug__startswith="syn2-").count() == 30
    assert Topic.objects.count() == 30  # shared vocabulary, reused


def test_populate_refuses_a_seed_already_in_the_database():
    populate(10, seed=5)
    with pytest.raises(AlreadyPopulated, match="seed 5"):
        populate(10, seed=5)
    assert Meeting.objects.count() == 10


def test_populate_command_reports_what_it_added(capsys):
    call_command("populate", meetings=20, seed=9, no_progress=True)
    assert "20 meetings" in capsys.readouterr().out
    assert Meeting.objects.filter(slug__startswith="syn9-").count() == 20


def test_populate_command_refuses_a_repeated_seed_clearly():
    call_command("populate", meetings=5, seed=9, no_progress=True)
    with pytest.raises(CommandError, match="already in this database"):
        call_command("populate", meetings=5, seed=9, no_progress=True)


@pytest.mark.parametrize(("option", "value"), [("meetings", 0), ("seed", -1)])
def test_populate_command_rejects_bad_numbers(option, value):
    arguments = {"meetings": 5, "seed": 1, option: value}
    with pytest.raises(CommandError, match=option):
        call_command("populate", no_progress=True, **arguments)


def test_populate_topics_get_plain_slugs_unless_taken():
    Topic.objects.create(name="Maritime matters", slug="maritime-security")
    populate(5, seed=1)
    slugs = dict(Topic.objects.values_list("name", "slug"))
    assert (slugs["Denuclearisation"], slugs["Maritime security"]) == (
        "denuclearisation",
        "syn1-maritime-security",
    )


def stored_words():
    """(meeting id, words) of every meeting with words, as the database holds them."""
    if connection.vendor == "postgresql":
        sql = "SELECT id, search_document::text FROM meetings_meeting "
        sql += "WHERE search_document IS NOT NULL"
    else:
        sql = "SELECT rowid, document FROM meetings_search"
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY 1")
        return cursor.fetchall()


def test_populate_writes_the_words_the_write_side_would():
    populate(150, seed=12)
    written = stored_words()
    assert len(written) == Meeting.objects.public().count()
    search_index.rebuild()  # every meeting's words again, read back from its rows
    assert stored_words() == written


def test_populate_with_indexes_set_aside_writes_the_same(monkeypatch):
    plain = populate_and_roll_back(60, seed=3)
    monkeypatch.setattr(run, "SET_ASIDE_FROM", 1)
    assert populate_and_roll_back(60, seed=3) == plain


def test_a_large_run_counts_right_and_leaves_the_count_triggers_on(monkeypatch):
    monkeypatch.setattr(run, "SET_ASIDE_FROM", 1)  # as a run of a million would
    populate(120, seed=8)
    assert table_counts() == live_counts()
    Meeting.objects.create(title="Counted after", slug="counted-after", visibility="public")
    assert table_counts() == live_counts()
    assert sum(table_counts().values()) == Meeting.objects.public().count()


def schema():
    """Every index and constraint of the tables a run fills."""
    with connection.cursor() as cursor:
        return {
            model._meta.db_table: connection.introspection.get_constraints(
                cursor, model._meta.db_table
            )
            for model in run.FILLED
        }


def test_indexes_set_aside_come_back_after_the_block_and_after_a_failure():
    before = schema()
    with transaction.atomic(), indexes_set_aside(run.FILLED):
        during = schema()
    assert schema() == before
    with pytest.raises(ZeroDivisionError), transaction.atomic(), indexes_set_aside(run.FILLED):
        Meeting.objects.create(title="Left halfway", slug="left-halfway")
        1 / 0  # noqa: B018
    assert schema() == before
    assert not Meeting.objects.filter(slug="left-halfway").exists()
    kept = {
        name for name, c in before["meetings_meeting"].items() if c["primary_key"] or c["unique"]
    }
    assert kept <= set(during["meetings_meeting"])  # keys and unique constraints stay
    if connection.vendor == "postgresql":  # elsewhere nothing is set aside
        assert "meeting_listing_order_idx" not in during["meetings_meeting"]


def test_populate_command_shows_progress_off_a_terminal_and_nothing_at_verbosity_0():
    out, err = StringIO(), StringIO()
    call_command("populate", meetings=2000, seed=4, stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "meetings 1,000/2,000",
        "meetings 2,000/2,000",
    ]
    assert "/s, " in lines[-1]
    assert "2000 meetings" in out.getvalue()
    out, err = StringIO(), StringIO()
    call_command("populate", meetings=5, seed=5, verbosity=0, stdout=out, stderr=err)
    assert (out.getvalue(), err.getvalue()) == ("", "")
