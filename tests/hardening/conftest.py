import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_berlin_meeting

STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(
        username="editor", password=STAFF_PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def public_record(db):
    """A public meeting and one of its named participants: (meeting URL, person URL)."""
    meeting = make_berlin_meeting()
    person = meeting.participations.filter(person__isnull=False).first().person
    return meeting.get_absolute_url(), person.get_absolute_url()
