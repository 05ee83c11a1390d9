"""The filtered listing as CSV, JSON and iCalendar, streamed so memory stays flat.

Streamed through ``primed_streaming_response``: the body starts only once the
database has answered for it (an outage before that is a 503), and an outage
later cuts it off visibly.

Each export takes the listing's parameters (``page`` aside) and answers 400 on
the same bad input. Rows come from ``with_public_participants`` through
``iterator(chunk_size=…)``, which prefetches per chunk. Every text leaves through
``backchannel.text`` (xml_safe; spreadsheet_cell for the CSV), so a row written past
full_clean cannot break a file.
"""

import csv
import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from backchannel.records import FIRST_DATE, LAST_STORED_DATE
from backchannel.streaming import primed_streaming_response
from backchannel.text import spreadsheet_cell, xml_safe, xml_safe_data

from . import dates
from .models import Meeting, Participation, Status, Visibility
from .views import validated_filter, with_public_participants

CHUNK_SIZE = 500
# Meetings per batch of the CSV export. PostgreSQL joins each batch's participations to
# the public meetings by hashing all of them (about 50 ms at 100,000 meetings), so
# fewer, larger batches. Measured in one process at 100,000 meetings: 2,000 took 7.9 s
# (peak RSS 87 MiB), 5,000 took 6.7 s (112 MiB), 10,000 took 6.5 s (155 MiB).
CSV_BATCH_SIZE = 5000
CSV_COLUMNS = [
    "slug",
    "title",
    "url",
    "start_date",
    "end_date",
    "date_precision",
    "date",
    "city",
    "country",
    "venue",
    "occasion",
    "track",
    "side_tracks",
    "status",
    "series",
    "topics",
    "participants",
    "summary",
]


def bad_request(errors):
    lines = [f"Parameter {name}: {message}" for name, message in errors]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain", status=400)


class Labels(dict):
    """``participation.public_label`` worked out once per capacity and side in an export:
    country names go through translations, which is slow row after row."""

    def of(self, participation):
        return self.of_values(participation.capacity, participation.side.code)

    def of_values(self, capacity, side):
        key = (capacity, side)
        if key not in self:
            self[key] = Participation(capacity=capacity, side=side).public_label
        return self[key]


def participant_record(participation, labels):
    """A public participant: the name and title only where publicly named."""
    named = participation.is_named
    return {
        "name": participation.person.full_name if named else None,
        "person": participation.person.slug if named else None,
        "label": labels.of(participation),
        "side": participation.side.code or None,
        "capacity": participation.capacity,
        "role": participation.role if named else None,
        "title_at_time": participation.title_at_time if named else "",
    }


def meeting_record(meeting, request, labels):
    participants = meeting.public_participations if meeting.shows_participants else []
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "url": request.build_absolute_uri(meeting.get_absolute_url()),
        "start_date": meeting.start_date,
        "end_date": meeting.end_date,
        "date_precision": meeting.date_precision,
        "date": meeting.date_display,
        "city": meeting.city.name if meeting.city else None,
        "country": meeting.city.country.code if meeting.city else None,
        "venue": meeting.venue,
        "occasion": meeting.occasion,
        "track": meeting.track or None,
        "side_tracks": meeting.side_tracks,
        "status": meeting.status,
        "series": meeting.series.slug if meeting.series else None,
        "topics": [{"slug": topic.slug, "name": topic.name} for topic in meeting.topics.all()],
        "participants_disclosed": meeting.shows_participants,
        "participants": [participant_record(p, labels) for p in participants],
        "summary": meeting.summary,
    }


def csv_cell(cell):
    """A cell's text: XML-safe, and never read by a spreadsheet as a formula."""
    return spreadsheet_cell("" if cell is None else str(cell))


def csv_cells(record):
    flat = dict(record)
    flat["side_tracks"] = "; ".join(
        f"{k}: {v or 'undetermined'}" for k, v in record["side_tracks"].items()
    )
    flat["topics"] = "; ".join(topic["name"] for topic in record["topics"])
    flat["participants"] = "; ".join(
        f"{p['name']} ({p['label']})" if p["name"] else p["label"] for p in record["participants"]
    )
    if not record["participants_disclosed"]:
        flat["participants"] = "not disclosed"
    return [csv_cell(flat[column]) for column in CSV_COLUMNS]


class Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def export_filename(extension):
    return f"backchannel-meetings-{timezone.now():%Y%m%d}.{extension}"


CSV_FIELDS = [
    "pk",
    "slug",
    "title",
    "start_date",
    "end_date",
    "date_precision",
    "city__name",
    "city__country",
    "venue",
    "occasion",
    "track",
    "side_tracks",
    "status",
    "series__slug",
    "visibility",
    "summary",
]


