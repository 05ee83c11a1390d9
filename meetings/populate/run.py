"""One populate run: the seed check, the transaction, and the meetings written in batches."""

import random
from contextlib import ExitStack

from django.db import connection, transaction
from django.utils import timezone

from .. import public_facts, search_index
from ..derived import after_bulk_write
from ..models import (
    PUBLIC_VISIBILITIES,
    Meeting,
    MeetingOrganizer,
    Participation,
    PublicFact,
    Quote,
)
from .bulk import (
    BatchWriter,
    IdPool,
    counts_after_block,
    indexes_set_aside,
    refresh_planner_statistics,
)
from .plans import MeetingPlanner
from .records import Sizes, SupportingRecordMaker
from .synthetic import Attendance

CHUNK = 1000  # meetings per batch: bounds memory, paces the progress report
# From this many meetings, and no fewer than the table holds, the tables a run fills
# are written without their secondary indexes and foreign keys (bulk.indexes_set_aside).
SET_ASIDE_FROM = 50_000
MEETING_FIELDS = (
    "id", "title", "slug", "series", "start_date", "end_date", "date_precision", "city",
    "venue", "occasion", "status", "parties", "track", "side_tracks", "track_override",
    "visibility", "published_at", "summary", "internal_notes", "review_note",
    "created_at", "updated_at",
)  # fmt: skip
TEXTS = ("title", "summary", "venue", "occasion")  # what a meeting's words come from
FILLED = (
    Meeting,
    Participation,
    Meeting.topics.through,
    Meeting.sources.through,
    MeetingOrganizer,
    Participation.sources.through,
    Quote,
    PublicFact,
)
FACT_FIELDS = ("meeting", "kind", "key", "city", "year", "track", "start_date", "parties")


class AlreadyPopulated(Exception):
    """The seed's records are already in the database."""


def slug_prefix(seed):
    return f"syn{seed}-"


def populate(meetings, seed=0, progress=None):
    """Add ``meetings`` synthetic meetings and what they need; returns counts by model.

    ``progress(done, total)`` is called after each batch of meetings.
    """
    if Meeting.objects.filter(slug__startswith=slug_prefix(seed)).exists():
        raise AlreadyPopulated(
            f"Synthetic data for seed {seed} is already in this database "
            f"(slugs starting {slug_prefix(seed)!r}); choose another --seed."
        )
    with transaction.atomic():
        counts = Populator(meetings, seed).run(progress)
    refresh_planner_statistics()
    return counts


