"""Repeated failed admin logins lock that username out from that address for an hour."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from backchannel.security import client_ip

from .conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5


def log_in(client, password, username="editor", address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def fail_until_locked(client, **who):
    return [log_in(client, "wrong", **who).status_code for _ in range(LIMIT)]


def test_failed_logins_lock_the_account_out(client, staff_user):
    statuses = fail_until_locked(client)

    assert statuses == [200] * (LIMIT - 1) + [429]
    assert log_in(client, STAFF_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, staff_user):
    fail_until_locked(client)

    assert log_in(client, STAFF_PASSWORD, address="198.51.100.20").status_code == 302


def test_axes_reset_lifts_the_lockout(client, staff_user):
    fail_until_locked(client)

    call_command("axes_reset", verbosity=0)

    assert log_in(client, STAFF_PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client, staff_user):
    fail_until_locked(client)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=61))

    assert log_in(client, STAFF_PASSWORD).status_code == 302


def test_lockout_still_holds_within_the_cool_off(client, staff_user):
    fail_until_locked(client)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=59))

    assert log_in(client, STAFF_PASSWORD).status_code == 429


def test_successful_login_clears_earlier_failures(client, staff_user):
    for _ in range(LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, STAFF_PASSWORD).status_code == 302
    client.logout()

    assert fail_until_locked(client)[: LIMIT - 1] == [200] * (LIMIT - 1)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.9", "192.0.2.1"),
        (2, "", "10.0.0.2"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
