"""The count table and its triggers (meetings/count_triggers.py, migration 0007): installed,
running the SQL the module writes, frozen in the latest migration, and counting only
public meetings whatever the write."""

import datetime
import importlib
import pkgutil

import pytest
from django.core.management import call_command
from django.db import connection

from meetings import count_triggers, migrations
from meetings.count_triggers import (
    POSTGRESQL_TRUNCATE_TRIGGER,
    TRIGGERS,
    postgresql_statements,
    sql_list,
    sqlite_statements,
)
from meetings.models import (
    PUBLIC_VISIBILITIES,
    Meeting,
    PublicMeetingCount,
    Visibility,
)
from tests.factories import make_city, make_meeting
from tests.public_counts import live_counts, make_listing_record, table_counts

pytestmark = pytest.mark.django_db

VENDORS = ["postgresql", "sqlite"]


def frozen_statements(vendor):
    """(migration, its statements) of the latest migration that froze trigger SQL for
    ``vendor``: every string of its module-level lists named for the vendor."""
    latest = None
    for info in sorted(pkgutil.iter_modules(migrations.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"meetings.migrations.{info.name}")
        statements = [
            statement
            for name, value in vars(module).items()
            if name.startswith(vendor.upper()) and isinstance(value, list)
            for statement in value
            if "meetings_public" in statement
        ]
        if any("CREATE TRIGGER" in statement for statement in statements):
            latest = (info.name, statements)
    return latest


def creates(statements):
    return [s for s in statements if s.lstrip().startswith("CREATE")]


def recounts(statements):
    return [s for s in statements if s.startswith(("DELETE FROM", "INSERT INTO"))]


@pytest.mark.parametrize("vendor", VENDORS)
def test_latest_frozen_trigger_sql_is_what_count_triggers_writes(vendor):
    """A change to count_triggers (or to the public visibilities) needs a migration that
    freezes the new SQL; until then this fails."""
    name, frozen = frozen_statements(vendor)
    live = count_triggers.install_statements(vendor, PUBLIC_VISIBILITIES)
    assert (name, creates(frozen)) == (name, creates(live))
    assert (name, recounts(frozen)) == (name, recounts(live))


def test_no_migration_imports_live_code_for_its_sql():
    found = [
        info.name
        for info in pkgutil.iter_modules(migrations.__path__)
        if "count_triggers" in vars(importlib.import_module(f"meetings.migrations.{info.name}"))
    ]
    assert found == []


def trigger_names():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def test_public_counts_triggers_are_installed():
    """A migration that rebuilds the meetings table on SQLite drops them: it must reinstall."""
    expected = set(TRIGGERS)
    if connection.vendor == "postgresql":
        expected.add(POSTGRESQL_TRUNCATE_TRIGGER)
    assert expected <= trigger_names()


def installed_trigger_code():
    """What the database runs: SQLite's trigger statements, or PostgreSQL's function bodies."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT prosrc FROM pg_proc WHERE proname LIKE 'meetings_public_count%%' "
                "ORDER BY proname"
            )
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


def written_trigger_code():
    public = sql_list(PUBLIC_VISIBILITIES)
    if connection.vendor == "postgresql":
        return [statement.split("$$")[1] for statement in postgresql_statements(public)[:2]]
    return sorted(sqlite_statements(public), key=lambda sql: sql.split()[2])


def test_public_counts_triggers_run_the_code_count_triggers_writes():
    """Migrations that reinstall the triggers from frozen SQL (0009 on SQLite) must leave
    exactly what count_triggers writes; a change there needs a migration of its own."""
    assert installed_trigger_code() == written_trigger_code()


def test_public_counts_never_count_a_confidential_meeting():
    city = make_city()
    meeting = make_meeting(city=city, visibility=Visibility.CONFIDENTIAL)
    assert table_counts() == {}
    meeting.visibility = Visibility.PARTICIPANTS_WITHHELD
    meeting.save()
    assert table_counts() == {(city.pk, 0, ""): 1}
    Meeting.objects.filter(pk=meeting.pk).update(visibility=Visibility.CONFIDENTIAL)
    assert table_counts() == {}


def test_public_counts_after_deleting_every_meeting_are_zero():
    for visibility in Visibility.values:
        make_meeting(visibility=visibility, start_date=datetime.date(2017, 1, 1))
    Meeting.objects.all().delete()
    assert table_counts() == {}
    assert not PublicMeetingCount.objects.exclude(meetings=0).exists()


@pytest.mark.django_db(transaction=True)
def test_public_counts_are_emptied_by_flush():
    """flush truncates (PostgreSQL) or deletes (SQLite) the meetings: no count outlives them."""
    make_listing_record()
    assert table_counts()
    call_command("flush", interactive=False, verbosity=0)
    assert not PublicMeetingCount.objects.exclude(meetings=0).exists()
    make_meeting(start_date=datetime.date(2020, 1, 1))
    assert table_counts() == live_counts()
