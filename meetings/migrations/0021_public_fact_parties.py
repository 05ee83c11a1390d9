"""Each fact carries its meeting's parties ("KP,US"), in the key index, so that the party
facet of the meetings one fact selects is grouped from that index alone."""

from django.db import migrations, models

# The parties as the meeting stores them: sorted codes joined by commas, as
# public_facts.fact_rows writes them (``recount_public_meetings --check`` compares).
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


def fill_parties(apps, schema_editor):
    schema_editor.execute(FILL[schema_editor.connection.vendor])


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
    ]
