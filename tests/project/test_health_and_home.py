from unittest import mock

import pytest
from django.db import OperationalError

from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"database: ok\ncache: local\n")
    assert response["Content-Type"] == "text/plain"


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("meetings.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (
        503,
        b"database: unavailable\ncache: local\n",
    )


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_https_behind_a_proxy_is_served_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200


def test_home_lists_public_meetings_only(client):
    make_meeting(title="Open talks", visibility="public")
    make_meeting(title="Withheld talks", visibility="participants_withheld")
    make_meeting(title="Secret talks", visibility="confidential")
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Open talks" in text
    assert "Withheld talks" in text
    assert "Secret talks" not in text
    assert 'data-total="2"' in text
