"""backchannel/middleware.py and the 500 handler: while the database is away, pages answer
503 with Retry-After, never a 500 or a traceback."""

import contextlib
import gzip
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from backchannel.middleware import PublicGZipMiddleware
from backchannel.views import server_error

UNREACHABLE = {
    "postgresql": {"HOST": "127.0.0.1", "PORT": "1"},
    "sqlite": {"NAME": "/nonexistent-directory/backchannel.sqlite3"},
}


@contextlib.contextmanager
def database_unreachable():
    """Drop the connection and point the next one at a server that is not there."""
    saved_settings = dict(connection.settings_dict)
    connection.close()
    # SQLite keeps an in-memory test database open on close(); set it aside instead.
    saved_connection, connection.connection = connection.connection, None
    connection.settings_dict.update(UNREACHABLE[connection.vendor])
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved_settings)
        connection.connection = saved_connection


@contextlib.contextmanager
def driver_error(error_name):
    """Every new cursor fails with the database driver's own exception."""
    error = getattr(connection.Database, error_name)
    with mock.patch.object(connection, "create_cursor", side_effect=error("injected")):
        yield


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    body = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in body
    assert "Traceback" not in body
    assert "injected" not in body


@pytest.mark.django_db
def test_failing_queries_answer_503(client, public_record):
    meeting_url, person_url = public_record
    with driver_error("OperationalError"):
        responses = [client.get(url) for url in ("/", meeting_url, person_url)]

    for response in responses:
        assert_unavailable_page(response)


@pytest.mark.django_db
def test_dropped_connection_answers_503(client, public_record):
    with driver_error("InterfaceError"):
        response = client.get(public_record[0])

    assert_unavailable_page(response)


@pytest.mark.django_db
def test_other_database_errors_stay_500(public_record):
    client = Client(raise_request_exception=False)
    with driver_error("ProgrammingError"):
        response = client.get("/")

    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_answers_503(client, public_record, staff_user):
    client.force_login(staff_user)
    with database_unreachable():
        home = client.get("/")
        admin_index = client.get(reverse("admin:index"))

    assert_unavailable_page(home)
    assert_unavailable_page(admin_index)
    assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_health_check_answers_503_while_the_database_is_away(client):
    with database_unreachable():
        response = client.get("/healthz")

    assert (response.status_code, response.content) == (
        503,
        b"database: unavailable\ncache: local\n",
    )
    assert response["Retry-After"] == "30"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_health_check_answers_503_on_any_database_error(client):
    with driver_error("ProgrammingError"):
        response = client.get("/healthz")

    assert response.status_code == 503


def test_unavailable_page_renders_without_the_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        render_to_string("503.html")


def call_error_handler(error):
    try:
        raise error
    except DatabaseError:
        return server_error(RequestFactory().get("/"))


def test_error_handler_turns_an_outage_in_a_middleware_into_503():
    response = call_error_handler(OperationalError("connection refused"))

    assert (response.status_code, response["Retry-After"]) == (503, "30")


def test_error_handler_keeps_other_errors_500():
    response = call_error_handler(DatabaseError("syntax error"))

    assert response.status_code == 500


# Compression (PublicGZipMiddleware): public responses only.

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def body_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return gzip.decompress(content) if response.get("Content-Encoding") == "gzip" else content


def test_public_pages_are_compressed_for_clients_that_accept_gzip(
    client, public_record, public_urls
):
    compressed = []
    for url in public_urls:
        response = client.get(url, headers=GZIP)
        assert response.status_code in (200, 301, 302), url
        if response.get("Content-Encoding") == "gzip":
            compressed.append(url)
            assert "Accept-Encoding" in response["Vary"], url
            assert body_of(response) == body_of(client.get(url)), url
    assert {"/", "/meetings/", "/people/", *public_record} <= set(compressed)


def test_clients_that_do_not_accept_gzip_get_plain_responses(client, public_record):
    response = client.get("/meetings/")
    assert not response.has_header("Content-Encoding")
    assert b"data-total" in response.content


def test_streamed_exports_are_compressed(client, public_record):
    response = client.get("/meetings/export.csv", headers=GZIP)
    assert response.streaming
    assert response["Content-Encoding"] == "gzip"
    assert body_of(response) == body_of(client.get("/meetings/export.csv"))


def test_the_admin_is_never_compressed(client, staff_user):
    login = client.get(reverse("admin:login"), headers=GZIP)
    assert b"csrfmiddlewaretoken" in login.content
    assert not login.has_header("Content-Encoding")
    client.force_login(staff_user)
    for url in [reverse("admin:index"), reverse("admin:meetings_meeting_changelist")]:
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert not response.has_header("Content-Encoding"), url


def _public_response():
    return HttpResponse(b"<p>public</p>" * 100)


@pytest.mark.parametrize(
    "make_private",
    [
        lambda request, response: request.META.update(CSRF_COOKIE_NEEDS_UPDATE=True),
        lambda request, response: response.__setitem__("Vary", "Cookie"),
        lambda request, response: response.set_cookie("sessionid", "x"),
        lambda request, response: response.__setitem__("Cache-Control", "private"),
    ],
    ids=["csrf-token", "session-read", "cookie-set", "private"],
)
def test_responses_carrying_a_token_or_session_are_never_compressed(make_private):
    request = RequestFactory().get("/meetings/", headers=GZIP)
    response = _public_response()
    middleware = PublicGZipMiddleware(lambda request: response)
    assert middleware(request).get("Content-Encoding") == "gzip"
    request, response = RequestFactory().get("/meetings/", headers=GZIP), _public_response()
    make_private(request, response)
    assert not PublicGZipMiddleware(lambda request: response)(request).has_header(
        "Content-Encoding"
    )
