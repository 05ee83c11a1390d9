"""Reads from a replica, writes to the primary (enabled by DATABASE_REPLICA_URL).

Replication lags, so a read goes to the primary whenever it could need data
just written: inside a transaction on the primary, after this request (or this
command) has written anything, during unsafe requests and in the admin (see
``ReplicaPinMiddleware``), and always for logins and sessions.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Logins and sessions must see their own writes at once.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "admin"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_pinned = ContextVar("backchannel_read_from_primary", default=False)


def pinned_to_primary():
    return _pinned.get()


class PrimaryReplicaRouter:
    """Sends reads to the ``replica`` alias and writes to ``default``."""

    def db_for_read(self, model, **hints):
        if (
            _pinned.get()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        # Read your own writes: later reads in this request or command use the primary.
        _pinned.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica gets its schema by replication


class ReplicaPinMiddleware:
    """Each request starts unpinned; writes and the admin read from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        in_admin = request.path.startswith(f"/{settings.ADMIN_PATH}")
        pinned = request.method not in SAFE_METHODS or in_admin
        token = _pinned.set(pinned)
        try:
            return self.get_response(request)
        finally:
            _pinned.reset(token)
