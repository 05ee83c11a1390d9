"""Security headers, cookies and methods on real responses; failed logins locked out
(backchannel/security.py, backchannel/middleware.py, the security settings)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from backchannel.security import client_ip
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
}


def parse_csp(header):
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(directives)


def test_every_page_sends_the_security_headers(client, public_urls):
    for url in [*public_urls, reverse("admin:login")]:
        response = client.get(url, secure=True)

        assert response.status_code == 200, url
        assert {name: response.get(name) for name in COMMON_HEADERS} == COMMON_HEADERS, url
        assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP, url


def test_csp_allows_no_inline_script_or_style(client, db):
    policy = parse_csp(client.get("/")["Content-Security-Policy"])

    assert [v for v in policy.values() if "unsafe" in v] == []


def test_hsts_only_on_https(client, db):
    assert "Strict-Transport-Security" not in client.get("/")


def test_admin_login_sets_secure_http_only_cookies(client, staff_user):
    client.get(reverse("admin:login"), secure=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": STAFF_PASSWORD, "next": reverse("admin:index")},
        secure=True,
    )

    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    session_cookie = response.cookies["sessionid"]
    csrf_cookie = response.cookies["csrftoken"]
    for cookie in (session_cookie, csrf_cookie):
        assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == (True, True, "Lax")
    # No Max-Age or Expires: the browser drops the session cookie when it closes.
    assert (session_cookie["max-age"], session_cookie["expires"]) == ("", "")


def test_staff_session_expires_after_eight_hours(client, staff_user):
    client.post(reverse("admin:login"), {"username": "editor", "password": STAFF_PASSWORD})

    lifetime = Session.objects.get().expire_date - timezone.now()

    assert 8 * 3600 - 60 < lifetime.total_seconds() <= 8 * 3600


def test_admin_is_never_cached_and_varies_on_cookie(client, staff_user):
    client.force_login(staff_user)
    for url in (reverse("admin:index"), reverse("admin:login")):
        response = client.get(url)

        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-cache", "no-store", "must-revalidate", "private"} <= cache_control, url
        assert "Cookie" in response["Vary"], url


def test_public_pages_are_the_same_for_staff_and_do_not_vary_on_cookie(
    client, public_urls, staff_user
):
    anonymous = {url: client.get(url) for url in public_urls}
    client.force_login(staff_user)
    staff = {url: client.get(url) for url in public_urls}

    for url, response in anonymous.items():
        assert response.status_code == 200, url
        # HTML pages byte for byte; feeds and calendars may stamp the time of the request.
        if response["Content-Type"].startswith("text/html"):
            assert staff[url].getvalue() == response.getvalue(), url
        for seen in (response, staff[url]):
            assert "Cookie" not in seen.get("Vary", ""), url
            assert "Set-Cookie" not in seen.headers, url


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE", "PURGE"])
def test_public_views_answer_405_before_csrf(public_urls, staff_user, method):
    """Any method but GET, HEAD and OPTIONS: 405, for visitors and for staff alike,
    before the CSRF check (which would answer 403) and without Vary: Cookie."""
    visitor = Client(enforce_csrf_checks=True)
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(staff_user)
    for url in public_urls:
        for client in (visitor, staff):
            response = client.generic(method, url, "title=x", "application/x-www-form-urlencoded")

            assert (response.status_code, response["Allow"]) == (405, "GET, HEAD"), url
            assert "Cookie" not in response.get("Vary", ""), url
            assert "Set-Cookie" not in response.headers, url


def test_public_views_answer_options_as_django_does(client, public_urls):
    for url in public_urls:
        response = client.options(url)

        assert (response.status_code, response["Allow"]) == (405, "GET, HEAD"), url


def test_admin_still_checks_csrf(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post(reverse("admin:people_person_add"), {"full_name": "Forged"})

    assert response.status_code == 403


def test_public_views_answer_head(client, public_urls):
    for url in public_urls:
        assert client.head(url).status_code == 200, url


def test_public_urls_cover_the_known_pages(public_urls, public_record):
    assert {"/", "/healthz", *public_record} <= set(public_urls)


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
