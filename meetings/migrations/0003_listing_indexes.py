"""Indexes in the listing's order (newest first, undated last), so a page of 25
meetings is read in order from an index instead of sorting every match.

- PostgreSQL cannot read a plain ascending index on start_date backwards for
  "start_date DESC NULLS LAST", so it gets an index in exactly that order.
  SQLite needs none for this: it reads meeting_start_date_idx backwards,
  which already puts undated meetings last and breaks ties by id.
- Both get one for the city filter (?city=), the listing's busiest facet:
  city first, then the listing order.

Raw SQL rather than model indexes because SQLite cannot create an index with
NULLS LAST; the names must not be reused for model indexes.
"""

from django.db import migrations

INDEXES = {
    "postgresql": {
        "meeting_listing_order_idx": "(start_date DESC NULLS LAST, id DESC)",
        "meeting_city_date_idx": "(city_id, start_date DESC NULLS LAST, id DESC)",
    },
    "sqlite": {
        "meeting_city_date_idx": "(city_id, start_date DESC, id DESC)",
    },
}


def create(apps, schema_editor):
    for name, columns in INDEXES.get(schema_editor.connection.vendor, {}).items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON meetings_meeting {columns}")


def drop(apps, schema_editor):
    for name in INDEXES.get(schema_editor.connection.vendor, {}):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_history")]

    operations = [migrations.RunPython(create, drop)]
