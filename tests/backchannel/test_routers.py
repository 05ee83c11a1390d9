"""The primary/replica router, against Django's test mirror of the database."""

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from backchannel import routers
from meetings.models import Meeting
from tests.factories import make_meeting

BOTH = ["default", "replica"]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_router_sends_reads_to_the_replica(replica_router):
    meeting = make_meeting(slug="written")
    routers._pinned.set(False)  # a new request, after the write
    with CaptureQueriesContext(connections["replica"]) as replica_queries:
        found = list(Meeting.objects.values_list("slug", flat=True))
    assert found == ["written"]
    assert len(replica_queries) == 1
    assert Meeting.objects.filter(pk=meeting.pk).db == "replica"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_router_sends_writes_to_default(replica_router):
    with (
        CaptureQueriesContext(connections["default"]) as default_queries,
        CaptureQueriesContext(connections["replica"]) as replica_queries,
    ):
        make_meeting(slug="new")
    assert any(q["sql"].startswith("INSERT") for q in default_queries)
    assert not any(q["sql"].startswith("INSERT") for q in replica_queries)
    assert router.db_for_write(Meeting) == "default"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_router_reads_from_default_after_a_write(replica_router):
    assert Meeting.objects.all().db == "replica"
    make_meeting()
    assert Meeting.objects.all().db == "default"


@pytest.mark.django_db(databases=BOTH)
def test_router_reads_from_default_inside_a_transaction(replica_router):
    # pytest-django wraps this test in a transaction on default, as atomic() would.
    assert Meeting.objects.all().db == "default"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_router_reads_logins_and_sessions_from_default(replica_router):
    assert (User.objects.all().db, Session.objects.all().db) == ("default", "default")


def test_router_migrates_only_default():
    allowed = routers.PrimaryReplicaRouter().allow_migrate
    assert (allowed("default", "meetings"), allowed("replica", "meetings")) == (True, False)


@pytest.mark.parametrize(
    ("method", "path", "pinned"),
    [
        ("get", "/meetings/", False),
        ("head", "/meetings/", False),
        ("post", "/meetings/", True),
        ("get", "/admin/meetings/meeting/", True),
    ],
)
def test_replica_pin_middleware_pins_writes_and_admin(replica_router, method, path, pinned):
    seen = []
    middleware = routers.ReplicaPinMiddleware(
        lambda request: seen.append(routers.pinned_to_primary())
    )
    middleware(getattr(RequestFactory(), method)(path))
    assert seen == [pinned]
    assert routers.pinned_to_primary() is False  # reset when the request ends
