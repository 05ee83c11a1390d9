"""MissedCacheBump now belongs to backchannel (its migration 0001): removed from meetings'
state only; the table and its rows stay, under backchannel's model."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0011_honest_dates_cited_participants_review'),
        ('backchannel', '0001_missed_cache_bump'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='MissedCacheBump')],
            database_operations=[],
        ),
    ]
