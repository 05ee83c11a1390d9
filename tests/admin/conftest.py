import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=io.StringIO())


def _staff(username, group=None):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(roles):
    return _staff("editor", "Editors")


@pytest.fixture
def publisher(roles):
    return _staff("publisher", "Publishers")


@pytest.fixture
def viewer(roles):
    return _staff("viewer", "Viewers")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.org", "pw")


@pytest.fixture
def admin_client_as(client):
    """Log the test client in as the given user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login