class Populator:
    """One run: the random stream every record is drawn from, and the counts so far."""

    def __init__(self, meetings, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.prefix = slug_prefix(seed)
        self.sizes = Sizes(meetings)
        self.counts = {}
        self.names = {}  # person id: the words their name adds to a meeting
        self.meeting_ids, self.participation_ids = IdPool(Meeting), IdPool(Participation)
        # PostgreSQL keeps a meeting's words in its own row, in a column no model has.
        self.columns = (
            {Meeting: (search_index.COLUMN,)} if connection.vendor == "postgresql" else {}
        )

    def count(self, name, rows):
        self.counts[name] = self.counts.get(name, 0) + len(rows)

    def run(self, progress):
        maker = SupportingRecordMaker(self.rng, self.seed, self.prefix, self.sizes, self.count)
        records = maker.make()
        self.names = {
            p.pk: search_index.person_words(p.full_name, p.other_names) for p in records.people
        }
        self.conveners = {series.pk: series.convener_id for series in records.series}
        planner = MeetingPlanner(self.rng, records, self.prefix)
        total = self.sizes.meetings
        large = total >= SET_ASIDE_FROM and total >= Meeting.objects.count()
        aside = [indexes_set_aside(FILLED), counts_after_block()] if large else []
        with ExitStack() as stack, BatchWriter() as writer:
            for context in aside:
                stack.enter_context(context)
            for start in range(0, total, CHUNK):
                self.write_meetings(planner, start, min(total, start + CHUNK), writer)
                if progress:
                    progress(min(total, start + CHUNK), total)
        # The rows came with their tracks, words and facts, computed by the write side's
        # rules (compute_track, search_index.planned_words, public_facts.fact_rows):
        # nothing to recompute but the facts' totals; the count table's triggers saw
        # every meeting (or it was counted again, in a large run); this bumps the
        # cache's version.
        public_facts.recount_totals()
        after_bulk_write(())
        return self.counts

    def write_meetings(self, planner, start, stop, writer):
        """Plan meetings ``start + 1`` to ``stop``, then write them and what hangs on them."""
        plans = [planner.plan_meeting(i) for i in range(start + 1, stop + 1)]
        for plan, pk in zip(plans, self.meeting_ids.take(len(plans)), strict=True):
            plan.meeting_id = pk
        participations, topic_links, source_links, organizers, quotes = [], [], [], [], []
        for plan in plans:
            meeting_id = plan.meeting_id
            participations += [(meeting_id, *attendance) for attendance in plan.participations]
            topic_links += [(meeting_id, topic.pk) for topic in plan.topics]
            source_links += [(meeting_id, source.pk) for source in plan.sources]
            organizers += [(meeting_id, *organizer) for organizer in plan.organizers]
            quotes += planner.plan_quotes(plan)
        participation_ids = self.participation_ids.take(len(participations))
        participations = [
            (pk, *row) for pk, row in zip(participation_ids, participations, strict=True)
        ]
        # Plain rows, in the order the counts are reported; see bulk.insert_rows.
        inserts = [
            self.meeting_rows(plans),
            (Participation, ("id", *Attendance.COLUMNS), participations, "participations"),
            (Meeting.topics.through, ("meeting", "topic"), topic_links, "meeting topics"),
            (Meeting.sources.through, ("meeting", "source"), source_links, "meeting sources"),
            (MeetingOrganizer, ("meeting", "organization", "role"), organizers, "organisers"),
            self.citations(plans, iter(participation_ids)),
            (Quote, ("person", "meeting", "source", "text"), quotes, "quotes"),
        ]
        for _, _, rows, name in inserts:
            self.count(name, rows)
        inserts.append((PublicFact, FACT_FIELDS, self.fact_rows(plans), "facts"))  # not reported
        writer.write([(m, fields, rows, self.columns.get(m, ())) for m, fields, rows, _ in inserts])

    def fact_rows(self, plans):
        """The public meetings' facts (meetings/public_facts.py): parties, pairs,
        organisers (the series' convener among them) and series."""
        rows = []
        for plan in plans:
            meeting = plan.meeting
            if meeting["visibility"] not in PUBLIC_VISIBILITIES:
                continue
            organizers = {organization for organization, _role in plan.organizers}
            if convener := self.conveners.get(meeting["series"]):
                organizers.add(convener)
            fields = ("parties", "city", "start_date", "track", "series")
            row = (plan.meeting_id, *(meeting[name] for name in fields))
            rows += public_facts.fact_rows(row, organizers)
        return rows

    def meeting_rows(self, plans):
        """The meetings' rows with their words: in the row on PostgreSQL (a column that
        is no model field), in the search table on SQLite (written here)."""
        now, documents, rows = timezone.now(), [], []
        for plan in plans:
            values = {**plan.meeting, "id": plan.meeting_id, "review_note": ""}
            values["created_at"] = values["updated_at"] = now
            named = [self.names[a.person_id] for a in plan.participations
                     if a.person_id and not a.anonymised]  # fmt: skip
            words = search_index.planned_words(
                values["visibility"], [values[name] for name in TEXTS], named
            )
            documents.append((plan.meeting_id, words))
            rows.append(tuple(values[name] for name in MEETING_FIELDS))
        if connection.vendor == "postgresql":
            rows = [
                (*row, search_index.tsvector_text(words))
                for row, (_, words) in zip(rows, documents, strict=True)
            ]
        else:
            search_index.insert_new(documents)
        return Meeting, MEETING_FIELDS, rows, "meetings"

    def citations(self, plans, participation_ids):
        """The sources naming participants, by the ids the participations were given
        (in each plan's order)."""
        links = []
        for plan in plans:
            ids = [next(participation_ids) for _ in plan.participations]
            links += [(ids[index], source_id) for index, source_id in plan.citations]
        return (
            Participation.sources.through,
            ("participation", "source"),
            links,
            "participation sources",
        )
