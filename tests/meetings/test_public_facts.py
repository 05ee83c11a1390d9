"""meetings/public_facts.py: the fact table and its totals follow every way of writing,
checked after each write against facts computed here from the ORM, independently."""

import datetime
import importlib
from collections import Counter
from itertools import combinations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from meetings.derived import after_bulk_write, batched_writes
from meetings.fact_check import fact_differences
from meetings.models import (
    PUBLIC_VISIBILITIES,
    DialogueSeries,
    Meeting,
    MeetingOrganizer,
    PublicFact,
    PublicFactTotal,
    Visibility,
)
from meetings.populate import run as populate_run
from meetings.public_facts import meeting_facts
from tests.factories import (
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_series,
)

pytestmark = pytest.mark.django_db


def expected():
    """Every fact row of every public meeting, from the meetings, their organiser links and
    their series: (meeting, kind, key, city, year, track, date, parties)."""
    rows = set()
    for meeting in Meeting.objects.filter(visibility__in=PUBLIC_VISIBILITIES).select_related(
        "series"
    ):
        codes = sorted(str(code) for code in meeting.parties)
        keys = [("party", code) for code in codes]
        keys += [("pair", f"{a} {b}") for a, b in combinations(codes, 2)]
        organizers = set(meeting.organizer_links.values_list("organization_id", flat=True))
        if meeting.series and meeting.series.convener_id:
            organizers.add(meeting.series.convener_id)
        keys += [("org", str(pk)) for pk in organizers]
        if meeting.series_id:
            keys.append(("series", str(meeting.series_id)))
        date = meeting.start_date
        where = (meeting.city_id or 0, date.year if date else 0, meeting.track, date)
        where += (",".join(codes),)
        rows |= {(meeting.pk, kind, key, *where) for kind, key in keys}
    return rows


def stored():
    fields = ("meeting_id", "kind", "key", "city_id", "year", "track", "start_date", "parties")
    rows = list(PublicFact.objects.values_list(*fields))
    assert len(rows) == len(set(rows)), "a fact stored twice"
    return set(rows)


def assert_kept():
    assert stored() == expected()
    counted = Counter((kind, key) for _, kind, key, *_ in stored())
    totals = PublicFactTotal.objects.filter(meetings__gt=0).values_list("kind", "key", "meetings")
    assert {(kind, key): n for kind, key, n in totals} == dict(counted)
    assert not PublicFactTotal.objects.filter(meetings__lt=0).exists()
    dates = {}
    for _, kind, key, *_rest, date, _parties in stored():
        if kind == "series" and date is not None:
            dates.setdefault(key, []).append(date)
    rounds = PublicFactTotal.objects.filter(kind="series", meetings__gt=0)
    assert {
        key: (first, last)
        for key, first, last in rounds.values_list("key", "first_date", "last_date")
    } == {
        key: (min(dates[key]), max(dates[key])) if key in dates else (None, None)
        for key in dict(rounds.values_list("key", "meetings"))
    }
    assert not PublicFactTotal.objects.exclude(kind="series").exclude(first_date=None).exists()


@pytest.fixture
def record():
    institute, fund = make_organization(), make_organization()
    series = make_series(convener=institute)
    first = make_meeting(
        parties=["KP", "US", "CN"],
        series=series,
        city=make_city(),
        start_date=datetime.date(2015, 3, 1),
    )
    second = make_meeting(parties=["KP", "US"], series=series)
    make_organizer(first, institute, role="host")  # and convener through the series: once
    make_organizer(first, fund, role="funder")
    make_meeting(parties=["JP", "KR"], visibility=Visibility.CONFIDENTIAL, series=series)
    assert_kept()
    return first, second, institute, fund, series


def test_a_meeting_counts_its_parties_pairs_organisers_and_series(record):
    first, *_ = record
    kinds = Counter(PublicFact.objects.filter(meeting=first).values_list("kind", flat=True))
    assert kinds == {"party": 3, "pair": 3, "org": 2, "series": 1}
    assert not PublicFact.objects.filter(key__in=["JP", "KR", "JP KR"]).exists()


