"""`check --deploy`, the admin path and HTTPS redirects, run with production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

PROJECT = Path(__file__).resolve().parents[2]
CLEAN_CHECK = "System check identified no issues (0 silenced).\n"


def run_django(*args, **env):
    """Run manage.py in a fresh process with production settings plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base |= {"DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "DJANGO_ALLOWED_HOSTS": "example.org"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_debug_off():
    result = run_django("check", "--deploy", "--fail-level", "DEBUG")

    assert (result.returncode, result.stdout, result.stderr) == (0, CLEAN_CHECK, "")


def test_check_deploy_flags_debug_on():
    """The check above can fail: with debug on it names the problem."""
    result = run_django("check", "--deploy", DJANGO_DEBUG="1")

    assert "security.W018" in result.stderr


def test_missing_secret_key_stops_start_up():
    result = run_django("check", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


SHOW_ADMIN_URL = (
    "from django.urls import reverse, resolve, Resolver404\n"
    "print(reverse('admin:index'))\n"
    "try:\n"
    "    resolve('/admin/')\n"
    "    print('/admin/ resolves')\n"
    "except Resolver404:\n"
    "    print('/admin/ is 404')\n"
)


@pytest.mark.parametrize(
    ("admin_path", "expected"),
    [
        ("backoffice-7f3a/", "/backoffice-7f3a/\n/admin/ is 404\n"),
        ("/staff/entry", "/staff/entry/\n/admin/ is 404\n"),
        (None, "/admin/\n/admin/ resolves\n"),
    ],
)
def test_admin_path_comes_from_the_environment(admin_path, expected):
    env = {} if admin_path is None else {"DJANGO_ADMIN_PATH": admin_path}
    result = run_django("shell", "--no-imports", "-c", SHOW_ADMIN_URL, **env)

    assert (result.stdout, result.stderr) == (expected, "")


def test_admin_path_cannot_be_empty():
    result = run_django("check", DJANGO_ADMIN_PATH="/")

    assert "DJANGO_ADMIN_PATH cannot be empty" in result.stderr


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_proxy_count_must_be_a_whole_number(value):
    result = run_django("check", DJANGO_PROXY_COUNT=value)

    assert "DJANGO_PROXY_COUNT must be 0 or more" in result.stderr


def test_admin_is_at_admin_by_default():
    assert reverse("admin:index") == "/admin/"


@pytest.fixture
def ssl_redirect(settings):
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.django_db
@pytest.mark.usefixtures("ssl_redirect")
def test_plain_http_is_redirected_to_https(client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (301, "https://testserver/")


@pytest.mark.django_db
@pytest.mark.usefixtures("ssl_redirect")
def test_https_from_the_proxy_is_served(client):
    response = client.get("/", headers={"x-forwarded-proto": "https"})

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("ssl_redirect")
def test_health_check_answers_over_plain_http(client):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"database: ok\ncache: local\n")
