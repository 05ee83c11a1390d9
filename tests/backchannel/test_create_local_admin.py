"""create_local_admin: a superuser for local development, only with debug on."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_local_admin_created_once_with_debug_on(settings, capsys):
    settings.DEBUG = True
    call_command("create_local_admin")
    first = capsys.readouterr().out
    assert "username: admin  password: " in first
    password = first.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    call_command("create_local_admin")
    assert "password" not in capsys.readouterr().out
    assert get_user_model().objects.count() == 1


def test_local_admin_never_created_with_debug_off(settings, capsys):
    settings.DEBUG = False
    call_command("create_local_admin")
    assert "password" not in capsys.readouterr().out
    assert not get_user_model().objects.exists()