def test_saves_and_deletes_of_meetings_are_followed(record):
    first, second, *_ = record
    first.parties = ["KP", "RU"]
    first.start_date = datetime.date(2019, 1, 1)
    first.save()
    assert_kept()
    second.start_date = datetime.date(1999, 5, 1)  # its series' first round now
    second.save()
    assert_kept()
    second.visibility = Visibility.CONFIDENTIAL
    second.save()
    assert_kept()
    first.delete()
    assert_kept()


def test_organiser_links_are_followed_however_written(record):
    first, second, _institute, fund, _ = record
    MeetingOrganizer.objects.get(meeting=first, organization=fund).delete()
    assert_kept()
    second.organizers.add(fund, through_defaults={"role": "host"})
    assert_kept()
    link = MeetingOrganizer.objects.get(meeting=second, organization=fund)
    link.organization = make_organization()
    link.save()
    assert_kept()
    link.organization.organized.all().delete()
    assert_kept()
    second.organizers.add(fund, through_defaults={"role": "host"})
    assert_kept()
    fund.organized_meetings.remove(second)  # from the organisation's side
    assert_kept()
    fund.organized_meetings.add(first, second, through_defaults={"role": "host"})
    assert_kept()
    fund.organized_meetings.clear()
    assert_kept()
    first.organizers.clear()
    assert_kept()


def test_a_series_convener_changed_or_gone_is_followed(record):
    *_, _institute, fund, series = record
    series.convener = fund
    series.save()
    assert_kept()
    series.convener = None
    series.save()
    assert_kept()
    convener = make_organization()
    DialogueSeries.objects.filter(pk=series.pk).update(convener=convener)
    after_bulk_write(series.meetings.values_list("pk", flat=True))
    assert_kept()
    convener.delete()  # the series' convener set to NULL without a signal
    assert_kept()
    series.delete()  # the rounds' series set to NULL without a signal
    assert_kept()


def test_participations_and_bulk_writes_are_followed(record):
    first, second, *_ = record
    with batched_writes():
        make_participation(first, side="KP", capacity="official")
        make_participation(first, side="US", capacity="official")
    assert_kept()  # the track moved with the participants
    Meeting.objects.filter(pk=second.pk).update(parties="JP,KP", visibility=Visibility.PUBLIC)
    after_bulk_write([second.pk])
    assert_kept()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM meetings_meeting WHERE id = %s", [second.pk])
    after_bulk_write([second.pk])
    assert_kept()


def test_recount_rebuilds_the_facts_and_totals(record):
    PublicFact.objects.all().delete()
    PublicFactTotal.objects.update(meetings=7)
    call_command("recount_public_meetings", verbosity=0)
    assert_kept()


def test_recount_check_lists_wrong_facts_and_totals_and_writes_nothing(record, capsys):
    call_command("recount_public_meetings", check=True)
    assert "Every public meeting count and fact is right." in capsys.readouterr().out
    first, _second, hidden = Meeting.objects.order_by("pk")
    PublicFact.objects.filter(meeting=first, kind="party", key="CN").update(key="JP")
    PublicFact.objects.create(
        meeting=hidden, kind="party", key="KR", city_id=0, year=0, track="", start_date=None
    )
    PublicFactTotal.objects.filter(kind="series").update(first_date=datetime.date(1990, 1, 1))
    facts = stored()
    with pytest.raises(CommandError, match="0 counts and 7 facts are wrong"):
        call_command("recount_public_meetings", check=True)
    out = capsys.readouterr().out
    assert f"missing: meeting_id {first.pk}, kind party, key CN, city_id {first.city_id}" in out
    assert f"not the meeting's: meeting_id {first.pk}, kind party, key JP" in out
    assert f"not the meeting's: meeting_id {hidden.pk}, kind party, key KR" in out
    assert "total series " in out and "datetime.date(1990, 1, 1)" in out
    assert "total party JP: None stored, (1, None, None) counted" in out  # by the facts
    assert "total party CN: (1, None, None) stored, None counted" in out
    assert "total party KR: None stored, (1, None, None) counted" in out
    assert stored() == facts  # nothing written


