"""One populate run: the seed check, the transaction, and the meetings written in batches."""

import random

from django.db import transaction

from ..derived import after_bulk_write
from ..models import Meeting, MeetingOrganizer, Participation, Quote
from .bulk import insert_rows, refresh_planner_statistics
from .plans import MeetingPlanner
from .records import Sizes, SupportingRecordMaker
from .synthetic import Attendance

CHUNK = 1000  # meetings per batch: bounds memory, paces the progress report


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

    def count(self, name, rows):
        self.counts[name] = self.counts.get(name, 0) + len(rows)

    def run(self, progress):
        maker = SupportingRecordMaker(self.rng, self.seed, self.prefix, self.sizes, self.count)
        planner = MeetingPlanner(self.rng, maker.make(), self.prefix)
        total = self.sizes.meetings
        for start in range(0, total, CHUNK):
            self.write_meetings(planner, start, min(total, start + CHUNK))
            if progress:
                progress(min(total, start + CHUNK), total)
        return self.counts

    def write_meetings(self, planner, start, stop):
        """Plan meetings ``start + 1`` to ``stop``, save them, then what hangs on them."""
        plans = [planner.plan_meeting(i) for i in range(start + 1, stop + 1)]
        meetings = Meeting.objects.bulk_create([plan.meeting for plan in plans])
        self.count("meetings", meetings)
        participations, topic_links, source_links, organizers, quotes = [], [], [], [], []
        for plan in plans:
            meeting_id = plan.meeting.pk
            participations += [(meeting_id, *attendance) for attendance in plan.participations]
            topic_links += [(meeting_id, topic.pk) for topic in plan.topics]
            source_links += [(meeting_id, source.pk) for source in plan.sources]
            organizers += [(meeting_id, *organizer) for organizer in plan.organizers]
            quotes += planner.plan_quotes(plan)
        # The largest tables take plain rows; see bulk.insert_rows.
        for model, fields, rows, name in [
            (Participation, Attendance.COLUMNS, participations, "participations"),
            (Meeting.topics.through, ("meeting", "topic"), topic_links, "meeting topics"),
            (Meeting.sources.through, ("meeting", "source"), source_links, "meeting sources"),
            (MeetingOrganizer, ("meeting", "organization", "role"), organizers, "organisers"),
        ]:
            insert_rows(model, fields, rows)
            self.count(name, rows)
        self.write_citations(plans)
        Quote.objects.bulk_create(quotes)
        self.count("quotes", quotes)
        # Bulk writes send no signals: the write side checks the tracks and bumps the cache.
        after_bulk_write(meeting.pk for meeting in meetings)

    def write_citations(self, plans):
        """The sources naming participants: the participations' ids read back in one
        query, in the order they were inserted (each meeting's in its plan's order)."""
        ids = {}
        rows = Participation.objects.filter(meeting_id__in=[plan.meeting.pk for plan in plans])
        for meeting_id, pk in rows.order_by("meeting_id", "pk").values_list("meeting_id", "pk"):
            ids.setdefault(meeting_id, []).append(pk)
        links = [
            (ids[plan.meeting.pk][index], source_id)
            for plan in plans
            for index, source_id in plan.citations
        ]
        insert_rows(Participation.sources.through, ("participation", "source"), links)
        self.count("participation sources", links)
