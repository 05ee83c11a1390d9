"""One record per public meeting: what every export writes (meetings/exports.py writes
it as JSON as it is and flattens it into the CSV's cells).

Built from plain rows a batch at a time (the meetings' rows, their topics, their
participations): building a model instance per meeting, participant, person and topic
took most of an export's time. Only public data: participants only of meetings that
show them (``public`` visibility), names only of the publicly named, through the
public gates.
"""

from collections import defaultdict
from itertools import islice
from operator import itemgetter

from django.db import connections
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.urls import reverse

from people.models import Person

from . import dates
from .models import (
    Meeting,
    MeetingOrganizer,
    Participation,
    Source,
    Topic,
    Visibility,
)

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
]  # the order ``_record`` unpacks
PARTICIPANT_FIELDS = [
    "meeting_id",
    "person_id",
    "anonymised",
    "capacity",
    "side",
    "role",
    "title_at_time",
]


class Labels(dict):
    """``Participation.public_label`` worked out once per capacity and side in an export:
    country names go through translations, which is slow row after row."""

    def of(self, capacity, side):
        key = (capacity, side)
        if key not in self:
            self[key] = Participation(capacity=capacity, side=side).public_label
        return self[key]


def record_batches(meetings, request):
    """The records of ``meetings`` (a public queryset), a batch at a time, in order: each
    batch an iterator, so a record is built only as it is written.

    Only public data: participants only of meetings that show them (``public``
    visibility), names only of the publicly named, through the public gates.
    """
    url_prefix = request.build_absolute_uri(reverse("meetings:detail", args=["-"]))[:-2]
    labels, known_topics, people = Labels(), {}, {}
    for batch in _batches(meetings.values_list(*MEETING_FIELDS), BATCH_SIZE):
        ids = [row[0] for row in batch]
        related = {
            "topics": _topics(ids, known_topics),
            "participants": _participants(ids, labels, people),
            "organizers": _organizers(ids),
            "sources": _sources(ids),
        }
        yield (_record(row, url_prefix, related) for row in batch)


def _batches(rows, size):
    """Lists of up to ``size`` rows, read in order."""
    rows = rows.iterator(chunk_size=size)
    while batch := list(islice(rows, size)):
        yield batch


def _of_meetings(queryset, ids):
    """``queryset`` narrowed to the rows of these meetings (a batch: never empty).

    The ids are primary keys the database gave, made sure of as integers and written
    as SQL literals: Django prepares the thousands of values of a parameter list one by
    one, which took a tenth of an export's time.
    """
    listed = ",".join(str(int(pk)) for pk in ids)
    in_batch = RawSQL(listed, [])  # noqa: S611 (integers only)
    return queryset.alias(of_meeting=F("meeting_id")).filter(of_meeting__in=in_batch)


def _plain_rows(queryset):
    """The rows of a ``values_list`` queryset as the database driver gives them, without
    Django's machinery row by row (iterators, converters), which took a third of the
    time of reading the participations. Only for columns the driver returns as they are
    stored: no dates, no JSON (a boolean is SQLite's 0 or 1)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _topics(ids, known):
    """{meeting id: [{"slug", "name"}]}, by name. ``known``, {topic id: its dict}, is
    shared by every batch: a record holds few of a few dozen topics."""
    links = _of_meetings(Meeting.topics.through.objects.all(), ids)
    links = _plain_rows(links.values_list("meeting_id", "topic_id"))
    missing = {topic for _meeting, topic in links} - known.keys()
    for pk, slug, name in (
        Topic.objects.public().filter(pk__in=missing).values_list("pk", "slug", "name")
    ):
        known[pk] = {"slug": slug, "name": name}
    found = {}
    for meeting_id, topic in links:
        found.setdefault(meeting_id, []).append(known[topic])
    for topics in found.values():
        topics.sort(key=itemgetter("name"))
    return found


def _participants(ids, labels, people):
    """{meeting id: [participant]} of the public participations, by side: the name, role
    and title only where publicly named (``Participation.is_named``). ``people``, {person
    id: (full name, slug)}, is shared by every batch: the same people come back again
    and again, and their names are read once, not once per participation."""
    rows = _of_meetings(Participation.objects.public(), ids).order_by("side", "pk")
    rows = _plain_rows(rows.values_list(*PARTICIPANT_FIELDS))
    missing = {row[1] for row in rows if row[1] not in people and not row[2]} - {None}
    if missing:  # publicly named in the batch, so public
        people.update(
            (pk, (name, slug))
            for pk, name, slug in Person.objects.filter(pk__in=missing).values_list(
                "pk", "full_name", "slug"
            )
        )
    found = defaultdict(list)
    for meeting_id, person, anonymised, capacity, side, role, title in rows:
        named = not anonymised and person in people
        name, slug = people[person] if named else (None, None)
        found[meeting_id].append(
            {
                "name": name,
                "person": slug,
                "label": labels.of(capacity, side),
                "side": side or None,
                "capacity": capacity,
                "role": role if named else None,
                "title_at_time": title if named else "",
            }
        )
    return found


def _organizers(ids):
    """{meeting id: [{"name", "slug", "role"}]}, by role and name: who organised the
    meetings of a batch (public, as every meeting of an export is)."""
    rows = _of_meetings(MeetingOrganizer.objects.all(), ids).order_by(
        "role", "organization__name", "pk"
    )
    found = defaultdict(list)
    for meeting_id, name, slug, role in rows.values_list(
        "meeting_id", "organization__name", "organization__slug", "role"
    ):
        found[meeting_id].append({"name": name, "slug": slug, "role": role})
    return found


def _sources(ids):
    """{meeting id: [{"title", "publisher", "url", "published_on"}]}, newest first: the
    sources the meetings of a batch cite (public through them). The URL only when it is a
    web address (``Source.link_url``); never the excerpt's notes or anything internal."""
    links = _of_meetings(Meeting.sources.through.objects.all(), ids).order_by(
        F("source__published_on").desc(nulls_last=True), "source__title", "source_id"
    )
    found = defaultdict(list)
    for meeting_id, title, publisher, url, published_on in links.values_list(
        "meeting_id", "source__title", "source__publisher", "source__url", "source__published_on"
    ):
        found[meeting_id].append(
            {
                "title": title,
                "publisher": publisher,
                "url": _web_url(url),
                "published_on": published_on,
            }
        )
    return found


def _web_url(url):
    """``url`` when a link to it is safe (as ``Source.link_url``), else ""."""
    return Source(url=url).link_url if url else ""


def _record(row, url_prefix, related):
    """A meeting's record from its ``MEETING_FIELDS`` row and the batch's ``related``
    rows ({"topics", "participants", "organizers", "sources"}: {meeting id: [...]})."""
    pk, slug, title, start, end, precision, city, country, venue, occasion, *rest = row
    track, side_tracks, status, series, visibility, summary = rest
    disclosed = visibility == Visibility.PUBLIC  # Meeting.shows_participants
    return {
        "slug": slug,
        "title": title,
        "url": f"{url_prefix}{slug}/",
        "start_date": start,
        "end_date": end,
        "date_precision": precision,
        "date": dates.format_date_range(start, end, precision),
        "city": city,
        "country": country if city is not None else None,
        "venue": venue,
        "occasion": occasion,
        "track": track or None,
        "side_tracks": side_tracks,
        "status": status,
        "series": series,
        "topics": related["topics"].get(pk, []),
        "organizers": related["organizers"].get(pk, []),
        "participants_disclosed": disclosed,
        "participants": related["participants"].get(pk, []) if disclosed else [],
        "summary": summary,
        "sources": related["sources"].get(pk, []),
    }
