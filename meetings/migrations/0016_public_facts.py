"""The fact table (meetings/public_facts.py), filled from every public meeting by a
frozen copy of the rules it was written with: parties, pairs of parties, organisers in
any role or as the series' convener (each once), series."""

from itertools import combinations

import django.db.models.deletion
from django.db import migrations, models

PUBLIC = ("public", "participants_withheld")
BATCH = 1000


def _facts(meeting, organizers):
    parties = meeting["parties"] or []
    parties = parties.split(",") if isinstance(parties, str) else parties
    codes = sorted({str(code).strip() for code in parties if str(code).strip()})
    facts = [("party", code) for code in codes]
    facts += [("pair", f"{a} {b}") for a, b in combinations(codes, 2)]
    facts += [("org", str(pk)) for pk in sorted(organizers)]
    if meeting["series_id"] is not None:
        facts.append(("series", str(meeting["series_id"])))
    return facts


def fill(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Organizer = apps.get_model("meetings", "MeetingOrganizer")
    Fact = apps.get_model("meetings", "PublicFact")
    using = schema_editor.connection.alias
    public = Meeting.objects.using(using).filter(visibility__in=PUBLIC).order_by("pk")
    ids = list(public.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        fields = ("pk", "parties", "city_id", "start_date", "track", "series_id")
        rows = public.filter(pk__in=batch).values(*fields, "series__convener_id")
        links = Organizer.objects.using(using).filter(meeting_id__in=batch)
        organizers = {}
        for meeting_id, organization_id in links.values_list("meeting_id", "organization_id"):
            organizers.setdefault(meeting_id, set()).add(organization_id)
        facts = []
        for row in rows:
            chosen = organizers.get(row["pk"], set()) | {row["series__convener_id"]} - {None}
            date = row["start_date"]
            where = {"city_id": row["city_id"] or 0, "year": date.year if date else 0}
            where |= {"track": row["track"] or "", "start_date": date}
            facts += [
                Fact(meeting_id=row["pk"], kind=kind, key=key, **where)
                for kind, key in _facts(row, chosen)
            ]
        Fact.objects.using(using).bulk_create(facts, batch_size=2000)
    schema_editor.execute(
        "INSERT INTO meetings_publicfacttotal (kind, key, meetings, first_date, last_date) "
        "SELECT kind, key, COUNT(*), "
        "CASE WHEN kind = 'series' THEN MIN(start_date) END, "
        "CASE WHEN kind = 'series' THEN MAX(start_date) END "
        "FROM meetings_publicfact GROUP BY kind, key"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0015_search_table'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicFactTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('party', 'party'), ('pair', 'pair of parties'), ('org', 'organiser'), ('series', 'series')], max_length=6)),
                ('key', models.CharField(max_length=16)),
                ('meetings', models.IntegerField()),
                ('first_date', models.DateField(null=True)),
                ('last_date', models.DateField(null=True)),
            ],
            options={
                'default_permissions': (),
                'constraints': [models.UniqueConstraint(fields=('kind', 'key'), name='meetings_publicfacttotal_key')],
            },
        ),
        migrations.CreateModel(
            name='PublicFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('party', 'party'), ('pair', 'pair of parties'), ('org', 'organiser'), ('series', 'series')], max_length=6)),
                ('key', models.CharField(max_length=16)),
                ('year', models.PositiveSmallIntegerField()),
                ('track', models.CharField(blank=True, max_length=3)),
                ('start_date', models.DateField(null=True)),
                ('city', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.city')),
                ('meeting', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.meeting')),
            ],
            options={
                'default_permissions': (),
                'indexes': [models.Index(fields=['kind', 'key', 'start_date', 'meeting'], name='public_fact_key_idx'), models.Index(fields=['kind', 'city', 'key'], name='public_fact_city_idx'), models.Index(fields=['kind', 'year', 'key'], name='public_fact_year_idx')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
