"""Backchannel settings: every deployment-specific value comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default):
    """A boolean variable: "1"/"true"/"yes"/"on" or "0"/"false"/"no"/"off", nothing else."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (or true/false), not {raw!r}.")


def env_int(name, default):
    """A whole number, 0 or more; anything else stops start-up."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ImproperlyConfigured(f"{name} must be 0 or more, not {raw!r}.")
    return int(raw)


def env_list(name, default=""):
    """Comma-separated values, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Debug is on only for exactly DJANGO_DEBUG=1; anything else is production.
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "backchannel.apps.BackchannelAdminConfig",  # django.contrib.admin, with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_countries",
    "django_filters",
    "simple_history",
    "import_export",
    "csp",
    "axes",
    "backchannel.apps.BackchannelConfig",  # named: apps.py also holds the admin's config
    "people",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public responses gzip-compressed; never the admin or one carrying a token or session.
    "backchannel.middleware.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Public views refuse POST, PUT, PATCH and DELETE with 405 before CSRF answers 403.
    "backchannel.middleware.PublicMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # While the database is away, requests get 503 + Retry-After rather than 500.
    "backchannel.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
ROOT_URLCONF = "backchannel.urls"
# The admin's URL prefix: "admin/" by default, or a less guessable path.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured("DJANGO_ADMIN_PATH cannot be empty: the admin needs its own path.")

TEMPLATES = [
    {
        # Django's engine; rendered pages lose the characters XML forbids.
        "BACKEND": "backchannel.template_engine.XmlSafeDjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "backchannel.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    ),
}


def without_jit(database):
    """No JIT compilation on PostgreSQL: the gates' EXISTS subplans make the planner's
    cost estimates large, and compiling them took 80% of a /people/ request (1.8 s of
    a 2.2 s count at 100,000 meetings) for queries that run in a few hundred
    milliseconds without."""
    if database.get("ENGINE") == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return database


without_jit(DATABASES["default"])
# Read replica: reads go to it, writes to the primary (backchannel/routers.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = without_jit(
        dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=600, conn_health_checks=True
        )
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["backchannel.routers.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(0, "backchannel.routers.ReplicaPinMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    # An accelerator, not a dependency: while Redis does not answer, the cache reads as
    # empty and public pages come from the database (backchannel/rediscache.py).
    CACHES["default"] = {
        "BACKEND": "backchannel.rediscache.ResilientRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # What a Redis that stops answering costs a request, once every few seconds.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
    # Each worker also keeps the public pages it serves most in its own memory, under
    # keys that carry the record version read from Redis on every request: a change
    # anywhere makes every worker's copies unreachable at once (backchannel/cache.py).
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-pages",
        "OPTIONS": {"MAX_ENTRIES": 200},
    }

# Sessions live in the database, shared by every app server, and only there: read through
# Redis (cached_db), a logout while Redis was away would come undone on its return.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need collectstatic; debug and tests serve plain files.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or not env_flag("DJANGO_MANIFEST_STATIC", default=True)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Security: production defaults whenever debug is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Staff sessions end after a working day, or when the browser closes.
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-countries
COUNTRIES_FIRST = ["KP", "KR", "US", "CN", "JP", "RU"]
COUNTRIES_FIRST_REPEAT = True
COUNTRIES_OVERRIDE = {"US": "United States"}

# django-csp: no inline scripts or styles anywhere; every asset is served from our origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.NONE],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    },
}

# django-axes: repeated failed logins lock that username from that address for a while.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are still logged; no banner on every command
AXES_CLIENT_IP_CALLABLE = "backchannel.security.client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", default=0)

# django-import-export: an import with any failing row writes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Without these any staff user, viewers included, could import.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Strips a leading "=" only; backchannel.admin_tools.FormulaSafeResource quotes every formula.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Backchannel
MEETINGS_PAGE_SIZE = 25
DATABASE_RETRY_AFTER = 30  # seconds a client should wait while the database is unavailable
PEOPLE_PAGE_SIZE = 30
ORGANIZATIONS_PAGE_SIZE = 30
SERIES_PAGE_SIZE = 30
# Seconds a cached public value (facet counts, totals, whole public pages) lives; 0 turns
# caching off. A change to the record must reach every worker at once (an unpublished
# meeting vanishes everywhere), and per-process memory caches cannot promise that, so
# caching is on by default only with a shared cache (REDIS_URL) or the single debug process.
MEETINGS_CACHE_SECONDS = env_int(
    "MEETINGS_CACHE_SECONDS", default=600 if DEBUG or os.environ.get("REDIS_URL") else 0
)
