"""The count table's SQL: what the latest migration froze is what count_triggers writes."""

import importlib
import pkgutil

import pytest

from meetings import count_triggers, migrations
from meetings.models import PUBLIC_VISIBILITIES

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
