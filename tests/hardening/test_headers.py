"""Security headers and cookies on real responses."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .conftest import STAFF_PASSWORD

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
