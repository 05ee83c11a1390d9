"""GIN indexes for the listing's full-text search on PostgreSQL (meetings/search.py).

Expression indexes over the same expressions the search uses, so nothing has to
be kept in sync by saves or signals. SQLite has no such index; it searches with
LIKE. Raw SQL, as in 0003, because the index exists on one database only.
"""

from django.db import migrations

# As in meetings/search.py when this migration was written (a test checks they still agree).
MEETING_DOCUMENT = (
    "to_tsvector('simple'::regconfig, title || ' ' || summary || ' ' || venue || ' ' || occasion)"
)
PERSON_DOCUMENT = "to_tsvector('simple'::regconfig, full_name || ' ' || other_names)"
INDEXES = {
    "meeting_search_idx": ("meetings_meeting", MEETING_DOCUMENT),
    "person_search_idx": ("people_person", PERSON_DOCUMENT),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_listing_indexes"), ("people", "0002_history")]

    operations = [migrations.RunPython(create, drop)]
