"""`backup` then `restore` into an empty database gives back every row, field by field."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from backchannel.backup import backed_up_models
from meetings.models import DialogueSeries, Meeting, Visibility
from people.models import Affiliation
from tests.factories import (
    make_berlin_meeting,
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_person,
    make_quote,
    make_source,
    make_topic,
)
from tests.public_counts import live_counts, table_counts

pytestmark = pytest.mark.django_db(transaction=True)


def make_record():
    """One row or more in every model a backup holds."""
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="change_meeting"))
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(editors)
    editor.user_permissions.add(Permission.objects.get(codename="view_person"))

    convener = make_organization(kind="think_tank")
    series = DialogueSeries.objects.create(name="Berlin dialogue", slug="berlin", convener=convener)
    meeting = make_berlin_meeting(
        series=series,
        city=make_city(name="Berlin"),
        start_date=datetime.date(2017, 10, 1),
        date_precision="month",
        internal_notes="Staff only.",
    )
    source = make_source(url="https://example.org/report", published_on=datetime.date(2017, 11, 2))
    meeting.topics.add(make_topic())
    meeting.sources.add(source)
    make_organizer(meeting, convener, role="host")
    person = make_person(other_names="Choe Son Hui\nCh'oe Sŏn-hŭi")
    Affiliation.objects.create(person=person, organization=convener, role="Fellow")
    cited = make_participation(meeting, person=person, capacity="former_official", anonymised=True)
    cited.sources.add(source)
    make_participation(meeting, person=None, side="", role="facilitator", capacity="other")
    make_quote(person, meeting=meeting, source=source, text="We talked.")
    make_meeting(visibility=Visibility.CONFIDENTIAL)
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Meeting),
        object_id=str(meeting.pk),
        object_repr=str(meeting),
        action_flag=ADDITION,
        change_message="Added.",
    )


def identity(obj):
    """How a row is known across databases: its natural key where it has one."""
    return obj.natural_key() if hasattr(obj, "natural_key") else obj.pk


def row(obj):
    meta = obj._meta
    values = {}
    for field in meta.concrete_fields:
        # Natural-key rows and many-to-many links get new ids on restore.
        if field.primary_key and (hasattr(obj, "natural_key") or meta.auto_created):
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            values[field.name] = None if related is None else identity(related)
        else:
            values[field.name] = field.value_to_string(obj)
    return values


def snapshot():
    ContentType.objects.clear_cache()  # flush gives content types new ids
    return {
        model._meta.label: sorted((row(obj) for obj in model._base_manager.all()), key=repr)
        for model in backed_up_models()
    }


@pytest.mark.parametrize("suffix", [".xml", ".xml.gz"])
def test_backup_and_restore_give_back_every_row(tmp_path, suffix):
    make_record()
    before = snapshot()
    backup = str(tmp_path / f"backchannel{suffix}")

    call_command("backup", backup, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert {label: rows for label, rows in snapshot().items() if rows} == {}
    call_command("restore", backup, verbosity=0)

    assert snapshot() == before
    assert table_counts() == live_counts() != {}  # recounted as the meetings came back


def test_test_record_covers_every_backed_up_model():
    """So the round trip above checks every table, including ones added later."""
    make_record()

    assert [label for label, rows in snapshot().items() if not rows] == []


def test_restored_database_takes_new_records(tmp_path):
    make_record()
    backup = str(tmp_path / "backchannel.xml")
    call_command("backup", backup, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", backup, verbosity=0)

    new = make_meeting()

    assert new.pk > max(Meeting.objects.exclude(pk=new.pk).values_list("pk", flat=True))


def test_restore_of_a_dump_holding_the_counts_counts_each_meeting_once(tmp_path):
    """A plain dumpdata also writes the count table; restore recounts after loading it."""
    make_record()
    dump = str(tmp_path / "everything.xml")
    call_command("dumpdata", "meetings", "people", format="xml", output=dump, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", dump, verbosity=0)

    assert table_counts() == live_counts() != {}


def test_restore_refuses_a_database_with_records(tmp_path):
    make_record()
    backup = str(tmp_path / "backchannel.xml")
    call_command("backup", backup, verbosity=0)

    with pytest.raises(CommandError, match="already holds records"):
        call_command("restore", backup, verbosity=0)


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_backup_file_must_be_xml(tmp_path, command):
    with pytest.raises(CommandError, match=r"must end with one of \.xml"):
        call_command(command, str(tmp_path / "backchannel.json"), verbosity=0)
