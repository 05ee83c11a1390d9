"""What every export writes, a batch of public meetings at a time: for the JSON, one
record per meeting (``record_batches``); for the CSV, the same read with participants
as its cells (``cell_batches``; meetings/exports.py flattens the rest).

Read as plain rows, as the database driver gives them: the meetings from one cursor in
the listing's order, and for each batch one query each for their topics, participants,
organisers and sources, joined to the meetings here. What comes back batch after batch
(people's names, topics, the labels of unnamed participants, dates as text, side
tracks, safe links) is worked out once per export. Model instances and Django's row
converters, per meeting, participant or source, took most of an export's time. Only
public data: participants only of meetings that show them (``public`` visibility),
names only of the publicly named, through the public gates.
"""

from collections import defaultdict
from operator import itemgetter
from typing import NamedTuple

from django.db.models import F
from django.urls import reverse

from people.models import Person

from .export_reads import Known, as_date, meeting_batches, of_batch, plain_rows
from .models import Meeting, MeetingOrganizer, Participation, Topic, Visibility

# Meetings per batch: the fewer batches, the fewer queries; the larger, the more memory
# (about 12 MiB more per 1,000 meetings). Measured at 100,000 meetings: bench/RESULTS.md.
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
]  # the order the writers unpack
VISIBILITY = MEETING_FIELDS.index("visibility")
PARTICIPANT_FIELDS = [
    "meeting_id",
    "person_id",
    "anonymised",
    "capacity",
    "side",
    "role",
    "title_at_time",
]
ORGANIZER_FIELDS = ["meeting_id", "organization__name", "organization__slug", "role"]
SOURCE_FIELDS = [
    "meeting_id",
    "source__title",
    "source__publisher",
    "source__url",
    "source__published_on",
]


class Batch(NamedTuple):
    """A batch of meetings: their ``MEETING_FIELDS`` rows, and {meeting id: [...]} of
    their topics, participants (records or cells), organizers and sources."""

    rows: list
    topics: dict
    participants: dict
    organizers: dict
    sources: dict
    known: Known


def record_batches(meetings, request):
    """The JSON records of ``meetings`` (a public queryset), a list per batch, in order."""
    for batch in batches(meetings, request, _participant_records):
        yield _records(batch)
        del batch  # before the next batch is read


def cell_batches(meetings, request):
    """The ``Batch`` es of ``meetings`` (a public queryset), in order, each participant as
    the CSV writes it: 'Name (a former official, United States)', or the label alone."""
    return batches(meetings, request, _participant_cells)


def batches(meetings, request, participants):
    """The ``Batch`` es of ``meetings``, participants read by ``participants(ids, known)``.

    A batch is read once the caller is done with the one before and has let go of it:
    two batches in memory at once took a third more memory.
    """
    url_prefix = request.build_absolute_uri(reverse("meetings:detail", args=["-"]))[:-2]
    known = Known(url_prefix)
    for rows in meeting_batches(meetings.values_list(*MEETING_FIELDS), BATCH_SIZE):
        ids = [row[0] for row in rows]
        shown = [row[0] for row in rows if row[VISIBILITY] == Visibility.PUBLIC]
        yield Batch(
            rows,
            _topics(ids, known.topics),
            participants(shown, known) if shown else {},
            _organizers(ids),
            _sources(ids, known.web_urls),
            known,
        )
        rows.clear()  # before the next batch is read


def _topics(ids, known):
    """{meeting id: [{"slug", "name"}]}, by name. ``known``, {topic id: its dict}, is
    shared by every batch: a record holds few of a few dozen topics."""
    links = of_batch(Meeting.topics.through.objects.all(), "meeting_id", ids)
    links = plain_rows(links.values_list("meeting_id", "topic_id"))
    missing = {topic for _meeting, topic in links} - known.keys()
    if missing:
        topics = of_batch(Topic.objects.public(), "pk", missing).order_by()
        for pk, slug, name in plain_rows(topics.values_list("pk", "slug", "name")):
            known[pk] = {"slug": slug, "name": name}
    found = defaultdict(list)
    for meeting_id, topic in links:
        found[meeting_id].append(known[topic])
    for topics in found.values():
        if len(topics) > 1:
            topics.sort(key=itemgetter("name"))
    return found


