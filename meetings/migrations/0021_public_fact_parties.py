"""Each fact carries its meeting's parties ("KP,US"), in the key index, so that the party
facet of the meetings one fact selects is grouped from that index alone."""

from django.db import migrations, models

# First each fact takes its meeting's parties as stored: the form the ORM writes, sorted
# codes joined by commas, which public_facts.fact_rows writes too.
FILL = {
    "postgresql": (
        "UPDATE meetings_publicfact AS f SET parties = m.parties "
        "FROM meetings_meeting AS m WHERE m.id = f.meeting_id"
    ),
    "sqlite": (
        "UPDATE meetings_publicfact SET parties = COALESCE((SELECT m.parties "
        "FROM meetings_meeting AS m WHERE m.id = meetings_publicfact.meeting_id), '')"
    ),
}
# Then the facts of meetings whose stored list is in another form (written by raw SQL:
# "US,KP", "KP, US", "KP,US,"), one UPDATE per such form, as fact_rows would write them.
MEND = (
    "UPDATE meetings_publicfact SET parties = %s WHERE meeting_id IN "
    "(SELECT id FROM meetings_meeting WHERE parties = %s)"
)


def written(stored):
    """A stored list of parties as public_facts.fact_rows writes it (a frozen copy of
    ``",".join(party_codes(stored))``): sorted codes, each once, joined by commas."""
    return ",".join(sorted({code.strip() for code in (stored or "").split(",") if code.strip()}))


def fill_parties(apps, schema_editor):
    schema_editor.execute(FILL[schema_editor.connection.vendor])
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT parties FROM meetings_meeting")
        stored_forms = [stored for (stored,) in cursor.fetchall()]
    for stored in stored_forms:
        if written(stored) != (stored or ""):
            schema_editor.execute(MEND, [written(stored), stored])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0020_public_count_covering_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="publicfact",
            name="public_fact_key_idx",
        ),
        migrations.AddField(
            model_name="publicfact",
            name="parties",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill_parties, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="publicfact",
            index=models.Index(
                fields=[
                    *("kind", "key", "start_date", "meeting", "city", "year", "track"),
                    "parties",
                ],
                name="public_fact_key_idx",
            ),
        ),
        # SQLite rebuilt the table to add the column and forgot its statistics; without
        # them it walked every fact of a kind to find a few meetings' (57 ms, not 5).
        migrations.RunSQL("ANALYZE meetings_publicfact", migrations.RunSQL.noop, elidable=True),
    ]
