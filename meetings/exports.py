"""The filtered listing as CSV and JSON (and, in meetings/ical.py, as a calendar),
streamed so memory stays flat: one record per meeting (meetings/export_records.py),
written as JSON as it is and flattened into the CSV's cells, a batch at a time.

Each export takes the listing's parameters (``page`` aside) and answers 400 on the
same bad input. Streamed through ``primed_streaming_response``: the body starts only
once the database has answered for it (an outage before that is a 503), and an outage
later cuts it off visibly. Every text leaves through ``backchannel.text`` (xml_safe;
spreadsheet_cell, the one formula guard, for the CSV), so a row written past
full_clean cannot break a file.
"""

import csv
import json
from operator import itemgetter

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from backchannel.streaming import primed_streaming_response
from backchannel.text import spreadsheet_row, xml_safe_data

from .export_records import record_batches
from .filters import export_filter

# The CSV's columns: the record's own values, then side_tracks, status, series, topics,
# participants, summary, organizers, sources and their URLs (``csv_cells`` flattens
# them in this order).
_LEADING = [
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
]
_LEADING_CELLS = itemgetter(*_LEADING)
CSV_COLUMNS = [
    *_LEADING,
    "side_tracks",
    "status",
    "series",
    "topics",
    "participants",
    "summary",
    "organizers",
    "sources",
    "source_urls",
]


def bad_request(errors):
    lines = [f"Parameter {name}: {message}" for name, message in errors]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain", status=400)


def export_filename(extension):
    return f"backchannel-meetings-{timezone.now():%Y%m%d}.{extension}"


def csv_cells(record):
    """A record as the CSV's row (``CSV_COLUMNS``): lists joined with "; ", every cell
    through the one guard (XML-safe, never a formula)."""
    side_tracks = record["side_tracks"] or {}
    cells = [
        *_LEADING_CELLS(record),
        "; ".join([f"{side}: {_side_track(track)}" for side, track in side_tracks.items()]),
        record["status"],
        record["series"],
        "; ".join([topic["name"] for topic in record["topics"]]),
        _participants_cell(record),
        record["summary"],
        "; ".join([f"{o['name']} ({o['role']})" for o in record["organizers"]]),
        "; ".join(map(_source_cell, record["sources"])),
        "; ".join([source["url"] for source in record["sources"] if source["url"]]),
    ]
    return spreadsheet_row(cells)


def _side_track(track):
    """'Track 1', 'Track 2' or 'undetermined': one side's view, not a head count."""
    return f"Track {track}" if track else "undetermined"


def _source_cell(source):
    """'Title (Publisher, 2019-03-01)', the parts it has."""
    details = [part for part in (source["publisher"], source["published_on"]) if part]
    return f"{source['title']} ({', '.join(map(str, details))})" if details else source["title"]


def _participants_cell(record):
    if not record["participants_disclosed"]:
        return "not disclosed"
    return "; ".join(
        [f"{p['name']} ({p['label']})" if p["name"] else p["label"] for p in record["participants"]]
    )


class Lines(list):
    """A file-like object collecting what csv.writer writes, for one chunk at a time."""

    write = list.append

    def take(self):
        text = "".join(self)
        self.clear()
        return text


@require_safe
def export_csv(request):
    filterset, errors = export_filter(request)
    if errors:
        return bad_request(errors)
    lines = Lines()
    writer = csv.writer(lines)

    def chunks():  # one per batch of meetings: a row per chunk cost a tenth of the time
        writer.writerow(CSV_COLUMNS)
        yield lines.take()
        for records in record_batches(filterset.qs, request):
            writer.writerows(map(csv_cells, records))
            yield lines.take()

    response = primed_streaming_response(request, chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
    return response


@require_safe
def export_json(request):
    filterset, errors = export_filter(request)
    if errors:
        return bad_request(errors)
    count = filterset.qs.count()

    def chunks():  # one per batch of meetings
        yield f'{{"count": {count}, "results": ['
        separator = ""
        for records in record_batches(filterset.qs, request):
            texts = (json.dumps(xml_safe_data(r), cls=DjangoJSONEncoder) for r in records)
            yield separator + ",".join(texts)
            separator = ","
        yield "]}"

    return primed_streaming_response(request, chunks(), content_type="application/json")