def test_recount_check_finds_a_fact_stored_twice_and_a_total_below_zero(record, capsys):
    first = Meeting.objects.order_by("pk").first()
    twice = PublicFact.objects.get(meeting=first, kind="party", key="CN")
    twice.pk = None
    twice.save()
    PublicFactTotal.objects.filter(kind="party", key="CN").update(meetings=2)  # as counted
    PublicFactTotal.objects.create(kind="party", key="FR", meetings=-1)
    with pytest.raises(CommandError, match="0 counts and 2 facts are wrong"):
        call_command("recount_public_meetings", check=True)
    out = capsys.readouterr().out
    assert f"not the meeting's: meeting_id {first.pk}, kind party, key CN" in out
    assert "total party FR: (-1, None, None) stored, None counted" in out


SECRETS = ("Secretville", "Secret Institute", "Secret Series")


def test_stale_facts_never_name_a_city_series_or_organiser_without_a_public_meeting(client):
    """Facts follow the write side, not triggers: a write that skips it (an update()
    without after_bulk_write) leaves them stale until a recount. The pages' names still
    come through the gates."""
    hidden = make_city(name="Secretville", slug="secretville")
    organiser = make_organization(name="Secret Institute")
    series = make_series(name="Secret Series", convener=make_organization())
    secret = make_meeting(parties=["KP", "US"], city=hidden, series=series)
    make_organizer(secret, organiser)
    make_meeting(parties=["KP", "US"], city=make_city())
    Meeting.objects.filter(pk=secret.pk).update(visibility=Visibility.CONFIDENTIAL)
    urls = [
        "/meetings/?party=KP",
        "/meetings/?party=KP&party=US",
        "/overview/",
        "/overview/?party=KP",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert [name for name in SECRETS if name in html] == [], url
    html = client.get("/overview/?party=KP").content.decode()
    assert [name for name in SECRETS if name in html] == []


def test_populated_data_keeps_its_facts():
    call_command("populate", meetings=300, seed=5, verbosity=0)
    assert_kept()


def test_a_large_populate_run_writes_the_facts_too(monkeypatch):
    """Its rows are inserted in bulk with indexes set aside (on PostgreSQL), the facts
    computed as the meetings are drawn; the totals are counted at its end."""
    monkeypatch.setattr(populate_run, "SET_ASIDE_FROM", 1)
    call_command("populate", meetings=120, seed=8, verbosity=0)
    assert_kept()
    populate_run.populate(50, seed=9)  # and a second run adds to them
    assert_kept()


def test_the_migration_fills_by_the_rules_it_was_written_with():
    migration = importlib.import_module("meetings.migrations.0016_public_facts")
    for parties, organizers, series in [
        ("KP,US,CN", {3, 1}, 7),
        (["US"], set(), None),
        ("", {2}, None),
    ]:
        row = {"parties": parties, "series_id": series}
        live = [(str(kind), key) for kind, key in meeting_facts(parties, organizers, series)]
        assert migration._facts(row, organizers) == live


class StatementRunner:
    """What a RunPython function uses of its schema editor (SQLite's cannot be opened
    inside a test's transaction)."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.mark.parametrize("stored", ["KP,US", "US,KP", "KP,US,KP", "KP, US", "KP,US,"])
def test_migration_0021_fills_the_parties_as_the_write_side_writes_them(stored):
    """Migration 0021 gives the facts already there their meeting's parties in the form
    public_facts.fact_rows writes (sorted codes, each once), whatever form a raw write
    left in the meeting's row: afterwards ``recount --check`` finds nothing wrong."""
    meeting = make_meeting(parties=["KP", "US"])
    make_meeting(parties=["CN"])
    with connection.cursor() as cursor:  # a raw write, which the write side is told of
        cursor.execute(
            "UPDATE meetings_meeting SET parties = %s WHERE id = %s", [stored, meeting.pk]
        )
    after_bulk_write([meeting.pk])
    PublicFact.objects.update(parties="")  # the column as the migration adds it
    migration = importlib.import_module("meetings.migrations.0021_public_fact_parties")
    migration.fill_parties(None, StatementRunner())
    assert set(PublicFact.objects.filter(meeting=meeting).values_list("parties", flat=True)) == {
        "KP,US"
    }
    assert fact_differences() == []
