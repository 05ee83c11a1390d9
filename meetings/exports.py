"""The filtered listing as CSV and JSON (and, in meetings/ical.py, as a calendar),
streamed so memory stays flat, a batch of meetings at a time, from one read of them
(meetings/export_records.py): the JSON writes one record per meeting as it is; the CSV
writes the same values straight from the rows, its participants already as cells (a
test holds each CSV row to the JSON record, flattened).

Each export takes the listing's parameters (``page`` aside) and answers 400 on the
same bad input. Streamed through ``primed_streaming_response``: the body starts only
once the database has answered for it (an outage before that is a 503), and an outage
later cuts it off visibly. Every text leaves through ``backchannel.text`` (xml_safe;
spreadsheet_cell, the one formula guard, for the CSV), so a row written past
full_clean cannot break a file.
"""

import csv

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from backchannel.streaming import primed_streaming_response
from backchannel.text import spreadsheet_row, xml_safe_json

from .export_reads import Memo, as_json
from .export_records import cell_batches, record_batches
from .filters import export_filter
from .models import Visibility

# The CSV's columns: the record's values, lists joined (``csv_rows`` writes them).
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
    "organizers",
    "sources",
    "source_urls",
]


def bad_request(errors):
    lines = [f"Parameter {name}: {message}" for name, message in errors]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain", status=400)


def export_filename(extension):
    return f"backchannel-meetings-{timezone.now():%Y%m%d}.{extension}"


def csv_rows(batch, side_tracks):
    """The CSV's rows (``CSV_COLUMNS``) of a batch of meetings (``cell_batches``): the
    JSON record's values, lists joined with "; ", every cell through the one guard
    (XML-safe, never a formula). ``side_tracks``: a ``Memo`` of ``side_tracks_cell``."""
    topics, participants, organizers, sources, known = batch[1:]
    url_prefix, when = known.url_prefix, known.dates
    for row in batch.rows:
        pk, slug, title, start, end, precision, city, country, venue, occasion, *rest = row
        track, tracks, status, series, visibility, summary = rest
        start, end, date = when[start, end, precision]
        cited = sources.get(pk, ())
        yield spreadsheet_row(
            [
                *(slug, title, f"{url_prefix}{slug}/", start, end, precision, date, city),
                *(country if city is not None else None, venue, occasion, track or None),
                side_tracks[tracks],
                status,
                series,
                "; ".join([topic["name"] for topic in topics.get(pk, ())]),
                "; ".join(participants.get(pk, ()))
                if visibility == Visibility.PUBLIC  # Meeting.shows_participants
                else "not disclosed",
                summary,
                "; ".join([f"{o['name']} ({o['role']})" for o in organizers.get(pk, ())]),
                "; ".join(map(_source_cell, cited)),
                "; ".join([source["url"] for source in cited if source["url"]]),
            ]
        )


def side_tracks_cell(value):
    """'KP: Track 1; US: undetermined' of side tracks as read: one side's view each,
    not a head count."""
    tracks = as_json(value)
    if not tracks:
        return ""
    return "; ".join(
        [
            f"{side}: Track {track}" if track else f"{side}: undetermined"
            for side, track in tracks.items()
        ]
    )


def _source_cell(source):
    """'Title (Publisher, 2019-03-01)', the parts it has."""
    details = [part for part in (source["publisher"], source["published_on"]) if part]
    return f"{source['title']} ({', '.join(map(str, details))})" if details else source["title"]


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
        side_tracks = Memo(side_tracks_cell)
        for batch in cell_batches(filterset.qs, request):
            writer.writerows(csv_rows(batch, side_tracks))
            del batch  # before the next batch is read (see export_records.batches)
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
    encode = DjangoJSONEncoder().encode  # as json.dumps(record, cls=DjangoJSONEncoder)

    def chunks():  # one per batch of meetings
        yield f'{{"count": {count}, "results": ['
        separator = ""
        for records in record_batches(filterset.qs, request):
            text = separator + xml_safe_json(records, encode)
            del records  # before the next batch is read (see export_records.batches)
            yield text
            separator = ","
        yield "]}"

    return primed_streaming_response(request, chunks(), content_type="application/json")
