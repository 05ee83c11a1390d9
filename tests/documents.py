"""Every public document fetched and parsed as its readers would: an XML parser for the
feed and the sitemap, the iCalendar line rules for the calendar, json and csv for the
exports, an HTML parser for the pages."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from tests.pages import body

# What XML 1.0 forbids, restated on purpose: C0 controls but tab, line feed and carriage
# return; surrogates; U+FFFE and U+FFFF. (HTML calls the same characters parse errors.)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ICS_LINE = re.compile(r"^[A-Z][A-Z0-9-]*(;[^:]*)?:.*\Z", re.S)
ICS_DATE = re.compile(r"^\d{8}\Z")
FEED = "/meetings/feed/"
SITEMAP = "/sitemap.xml"
CALENDAR = "/meetings/calendar.ics"
JSON_EXPORT = "/meetings/export.json"
CSV_EXPORT = "/meetings/export.csv"
LISTINGS = ["/", "/meetings/", "/meetings/?sort=date", "/people/"]


def public_documents(meeting_url, person_url):
    """The machine-readable documents and the HTML pages that show one meeting and person."""
    return [FEED, SITEMAP, CALENDAR, JSON_EXPORT, CSV_EXPORT, *LISTINGS, meeting_url, person_url]


def read_document(client, path):
    """GET ``path``, assert a 200 free of characters XML forbids, and parse it."""
    response = client.get(path)
    assert response.status_code == 200, path
    text = body(response)
    assert NOT_XML.findall(text) == [], path
    return PARSERS.get(path.split("?")[0], parse_html)(text)


def parse_xml(text):
    return ET.fromstring(text.encode())  # noqa: S314 (our own answer)


def parse_calendar(text):
    """[{name: value}] of the VEVENTs, after checking every line against RFC 5545."""
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 and "\n" not in line for line in physical)
    lines = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    events, current = [], None
    for line in lines:
        assert ICS_LINE.match(line), line
        name, value = line.split(":", 1)
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    assert current is None
    for event in events:
        assert ICS_DATE.match(event["DTSTART;VALUE=DATE"]), event
        assert ICS_DATE.match(event["DTEND;VALUE=DATE"]), event
    return events


def parse_json(text):
    return json.loads(text)


def parse_csv(text):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len({len(row) for row in rows}) == 1
    header, *records = rows
    return [dict(zip(header, row, strict=True)) for row in records]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.starts = 0

    def handle_starttag(self, tag, attrs):
        self.starts += 1


def parse_html(text):
    collector = _Collector()
    collector.feed(text)
    collector.close()
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert collector.starts > 0
    return text


PARSERS = {
    FEED: parse_xml,
    SITEMAP: parse_xml,
    CALENDAR: parse_calendar,
    JSON_EXPORT: parse_json,
    CSV_EXPORT: parse_csv,
}
