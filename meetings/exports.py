"""The filtered listing as CSV and JSON (and, in meetings/ical.py, as a calendar),
streamed so memory stays flat.

One record per meeting (``meeting_records``), built from plain rows a batch at a time
(three queries per batch, no model instances: building a model per meeting,
participant, person and topic took most of an export's time), is written as JSON as
it is and flattened into the CSV's cells.

Each export takes the listing's parameters (``page`` aside) and answers 400 on the
same bad input. Streamed through ``primed_streaming_response``: the body starts only
once the database has answered for it (an outage before that is a 503), and an outage
later cuts it off visibly. Every text leaves through ``backchannel.text`` (xml_safe;
spreadsheet_cell, the one formula guard, for the CSV), so a row written past
full_clean cannot break a file.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from backchannel.streaming import primed_streaming_response
from backchannel.text import spreadsheet_cell, xml_safe_data

from . import dates
from .filters import export_filter
from .models import Meeting, Participation, Visibility

# Meetings per batch of records. PostgreSQL joins each batch's participations to the
# public meetings by hashing all of them (about 50 ms at 100,000 meetings), so fewer,
# larger batches. Measured in one process at 100,000 meetings (CSV): 2,000 took 7.9 s
# (peak RSS 87 MiB), 5,000 took 6.7 s (112 MiB), 10,000 took 6.5 s (155 MiB).
BATCH_SIZE = 5000
MEETING_FIELDS = [
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
PARTICIPANT_FIELDS = [
    "meeting_id",
    "person_id",
    "anonymised",
    "person__full_name",
    "person__slug",
    "capacity",
    "side",
    "role",
    "title_at_time",
]
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


def export_filename(extension):
    return f"backchannel-meetings-{timezone.now():%Y%m%d}.{extension}"


class Labels(dict):
    """``Participation.public_label`` worked out once per capacity and side in an export:
    country names go through translations, which is slow row after row."""

    def of(self, capacity, side):
        key = (capacity, side)
        if key not in self:
            self[key] = Participation(capacity=capacity, side=side).public_label
        return self[key]


def meeting_records(meetings, request):
    """Each of ``meetings`` (a public queryset, in order) as the record the exports write.

    Only public data: participants only of meetings that show them (``public``
    visibility), names only of the publicly named, through the public gates.
    """
    url_prefix = request.build_absolute_uri(reverse("meetings:detail", args=["-"]))[:-2]
    labels = Labels()
    for batch in _batches(meetings.values(*MEETING_FIELDS), BATCH_SIZE):
        ids = [row["pk"] for row in batch]
        topics, participants = _topics(ids), _participants(ids, labels)
        for row in batch:
            yield _record(row, url_prefix, topics.get(row["pk"], []), participants)


def _batches(rows, size):
    """Lists of up to ``size`` rows, read in order."""
    batch = []
    for row in rows.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _topics(ids):
    """{meeting id: [{"slug", "name"}]}, by name."""
    found = {}
    links = Meeting.topics.through.objects.filter(meeting_id__in=ids).order_by("topic__name")
    for meeting_id, slug, name in links.values_list("meeting_id", "topic__slug", "topic__name"):
        found.setdefault(meeting_id, []).append({"slug": slug, "name": name})
    return found


def _participants(ids, labels):
    """{meeting id: [participant]} of the public participations, by side."""
    found = {}
    rows = Participation.objects.public().filter(meeting_id__in=ids).order_by("side", "pk")
    for meeting_id, *row in rows.values_list(*PARTICIPANT_FIELDS):
        found.setdefault(meeting_id, []).append(_participant(*row, labels))
    return found


def _participant(person_id, anonymised, name, slug, capacity, side, role, title, labels):
    """A public participant: the name, role and title only where publicly named."""
    named = person_id is not None and not anonymised  # Participation.is_named
    return {
        "name": name if named else None,
        "person": slug if named else None,
        "label": labels.of(capacity, side),
        "side": side or None,
        "capacity": capacity,
        "role": role if named else None,
        "title_at_time": title if named else "",
    }


def _record(row, url_prefix, topics, participants):
    disclosed = row["visibility"] == Visibility.PUBLIC  # Meeting.shows_participants
    start, end, precision = row["start_date"], row["end_date"], row["date_precision"]
    return {
        "slug": row["slug"],
        "title": row["title"],
        "url": f"{url_prefix}{row['slug']}/",
        "start_date": start,
        "end_date": end,
        "date_precision": precision,
        "date": dates.format_date_range(start, end, precision),
        "city": row["city__name"],
        "country": row["city__country"] if row["city__name"] is not None else None,
        "venue": row["venue"],
        "occasion": row["occasion"],
        "track": row["track"] or None,
        "side_tracks": row["side_tracks"],
        "status": row["status"],
        "series": row["series__slug"],
        "topics": topics,
        "participants_disclosed": disclosed,
        "participants": participants.get(row["pk"], []) if disclosed else [],
        "summary": row["summary"],
    }


def csv_cells(record):
    """A record as the CSV's row: lists joined with "; ", every cell through the guard."""
    flat = {
        "side_tracks": "; ".join(
            f"{side}: {track or 'undetermined'}"
            for side, track in (record["side_tracks"] or {}).items()
        ),
        "topics": "; ".join(topic["name"] for topic in record["topics"]),
        "participants": _participants_cell(record),
    }
    return [csv_cell(flat[c] if c in flat else record[c]) for c in CSV_COLUMNS]


def _participants_cell(record):
    if not record["participants_disclosed"]:
        return "not disclosed"
    return "; ".join(
        f"{p['name']} ({p['label']})" if p["name"] else p["label"] for p in record["participants"]
    )


def csv_cell(cell):
    """A cell's text: XML-safe, and never read by a spreadsheet as a formula."""
    return spreadsheet_cell("" if cell is None else str(cell))


class Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


@require_safe
def export_csv(request):
    filterset, errors = export_filter(request)
    if errors:
        return bad_request(errors)
    writer = csv.writer(Echo())
    records = meeting_records(filterset.qs, request)
    lines = (writer.writerow(row) for row in _rows(CSV_COLUMNS, records))
    response = primed_streaming_response(request, lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
    return response


def _rows(header, records):
    yield header
    for record in records:
        yield csv_cells(record)


@require_safe
def export_json(request):
    filterset, errors = export_filter(request)
    if errors:
        return bad_request(errors)
    count = filterset.qs.count()
    records = meeting_records(filterset.qs, request)

    def chunks():
        yield f'{{"count": {count}, "results": ['
        for index, record in enumerate(records):
            text = json.dumps(xml_safe_data(record), cls=DjangoJSONEncoder)
            yield ("," if index else "") + text
        yield "]}"

    return primed_streaming_response(request, chunks(), content_type="application/json")