def csv_batches(meetings, size):
    """Lists of up to ``size`` meeting rows (dicts), read in listing order."""
    batch = []
    for row in meetings.values(*CSV_FIELDS).iterator(chunk_size=size):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_lines(meetings, request):
    """The CSV of ``meetings`` from plain rows: two queries per batch of meetings.

    The same cells as ``csv_cells(meeting_record(...))`` (a test compares them), without
    building a model instance per meeting, participant, person and topic, which took
    most of the export's time.
    """
    writer = csv.writer(Echo())
    labels = Labels()
    url_prefix = request.build_absolute_uri(reverse("meetings:detail", args=["-"]))[:-2]
    discloses = {value: Meeting(visibility=value).shows_participants for value in Visibility}
    yield writer.writerow(CSV_COLUMNS)
    for batch in csv_batches(meetings, CSV_BATCH_SIZE):
        ids = [row["pk"] for row in batch]
        topics, participants = {}, {}
        through = Meeting.topics.through.objects.filter(meeting_id__in=ids)
        for meeting_id, name in through.order_by("topic__name").values_list(
            "meeting_id", "topic__name"
        ):
            topics.setdefault(meeting_id, []).append(name)
        rows = (
            Participation.objects.public()
            .filter(meeting_id__in=ids)
            .order_by("side", "pk")
            .values_list(
                "meeting_id", "person_id", "anonymised", "person__full_name", "capacity", "side"
            )
        )
        for meeting_id, person_id, anonymised, name, capacity, side in rows:
            label = labels.of_values(capacity, side)
            named = person_id is not None and not anonymised  # Participation.is_named
            text = f"{name} ({label})" if named else label
            participants.setdefault(meeting_id, []).append(text)
        for row in batch:
            side_tracks = row["side_tracks"] or {}
            cells = {
                "slug": row["slug"],
                "title": row["title"],
                "url": f"{url_prefix}{row['slug']}/",
                "start_date": row["start_date"],
                "end_date": row["end_date"],
                "date_precision": row["date_precision"],
                "date": dates.format_date_range(
                    row["start_date"], row["end_date"], row["date_precision"]
                ),
                "city": row["city__name"],
                "country": row["city__country"] if row["city__name"] is not None else None,
                "venue": row["venue"],
                "occasion": row["occasion"],
                "track": row["track"] or None,
                "side_tracks": "; ".join(
                    f"{k}: {v or 'undetermined'}" for k, v in side_tracks.items()
                ),
                "status": row["status"],
                "series": row["series__slug"],
                "topics": "; ".join(topics.get(row["pk"], [])),
                "participants": "; ".join(participants.get(row["pk"], []))
                if discloses[row["visibility"]]
                else "not disclosed",
                "summary": row["summary"],
            }
            yield writer.writerow([csv_cell(cells[column]) for column in CSV_COLUMNS])


@require_safe
def export_csv(request):
    filterset, errors = validated_filter(request)
    if errors:
        return bad_request(errors)
    response = primed_streaming_response(
        request, csv_lines(filterset.qs, request), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
    return response


@require_safe
def export_json(request):
    filterset, errors = validated_filter(request)
    if errors:
        return bad_request(errors)
    count = filterset.qs.count()
    meetings = with_public_participants(filterset.qs).iterator(chunk_size=CHUNK_SIZE)

    def chunks():
        labels = Labels()
        yield f'{{"count": {count}, "results": ['
        for index, meeting in enumerate(meetings):
            record = meeting_record(meeting, request, labels)
            record = json.dumps(xml_safe_data(record), cls=DjangoJSONEncoder)
            yield ("," if index else "") + record
        yield "]}"

    return primed_streaming_response(request, chunks(), content_type="application/json")


def ics_escape(text):
    return (
        xml_safe(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_fold(line):
    """Split a content line into 75-octet pieces (RFC 5545 §3.1), never inside a character."""
    pieces, current = [], ""
    for char in line:
        limit = 75 if not pieces else 74  # continuation lines start with a space
        if len((current + char).encode()) > limit:
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return "\r\n ".join(pieces) + "\r\n"


def period_end(meeting):
    """The exclusive end of an all-day event covering the meeting at its precision."""
    last = meeting.end_date or meeting.start_date
    if meeting.date_precision == dates.YEAR:
        return datetime.date(last.year + 1, 1, 1)
    if meeting.date_precision == dates.MONTH:
        return datetime.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return last + datetime.timedelta(days=1)


ICS_STATUS = {Status.CANCELLED: "CANCELLED", Status.HELD: "CONFIRMED"}


def vevent(meeting, request):
    place = [meeting.venue] if meeting.venue else []
    if meeting.city:
        place += [meeting.city.name, meeting.city.country.name]
    track = f"Track {meeting.track}" if meeting.track else "Track not determined"
    description = f"{meeting.date_display}. {track}. {meeting.get_status_display()}."
    if meeting.summary:
        description += "\n\n" + meeting.summary
    lines = [
        "BEGIN:VEVENT",
        f"UID:{ics_escape(meeting.slug)}@{request.get_host().split(':')[0]}",
        f"DTSTAMP:{meeting.updated_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{meeting.start_date:%Y%m%d}",
        f"DTEND;VALUE=DATE:{period_end(meeting):%Y%m%d}",
        f"SUMMARY:{ics_escape(meeting.title)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"URL:{request.build_absolute_uri(meeting.get_absolute_url())}",
        f"STATUS:{ICS_STATUS.get(meeting.status, 'TENTATIVE')}",
    ]
    if place:
        lines.append(f"LOCATION:{ics_escape(', '.join(place))}")
    lines.append("END:VEVENT")
    return "".join(ics_fold(line) for line in lines)


def calendar_dated(meetings):
    """The meetings a calendar can place: dated within the range the database holds.
    One planted outside it (year 1 is not a valid DTSTART; 9999-12-31 has no next day)
    is left out rather than break the file."""
    in_range = Q(end_date=None) | Q(end_date__lte=LAST_STORED_DATE)
    return meetings.filter(in_range, start_date__gte=FIRST_DATE, start_date__lte=LAST_STORED_DATE)


@require_safe
def calendar(request):
    filterset, errors = validated_filter(request)
    if errors:
        return bad_request(errors)
    meetings = calendar_dated(filterset.qs).select_related("city")
    header = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Backchannel//Public meeting history//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Backchannel meetings",
    ]

    def chunks():
        yield "".join(ics_fold(line) for line in header)
        for meeting in meetings.iterator(chunk_size=CHUNK_SIZE):
            yield vevent(meeting, request)
        yield ics_fold("END:VCALENDAR")

    response = primed_streaming_response(
        request, chunks(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{export_filename("ics")}"'
    return response