def _participations(ids, known, fields):
    """``fields`` of the public participations of meetings ``ids``, by side, people's
    names read into ``known.people`` once per export for those publicly named here
    (``Participation.is_named``: not anonymised, a person; ``fields`` start with
    meeting_id, person_id, anonymised)."""
    rows = of_batch(Participation.objects.public(), "meeting_id", ids).order_by("side", "pk")
    rows = plain_rows(rows.values_list(*fields))
    people = known.people
    missing = {row[1] for row in rows if not row[2]} - people.keys() - {None}
    if missing:  # publicly named in the batch, so public
        named = of_batch(Person.objects.all(), "pk", missing).order_by()
        for pk, name, slug in plain_rows(named.values_list("pk", "full_name", "slug")):
            people[pk] = (name, slug)
    return rows


def _participant_records(ids, known):
    """{meeting id: [participant]}: the name, role and title only where publicly named."""
    people, labels = known.people, known.labels
    found = defaultdict(list)
    for meeting_id, person, anonymised, capacity, side, role, title in _participations(
        ids, known, PARTICIPANT_FIELDS
    ):
        if anonymised or person not in people:
            name = slug = role = None
            title = ""
        else:
            name, slug = people[person]
        found[meeting_id].append(
            {
                "name": name,
                "person": slug,
                "label": labels[capacity, side],
                "side": side or None,
                "capacity": capacity,
                "role": role,
                "title_at_time": title,
            }
        )
    return found


def _participant_cells(ids, known):
    """{meeting id: [participant as the CSV writes it]}: the name only where publicly
    named, and how the participant took part (``Participation.public_label``)."""
    people, labels = known.people, known.labels
    found = defaultdict(list)
    for meeting_id, person, anonymised, capacity, side in _participations(
        ids, known, PARTICIPANT_FIELDS[:5]
    ):
        label = labels[capacity, side]
        name = None if anonymised or person not in people else people[person][0]
        found[meeting_id].append(f"{name} ({label})" if name else label)
    return found


def _organizers(ids):
    """{meeting id: [{"name", "slug", "role"}]}, by role and name: who organised the
    meetings of a batch (public, as every meeting of an export is)."""
    rows = of_batch(MeetingOrganizer.objects.all(), "meeting_id", ids).order_by(
        "role", "organization__name", "pk"
    )
    found = defaultdict(list)
    for meeting_id, name, slug, role in plain_rows(rows.values_list(*ORGANIZER_FIELDS)):
        found[meeting_id].append({"name": name, "slug": slug, "role": role})
    return found


def _sources(ids, web_urls):
    """{meeting id: [{"title", "publisher", "url", "published_on"}]}, newest first: the
    sources the meetings of a batch cite (public through them). The URL only when it is
    a web address (``web_urls``: as ``Source.link_url``); never the excerpt's notes or
    anything internal."""
    links = of_batch(Meeting.sources.through.objects.all(), "meeting_id", ids).order_by(
        F("source__published_on").desc(nulls_last=True), "source__title", "source_id"
    )
    found = defaultdict(list)
    for meeting_id, title, publisher, url, published_on in plain_rows(
        links.values_list(*SOURCE_FIELDS)
    ):
        found[meeting_id].append(
            {
                "title": title,
                "publisher": publisher,
                "url": web_urls[url],
                "published_on": as_date(published_on),
            }
        )
    return found


def _records(batch):
    """The JSON records of a ``Batch`` with participants as records."""
    topics, participants, organizers, sources = batch[1:5]
    known = batch.known
    url_prefix, when, side_tracks = known.url_prefix, known.dates, known.side_tracks
    records = []
    for row in batch.rows:
        pk, slug, title, start, end, precision, city, country, venue, occasion, *rest = row
        track, tracks, status, series, visibility, summary = rest
        start, end, date = when[start, end, precision]
        disclosed = visibility == Visibility.PUBLIC  # Meeting.shows_participants
        records.append(
            {
                "slug": slug,
                "title": title,
                "url": f"{url_prefix}{slug}/",
                "start_date": start,
                "end_date": end,
                "date_precision": precision,
                "date": date,
                "city": city,
                "country": country if city is not None else None,
                "venue": venue,
                "occasion": occasion,
                "track": track or None,
                "side_tracks": side_tracks[tracks],
                "status": status,
                "series": series,
                "topics": topics.get(pk, []),
                "organizers": organizers.get(pk, []),
                "participants_disclosed": disclosed,
                "participants": participants.get(pk, []) if disclosed else [],
                "summary": summary,
                "sources": sources.get(pk, []),
            }
        )
    return records
