"""A replica that mirrors the test database, for the router's tests."""

import copy

import pytest
from django.conf import settings
from django.db import connections

from backchannel import routers


def _add_replica_mirror():
    """A ``replica`` alias mirroring the test database, as DATABASE_REPLICA_URL gives in production.

    Added when this folder is collected, before the test databases are set up, so
    Django's test runner configures it as a mirror of ``default``. No router uses
    it unless a test installs one.
    """
    if routers.REPLICA in connections.settings:
        return
    replica = copy.deepcopy(connections.settings["default"])
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
    connections.settings[routers.REPLICA] = replica
    settings.DATABASES[routers.REPLICA] = replica


_add_replica_mirror()


@pytest.fixture
def replica_router(settings):
    """The primary/replica router installed, starting unpinned as a new request does."""
    settings.DATABASE_ROUTERS = ["backchannel.routers.PrimaryReplicaRouter"]
    token = routers._pinned.set(False)
    yield
    routers._pinned.reset(token)
    connections[routers.REPLICA].close()  # persistent connections would block dropping the test DB
