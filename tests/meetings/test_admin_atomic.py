"""A meeting saved through the admin with its participants is written whole or not at all.

The Django admin wraps each add/change view in a transaction, so ATOMIC_REQUESTS is
not needed. This module is its own URLconf with a private AdminSite, so it does
not depend on (or collide with) the project's admin registrations.
"""

import contextlib
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib import admin
from django.db import IntegrityError
from django.urls import path, reverse

from meetings.models import Meeting, Participation
from tests.admin_forms import inline_rows
from tests.factories import make_person

site = admin.AdminSite(name="atomic_test_admin")


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ["person", "side", "capacity", "role"]
    extra = 0


@admin.register(Meeting, site=site)
class MeetingAdmin(admin.ModelAdmin):
    fields = ["title", "slug", "parties", "visibility", "date_precision", "status"]
    inlines = [ParticipationInline]


urlpatterns = [path("test-admin/", site.urls)]

pytestmark = [
    pytest.mark.urls(__name__),
    pytest.mark.django_db(transaction=True),
]

ROWS = [("KP", "official", "head"), ("US", "former_official", "head"), ("US", "expert", "member")]


def add_meeting_form():
    """POST data for a new meeting with three participation rows."""
    data = {
        "title": "Berlin talks",
        "slug": "berlin-talks",
        "parties": ["KP", "US"],
        "visibility": "confidential",
        "date_precision": "unknown",
        "status": "held",
        "participations-TOTAL_FORMS": str(len(ROWS)),
        "participations-INITIAL_FORMS": "0",
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
    }
    for index, (side, capacity, role) in enumerate(ROWS):
        data |= {
            f"participations-{index}-person": str(make_person().pk),
            f"participations-{index}-side": side,
            f"participations-{index}-capacity": capacity,
            f"participations-{index}-role": role,
        }
    return data | inline_rows("organizer_links", [])


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def save_with_last_row_rejected_by_the_database():
    """Participation.save, except that the last row breaks a database CHECK constraint.

    The form already validated the row; the bad value goes straight to the database,
    as a fault between validation and the write would.
    """
    real_save = Participation.save
    saved = []

    def save(participation, *args, **kwargs):
        if len(saved) == len(ROWS) - 1:
            participation.role = "not-a-role"
        real_save(participation, *args, **kwargs)
        saved.append(participation.pk)

    return mock.patch.object(Participation, "save", save), saved


def test_admin_saves_meeting_with_its_participants(staff_client):
    response = staff_client.post(
        reverse("atomic_test_admin:meetings_meeting_add"), add_meeting_form()
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert sorted(meeting.participations.values_list("side", "capacity", "role")) == sorted(ROWS)
    assert meeting.track == "1.5"


def test_failure_on_the_last_participant_writes_nothing(staff_client):
    data = add_meeting_form()
    patch, saved = save_with_last_row_rejected_by_the_database()

    with patch, pytest.raises(IntegrityError):
        staff_client.post(reverse("atomic_test_admin:meetings_meeting_add"), data)

    assert len(saved) == len(ROWS) - 1  # the earlier rows were written in the transaction
    assert list(Meeting.objects.all()) == []
    assert list(Participation.objects.all()) == []


def test_without_the_admin_transaction_the_same_fault_leaves_a_partial_meeting(staff_client):
    """The control: the test above would notice if the admin stopped being atomic."""
    data = add_meeting_form()
    patch, _saved = save_with_last_row_rejected_by_the_database()
    no_transaction = SimpleNamespace(atomic=lambda using=None: contextlib.nullcontext())

    admin_without_transaction = mock.patch(
        "django.contrib.admin.options.transaction", no_transaction
    )

    with patch, admin_without_transaction, pytest.raises(IntegrityError):
        staff_client.post(reverse("atomic_test_admin:meetings_meeting_add"), data)

    assert Meeting.objects.count() == 1
    assert Participation.objects.count() == len(ROWS) - 1
