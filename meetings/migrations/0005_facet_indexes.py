"""Indexes that cover the listing's facet queries over the public meetings.

- (visibility, city_id): the city facet groups public meetings by city id in
  index order, without reading the table.
- (visibility, start_date, track): the total, year and track facets come from one
  GROUP BY that reads only this index.

Raw SQL as in 0003, so the two databases keep the same names.
"""

from django.db import migrations

INDEXES = {
    "meeting_visibility_city_idx": "(visibility, city_id)",
    "meeting_visibility_date_track_idx": "(visibility, start_date, track)",
}


def create(apps, schema_editor):
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON meetings_meeting {columns}")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
