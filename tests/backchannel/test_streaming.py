"""Streamed exports while the database goes away: 503 before the body starts, a visibly
cut-off body after, one warning line either way."""

import contextlib
import datetime
import logging

import pytest
from django.db import OperationalError, connection

from backchannel.streaming import StreamInterrupted, primed_streaming_response
from meetings import export_records, ical
from tests.backchannel.test_middleware import assert_unavailable_page, driver_error
from tests.factories import make_berlin_meeting, make_city

pytestmark = pytest.mark.django_db

STREAMED = ["/meetings/export.csv", "/meetings/export.json", "/meetings/calendar.ics"]
# What only a data row carries, per export: a body without it has no row.
ROW_MARK = {
    "/meetings/export.csv": "/meetings/meeting-",
    "/meetings/export.json": '"slug"',
    "/meetings/calendar.ics": "BEGIN:VEVENT",
}


@pytest.fixture
def three_meetings():
    city = make_city(name="Geneva")
    for day in (1, 2, 3):
        make_berlin_meeting(city=city, start_date=datetime.date(2018, 5, day))


@pytest.fixture
def small_batches(monkeypatch):
    """One meeting per batch, so a stream goes back to the database between rows."""
    monkeypatch.setattr(export_records, "BATCH_SIZE", 1)
    monkeypatch.setattr(ical, "CHUNK_SIZE", 1)


@contextlib.contextmanager
def database_fails_from(query_number):
    """Queries before ``query_number`` (0-based) answer; that one and every later one fail."""
    made = []

    def fail_late(execute, sql, params, many, context):
        made.append(sql)
        if len(made) > query_number:
            raise OperationalError("injected: the database went away")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_late):
        yield


def read_stream(response):
    """(body read, error that ended it or None)."""
    received = []
    try:
        for chunk in response.streaming_content:
            received.append(chunk)
    except StreamInterrupted as error:
        return b"".join(received).decode(), error
    return b"".join(received).decode(), None


def queries_of(client, url):
    with database_fails_from(10_000):
        response = client.get(url)
        body, error = read_stream(response)
    assert (response.status_code, error) == (200, None)
    return body


def test_every_streamed_public_url_is_known_here(client, public_urls):
    streamed = [url for url in public_urls if client.get(url).streaming]

    assert sorted(streamed) == sorted(STREAMED)


@pytest.mark.parametrize("url", STREAMED)
def test_a_database_that_does_not_answer_gives_503_not_a_started_stream(client, url):
    with driver_error("OperationalError"):
        response = client.get(url)

    assert not response.streaming
    assert_unavailable_page(response)


@pytest.mark.parametrize("url", STREAMED)
def test_an_outage_at_any_query_never_gives_a_body_without_rows(
    client, three_meetings, small_batches, url
):
    """Whichever query fails first: a 503 page, or a body cut off after real rows."""
    whole = client.get(url)
    assert ROW_MARK[url] in b"".join(whole.streaming_content).decode()
    outcomes = []
    for failing in range(30):
        with database_fails_from(failing):
            response = client.get(url)
            if not response.streaming:
                assert_unavailable_page(response)
                outcomes.append("503")
                continue
            body, error = read_stream(response)
        if error is None:
            break  # the export made fewer queries than this
        assert response.status_code == 200
        assert ROW_MARK[url] in body, (failing, body)
        outcomes.append("cut")
    assert outcomes[0] == "503"
    if url != "/meetings/calendar.ics":  # one query: it has no later one to fail
        assert "cut" in outcomes


@pytest.mark.parametrize("url", ["/meetings/export.csv", "/meetings/export.json"])
def test_an_outage_mid_stream_is_one_warning_line(
    client, three_meetings, small_batches, url, caplog
):
    whole = client.get(url)
    rows_then = b"".join(whole.streaming_content).decode()
    with database_fails_from(7):  # in the second batch, CSV and JSON alike
        response = client.get(url)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            body, error = read_stream(response)

    assert isinstance(error, StreamInterrupted)
    assert rows_then.startswith(body) and body != rows_then
    assert [(r.name, r.levelname, r.exc_info) for r in caplog.records] == [
        ("backchannel.streaming", "WARNING", None)
    ]
    message = caplog.records[0].getMessage()
    assert message.startswith(f"Database unavailable while streaming {url}: ")
    assert "\n" not in message


def test_a_stream_that_needs_no_database_is_read_whole_before_it_starts(rf):
    read = []

    def chunks():
        for part in ("a", "b", "c"):
            read.append(part)
            yield part

    response = primed_streaming_response(rf.get("/"), chunks(), content_type="text/plain")

    assert read == ["a", "b", "c"]
    assert b"".join(response.streaming_content) == b"abc"


def test_priming_stops_at_the_first_chunk_after_the_database_answered(rf, db):
    read = []

    def chunks():
        read.append("header")
        yield "header\n"
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        for row in ("one", "two"):
            read.append(row)
            yield row + "\n"

    response = primed_streaming_response(rf.get("/"), chunks(), content_type="text/plain")

    assert read == ["header", "one"]
    assert b"".join(response.streaming_content) == b"header\none\ntwo\n"
