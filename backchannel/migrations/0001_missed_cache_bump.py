"""MissedCacheBump moves from meetings to backchannel, the cache's own app: a change of
Django's state only. The table keeps its name (meetings_missedcachebump) and its rows;
meetings 0012 removes the model from meetings' state."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('meetings', '0010_missed_cache_bump'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MissedCacheBump',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('missed_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'meetings_missedcachebump',
                        'ordering': ['pk'],
                        'default_permissions': (),
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
