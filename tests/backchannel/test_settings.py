"""backchannel/settings.py: every deployment value read from the environment, failing
closed; `check --deploy` clean with debug off; HTTPS and the admin's path as deployed.

Settings are read once per process, so each case starts manage.py afresh (``manage``).
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "DJANGO_ALLOWED_HOSTS": "example.org"}
REDIS = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
DEPLOYMENT = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL")
CLEAN_CHECK = "System check identified no issues (0 silenced).\n"


def manage(*args, **env):
    """manage.py in a fresh process, with none of this one's deployment variables: ``env``."""
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "MEETINGS_")) and name not in DEPLOYMENT
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def printed(expression, **env):
    """What ``expression`` over the settings (as ``s``) prints in a fresh process."""
    code = f"from django.conf import settings as s; print({expression})"
    result = manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_missing_secret_key_stops_start_up():
    result = manage("check", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("value", ["true", "yes", "0", "on", ""])
def test_debug_is_on_only_for_exactly_1(value):
    assert printed("s.DEBUG", DJANGO_DEBUG=value, **PRODUCTION) == "False"


def test_debug_on_allows_development_secret_and_local_hosts():
    expression = "s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS"
    assert printed(expression, DJANGO_DEBUG="1") == (
        "True django.db.backends.sqlite3 ['127.0.0.1', 'localhost', 'testserver']"
    )


def test_no_database_url_means_sqlite_file_in_project_folder():
    assert printed("s.DATABASES['default']['NAME']", DJANGO_DEBUG="1") == str(ROOT / "db.sqlite3")


def test_database_url_selects_postgresql_with_health_checks():
    database = "s.DATABASES['default']"
    expression = f"{database}['ENGINE'], {database}['NAME'], {database}['CONN_HEALTH_CHECKS']"
    env = {"DATABASE_URL": "postgres://someone@db.example:5432/records"}
    assert printed(expression, **PRODUCTION, **env) == "django.db.backends.postgresql records True"
    hosts = printed("s.ALLOWED_HOSTS", **PRODUCTION | {"DJANGO_ALLOWED_HOSTS": "a.example, b.ex"})
    assert hosts == "['a.example', 'b.ex']"


def test_postgresql_connections_run_without_jit_and_sqlite_ones_unchanged():
    options = "s.DATABASES['default'].get('OPTIONS')"
    env = {"DATABASE_URL": "postgres://someone@db.example:5432/records"}
    assert printed(options, **PRODUCTION, **env) == "{'options': '-c jit=off'}"
    replica = {"DATABASE_REPLICA_URL": "postgres://someone@replica.example:5432/records"}
    replica_options = "s.DATABASES['replica']['OPTIONS']"
    assert printed(replica_options, **PRODUCTION, **env, **replica) == "{'options': '-c jit=off'}"
    assert printed(options, DJANGO_DEBUG="1") in ("None", "{}")


def test_malformed_boolean_variable_is_refused():
    result = manage("check", **PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="maybe")
    assert result.returncode != 0
    assert "DJANGO_SECURE_SSL_REDIRECT must be 1 or 0" in result.stderr


@pytest.mark.parametrize("name", ["DJANGO_PROXY_COUNT", "MEETINGS_CACHE_SECONDS"])
@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_whole_numbers_must_be_whole_numbers(name, value):
    result = manage("check", **PRODUCTION, **{name: value})
    assert result.returncode != 0
    assert f"{name} must be 0 or more, not '{value}'." in result.stderr


def test_with_redis_each_worker_also_keeps_page_copies():
    assert printed("sorted(s.CACHES)", **PRODUCTION) == "['default']"
    assert printed("sorted(s.CACHES)", **PRODUCTION, **REDIS) == "['default', 'pages']"


def test_with_redis_the_cache_survives_its_outages_and_sessions_stay_in_the_database():
    expression = "s.CACHES['default']['BACKEND'], s.SESSION_ENGINE"
    assert printed(expression, **PRODUCTION, **REDIS) == (
        "backchannel.rediscache.ResilientRedisCache django.contrib.sessions.backends.db"
    )
    assert printed("s.SESSION_ENGINE", **PRODUCTION) == "django.contrib.sessions.backends.db"


def test_public_caching_needs_a_shared_cache_in_production():
    seconds = "s.MEETINGS_CACHE_SECONDS"
    assert printed(seconds, **PRODUCTION) == "0"
    assert printed(seconds, **PRODUCTION, **REDIS) == "600"
    assert printed(seconds, DJANGO_DEBUG="1") == "600"
    assert printed(seconds, **PRODUCTION, MEETINGS_CACHE_SECONDS="30") == "30"


def test_check_deploy_is_clean_with_debug_off():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert (result.returncode, result.stdout, result.stderr) == (0, CLEAN_CHECK, "")


def test_check_deploy_flags_debug_on():
    """The check above can fail: with debug on it names the problem."""
    result = manage("check", "--deploy", **PRODUCTION, DJANGO_DEBUG="1")
    assert "security.W018" in result.stderr


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
    result = manage("shell", "--no-imports", "-c", SHOW_ADMIN_URL, **PRODUCTION, **env)
    assert (result.stdout, result.stderr) == (expected, "")


def test_admin_path_cannot_be_empty():
    result = manage("check", **PRODUCTION, DJANGO_ADMIN_PATH="/")
    assert "DJANGO_ADMIN_PATH cannot be empty" in result.stderr


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
