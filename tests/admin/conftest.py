import io
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse


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


def _may_delete_people(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="people", codename="delete_person")
    )
    return User.objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def merger(roles):
    """An editor who may also delete people, so may merge them, but not publish."""
    return _may_delete_people(_staff("merger", "Editors"))


@pytest.fixture
def publishing_merger(roles):
    """A publisher (Publishers may delete, so merge, people)."""
    return _may_delete_people(_staff("chief", "Publishers"))


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


@pytest.fixture
def no_group_staff(db):
    return _staff("staff")


class CsrfSession:
    """A browser-like session: logged in through the real login page, CSRF checks on.

    ``post`` sends the CSRF token a page of the admin gave this session, as a form would.
    """

    def __init__(self, user):
        self.client = Client(enforce_csrf_checks=True)
        login_url = reverse("admin:login")
        token = _page_token(self.client.get(login_url))
        response = self.client.post(
            login_url,
            {"username": user.username, "password": "pw", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302, "the login page refused the test user"
        # Logging in rotates the token: read the new one from a page, as a browser would.
        self.token = _page_token(self.client.get(reverse("admin:index")))

    def post(self, url, data, **kwargs):
        return self.client.post(url, {**data, "csrfmiddlewaretoken": self.token}, **kwargs)

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)


def _page_token(response):
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found, f"no CSRF token on {response.request['PATH_INFO']}"
    return found.group(1)


@pytest.fixture
def csrf_session():
    """Log a user in through the login page; return their CSRF-checked session."""
    return CsrfSession
