
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0012_missed_cache_bump_moved'),
        ('people', '0003_dates_in_range'),
    ]

    operations = [
        migrations.CreateModel(
            name='MeetingOrganizer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('convener', 'convener'), ('host', 'host'), ('funder', 'funder')], default='convener', max_length=8)),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='organizer_links', to='meetings.meeting')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='organized', to='people.organization')),
            ],
            options={
                'verbose_name': 'organiser',
                'ordering': ['meeting', 'role', 'organization__name'],
            },
        ),
        # Only the model state changes: the link table is MeetingOrganizer's, created above.
        # (On SQLite a database AddField of a many-to-many with a through model would
        # rebuild meetings_meeting and drop its count triggers.)
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='meeting',
                    name='organizers',
                    field=models.ManyToManyField(blank=True, help_text='Who convened, hosted or funded the meeting.', related_name='organized_meetings', through='meetings.MeetingOrganizer', to='people.organization'),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name='meetingorganizer',
            index=models.Index(fields=['organization', 'meeting'], name='organizer_org_idx'),
        ),
        migrations.AddConstraint(
            model_name='meetingorganizer',
            constraint=models.UniqueConstraint(fields=('meeting', 'organization', 'role'), name='meetings_meetingorganizer_once_per_role', violation_error_message='This organisation already has this role here.'),
        ),
        migrations.AddConstraint(
            model_name='meetingorganizer',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['convener', 'host', 'funder'])), name='meetings_meetingorganizer_role_valid'),
        ),
    ]
