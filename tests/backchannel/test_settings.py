"""Settings read from the environment, failing closed."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
    "s.ALLOWED_HOSTS, s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
)


def run_settings(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.pop("DATABASE_URL", None)
    base["DJANGO_SETTINGS_MODULE"] = "backchannel.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_missing_secret_key_with_debug_off_stops_start_up():
    result = run_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("value", ["true", "yes", "0", "on", ""])
def test_debug_is_on_only_for_exactly_1(value):
    result = run_settings(DJANGO_DEBUG=value, DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False ")


def test_debug_on_allows_development_secret_and_local_hosts():
    result = run_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True django.db.backends.sqlite3")
    assert "'127.0.0.1'" in result.stdout


def test_no_database_url_means_sqlite_file_in_project_folder():
    result = run_settings(DJANGO_DEBUG="1")
    assert f" {ROOT / 'db.sqlite3'} " in result.stdout


def test_database_url_selects_postgresql_with_health_checks():
    result = run_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://someone@db.example:5432/records",
        DJANGO_ALLOWED_HOSTS="records.example, www.records.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.postgresql",
        "records",
        "['records.example',",
        "'www.records.example']",
        "True",
    ]


def test_malformed_boolean_variable_is_refused():
    result = run_settings(DJANGO_SECRET_KEY="x" * 50, DJANGO_SECURE_SSL_REDIRECT="maybe")
    assert result.returncode != 0
    assert "DJANGO_SECURE_SSL_REDIRECT must be 1 or 0" in result.stderr


def _cache_seconds(**env):
    return int(_printed_setting("s.MEETINGS_CACHE_SECONDS", **env))


def _printed_setting(expression, **env):
    """What ``expression`` (over the settings, as ``s``) prints in a fresh process."""
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += f"print({expression})"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEETINGS_"))}
    base.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "backchannel.settings"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_with_redis_each_worker_also_keeps_page_copies():
    secret = {"DJANGO_SECRET_KEY": "x" * 50}
    assert _printed_setting("sorted(s.CACHES)", **secret) == "['default']"
    with_redis = _printed_setting(
        "sorted(s.CACHES)", **secret, REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert with_redis == "['default', 'pages']"


def test_with_redis_the_cache_survives_its_outages_and_sessions_stay_in_the_database():
    secret = {"DJANGO_SECRET_KEY": "x" * 50}
    redis = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    expression = "s.CACHES['default']['BACKEND'], s.SESSION_ENGINE"
    assert _printed_setting(expression, **secret, **redis) == (
        "backchannel.rediscache.ResilientRedisCache django.contrib.sessions.backends.db"
    )
    assert _printed_setting("s.SESSION_ENGINE", **secret) == "django.contrib.sessions.backends.db"


def test_public_caching_needs_a_shared_cache_in_production():
    secret = {"DJANGO_SECRET_KEY": "x" * 50}
    assert _cache_seconds(**secret) == 0
    assert _cache_seconds(**secret, REDIS_URL="redis://127.0.0.1:6379/0") == 600
    assert _cache_seconds(DJANGO_DEBUG="1") == 600
    assert _cache_seconds(**secret, MEETINGS_CACHE_SECONDS="30") == 30


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
