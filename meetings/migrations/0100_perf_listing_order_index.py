"""An index in the listing's order (newest first, undated last) on PostgreSQL.

PostgreSQL cannot read a plain ascending index on start_date backwards for
"start_date DESC NULLS LAST", so without this it sorts every public meeting
to show a page of them. SQLite needs nothing: it reads meeting_start_date_idx
backwards, which already puts undated meetings last and breaks ties by id.
Not a model index because SQLite cannot create an index with NULLS LAST.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS meeting_listing_order_idx "
    "ON meetings_meeting (start_date DESC NULLS LAST, id DESC)"
)
DROP = "DROP INDEX IF EXISTS meeting_listing_order_idx"


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP))]
