"""Settings read from the environment, failing closed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
