"""Synthetic but realistic records at scale, deterministic for a seed.

Everything is drawn from one ``random.Random(seed)`` (vocabulary and
proportions in ``meetings/synthetic.py``) and written in batches inside one
transaction: ``bulk_create`` for most records, plain rows for the three largest
tables (``meetings/bulk.py``). Both bypass ``Meeting.save()``, so the stored
track and side views are computed here with the same rule (``compute_track``)
before the rows are inserted.

Every slug a run writes starts with ``syn<seed>-``, so runs with different
seeds add to the same database without collisions, and a second run with the
same seed is refused.
"""

import datetime
import random
from dataclasses import dataclass
from itertools import accumulate

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from people.models import Affiliation, Organization, Person

from .bulk import insert_rows, refresh_planner_statistics
from .cache import bump_record_version
from .models import (
    Capacity,
    City,
    DatePrecision,
    DialogueSeries,
    Meeting,
    Participation,
    Quote,
    Role,
    Source,
    Status,
    Topic,
    Visibility,
)
from .synthetic import (
    COUNTRIES,
    OFFICIAL_SIDE,
    ORG_KINDS,
    OTHER_SIDE,
    PARTICIPANT_COUNTS,
    PARTICIPANT_CUM_WEIGHTS,
    PUBLISHERS,
    STATUS_WEIGHTS,
    TITLES,
    TOPICS,
    UNCOUNTED,
    VISIBILITY_WEIGHTS,
    Attendance,
    MeetingPlan,
    draw_country,
    draw_date,
    summary_for,
)
from .track import compute_track

CHUNK = 1000  # meetings per batch: bounds memory, paces the progress report
TODAY = datetime.date(2026, 6, 30)  # fixed, so "scheduled" does not drift with the clock


class AlreadyPopulated(Exception):
    """The seed's records are already in the database."""


@dataclass(frozen=True)
class Sizes:
    """How many of each supporting record a run of ``meetings`` meetings makes."""

    meetings: int

    @property
    def people(self):
        return max(30, self.meetings // 5)

    @property
    def organizations(self):
        return max(4, self.meetings // 50)

    @property
    def cities(self):
        return max(5, min(300, self.meetings // 20))

    @property
    def series(self):
        return max(3, self.meetings // 100)

    @property
    def sources(self):
        return max(5, self.meetings // 4)


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
    bump_record_version()  # bulk inserts send no signals
    refresh_planner_statistics()
    return counts


class Populator:
    """One run: the random stream, the records made so far, and how to make the next ones."""

    def __init__(self, meetings, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.prefix = slug_prefix(seed)
        self.sizes = Sizes(meetings)
        self.counts = {}
        self.series_rounds = {}
        self.published_at = timezone.now()  # bulk inserts skip Meeting.save()

    def _count(self, name, rows):
        self.counts[name] = self.counts.get(name, 0) + len(rows)

    def run(self, progress):
        self.make_topics()
        self.make_organizations()
        self.make_people()
        self.make_cities()
        self.make_series()
        self.make_sources()
        total = self.sizes.meetings
        for start in range(0, total, CHUNK):
            self.make_meetings(start, min(total, start + CHUNK))
            if progress:
                progress(min(total, start + CHUNK), total)
        return self.counts

    # Supporting records -------------------------------------------------

    def make_topics(self):
        """Topics are a shared vocabulary: reuse those of the same name already there."""
        existing = {topic.name: topic for topic in Topic.objects.filter(name__in=TOPICS)}
        taken = set(Topic.objects.values_list("slug", flat=True))
        missing = []
        for name in TOPICS:
            if name not in existing:
                slug = slugify(name)
                missing.append(
                    Topic(name=name, slug=slug if slug not in taken else self.prefix + slug)
                )
        self._count("topics", Topic.objects.bulk_create(missing))
        self.topics = [
            *existing.values(),
            *Topic.objects.filter(name__in=[t.name for t in missing]),
        ]
        self.topics.sort(key=lambda topic: TOPICS.index(topic.name))

    def make_organizations(self):
        rows = []
        for i in range(1, self.sizes.organizations + 1):
            kind, word = self.rng.choice(ORG_KINDS)
            rows.append(
                Organization(
                    name=f"Synthetic {word} {i:04d}",
                    slug=f"{self.prefix}organization-{i:04d}",
                    kind=kind,
                    country=draw_country(self.rng),
                )
            )
        self.organizations = Organization.objects.bulk_create(rows, batch_size=2000)
        self._count("organizations", rows)

    def make_people(self):
        rows = []
        for i in range(1, self.sizes.people + 1):
            name = f"Synthetic Person {i:05d}"
            rows.append(
                Person(
                    full_name=name,
                    slug=f"{self.prefix}person-{i:05d}",
                    sort_name=f"Person {i:05d}, Synthetic",
                    other_names=f"Synthetik Persson {i:05d}" if self.rng.random() < 0.1 else "",
                    country=draw_country(self.rng),
                    bio=f"A synthetic participant, number {i}, made for load testing.",
                    internal_notes="Synthetic staff note." if self.rng.random() < 0.2 else "",
                )
            )
        self.people = Person.objects.bulk_create(rows, batch_size=2000)
        self._count("people", rows)
        self.people_by_country = {}
        for person in self.people:
            self.people_by_country.setdefault(str(person.country), []).append(person)
        self.make_affiliations()

    def make_affiliations(self):
        rows = []
        for person in self.people:
            for _ in range(self.rng.choice((1, 1, 2))):
                start = draw_date(self.rng, 1970, 2024) if self.rng.random() < 0.8 else None
                end = None
                if start and self.rng.random() < 0.5:
                    end = start + datetime.timedelta(days=self.rng.randrange(30, 4000))
                rows.append(
                    Affiliation(
                        person=person,
                        organization=self.rng.choice(self.organizations),
                        role=self.rng.choice([*TITLES[Capacity.EXPERT], "Adviser", ""]),
                        start_date=start,
                        end_date=end,
                    )
                )
        Affiliation.objects.bulk_create(rows, batch_size=2000)
        self._count("affiliations", rows)

    def make_cities(self):
        rows = [
            City(
                name=f"Synthetic City {i:03d}-{self.seed}",
                slug=f"{self.prefix}city-{i:03d}",
                country=draw_country(self.rng),
            )
            for i in range(1, self.sizes.cities + 1)
        ]
        self.cities = City.objects.bulk_create(rows)
        # A few cities host most meetings, as Geneva and Beijing do.
        self.city_cum_weights = list(
            accumulate(1 / rank for rank in range(1, len(self.cities) + 1))
        )
        self._count("cities", rows)

    def make_series(self):
        rows = [
            DialogueSeries(
                name=f"Synthetic Dialogue {i:03d}",
                slug=f"{self.prefix}series-{i:03d}",
                convener=self.rng.choice(self.organizations),
                description="A synthetic recurring dialogue.",
            )
            for i in range(1, self.sizes.series + 1)
        ]
        self.series = DialogueSeries.objects.bulk_create(rows)
        self._count("series", rows)

    def make_sources(self):
        rows = []
        for i in range(1, self.sizes.sources + 1):
            rows.append(
                Source(
                    title=f"Synthetic report {i:05d}",
                    publisher=self.rng.choice(PUBLISHERS),
                    url=f"https://example.org/synthetic/{self.seed}/{i}",
                    published_on=draw_date(self.rng) if self.rng.random() < 0.9 else None,
                    excerpt="A synthetic passage the record relies on.",
                )
            )
        self.sources = Source.objects.bulk_create(rows, batch_size=2000)
        self._count("sources", rows)

    # Meetings -----------------------------------------------------------

    def make_meetings(self, start, stop):
        plans = [self.plan_meeting(i) for i in range(start + 1, stop + 1)]
        meetings = Meeting.objects.bulk_create([plan.meeting for plan in plans])
        self._count("meetings", meetings)
        participations, topic_links, source_links, quotes = [], [], [], []
        for plan in plans:
            meeting_id = plan.meeting.pk
            participations += [(meeting_id, *attendance) for attendance in plan.participations]
            topic_links += [(meeting_id, topic.pk) for topic in plan.topics]
            source_links += [(meeting_id, source.pk) for source in plan.sources]
            quotes += self.plan_quotes(plan)
        # The three largest tables take plain rows; see meetings.bulk.insert_rows.
        for model, fields, rows, name in [
            (Participation, Attendance.COLUMNS, participations, "participations"),
            (Meeting.topics.through, ("meeting", "topic"), topic_links, "meeting topics"),
            (Meeting.sources.through, ("meeting", "source"), source_links, "meeting sources"),
        ]:
            insert_rows(model, fields, rows)
            self._count(name, rows)
        Quote.objects.bulk_create(quotes)
        self._count("quotes", quotes)

    def plan_meeting(self, number):
        rng = self.rng
        topics = rng.sample(self.topics, rng.choice((1, 1, 2, 2, 3)))
        city = (
            rng.choices(self.cities, cum_weights=self.city_cum_weights)[0]
            if rng.random() < 0.95
            else None
        )
        series = rng.choice(self.series) if rng.random() < 0.4 else None
        parties = self._parties()
        participations = self._participations(parties)
        undetermined = rng.random() < 0.05
        if undetermined:  # a side the sources name but whose people they do not
            parties.append(next(c for c in rng.sample(COUNTRIES, 6) if c not in parties))
        override = rng.choice(("1", "1.5", "2", "")) if undetermined else ""
        result = compute_track(
            parties, [(a.side, a.capacity, a.role) for a in participations], override
        )
        start, end, precision = self._dates()
        visibility = rng.choices(list(VISIBILITY_WEIGHTS), VISIBILITY_WEIGHTS.values())[0]
        meeting = Meeting(
            title=self._title(series, topics, city),
            slug=f"{self.prefix}meeting-{number:06d}",
            series=series,
            start_date=start,
            end_date=end,
            date_precision=precision,
            city=city,
            venue=f"Synthetic Hotel {rng.randrange(1, 60)}" if rng.random() < 0.6 else "",
            occasion=self._occasion(start),
            status=self._status(start),
            parties=parties,
            track=result.track,
            side_tracks=result.sides,
            track_override=override,
            visibility=visibility,
            published_at=None if visibility == Visibility.CONFIDENTIAL else self.published_at,
            summary=summary_for(topics),
            internal_notes="Synthetic staff note." if visibility == Visibility.CONFIDENTIAL else "",
        )
        sources = rng.sample(self.sources, rng.choice((0, 1, 1, 2, 3)))
        return MeetingPlan(meeting, participations, topics, sources)

    def _parties(self):
        count = self.rng.choices((2, 3, 4), (70, 20, 10))[0]
        parties = []
        while len(parties) < count:
            country = draw_country(self.rng)
            if country not in parties:
                parties.append(country)
        return parties

    def _dates(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.08:
            return None, None, DatePrecision.YEAR
        start = draw_date(rng)
        if roll < 0.2:
            return datetime.date(start.year, 1, 1), None, DatePrecision.YEAR
        if roll < 0.4:
            return datetime.date(start.year, start.month, 1), None, DatePrecision.MONTH
        end = start + datetime.timedelta(days=rng.randrange(1, 4)) if rng.random() < 0.3 else None
        return start, end, DatePrecision.DAY

    def _status(self, start):
        if start and start > TODAY:
            return self.rng.choice((Status.SCHEDULED, Status.SCHEDULED, Status.POSTPONED))
        return self.rng.choices(list(STATUS_WEIGHTS), STATUS_WEIGHTS.values())[0]

    def _occasion(self, start):
        if self.rng.random() >= 0.2:
            return ""
        year = start.year if start else "an unknown year"
        return f"sidelines of the Synthetic Security Forum, {year}"

    def _title(self, series, topics, city):
        if series:
            self.series_rounds[series.pk] = self.series_rounds.get(series.pk, 0) + 1
            return f"{series.name}, round {self.series_rounds[series.pk]}"
        place = f" in {city.name}" if city else ""
        return f"{topics[0].name} talks{place}"

    def _official_sides(self, parties):
        """Which sides send serving officials: all (Track 1), some (1.5) or none (2)."""
        shape = self.rng.random()
        if shape < 0.3:
            return set(parties)
        if shape < 0.7:
            mixed = {parties[0]} | {side for side in parties[1:] if self.rng.random() < 0.5}
            return mixed - {parties[-1]} if mixed == set(parties) else mixed
        return set()

    def _participations(self, parties):
        """Participants for each side, the first of each its head, a few facilitators."""
        rng = self.rng
        official_sides = self._official_sides(parties)
        count = max(
            len(parties), rng.choices(PARTICIPANT_COUNTS, cum_weights=PARTICIPANT_CUM_WEIGHTS)[0]
        )
        taken, rows = set(), []
        for index in range(count):
            if index >= len(parties) and rng.random() < 0.08:
                role = rng.choice((Role.FACILITATOR, Role.OBSERVER))
                rows.append(self._participation("", rng.choice(UNCOUNTED), role, taken))
                continue
            side = parties[index % len(parties)]
            first = index < len(parties)
            capacity = self._capacity(side in official_sides, first)
            rows.append(
                self._participation(side, capacity, Role.HEAD if first else Role.MEMBER, taken)
            )
        return rows

    def _capacity(self, official_side, first):
        if official_side:
            if first:
                return Capacity.OFFICIAL
            return self.rng.choices(OFFICIAL_SIDE, (50, 25, 25))[0]
        return self.rng.choices(OTHER_SIDE, (40, 50, 10))[0]

    def _participation(self, side, capacity, role, taken):
        """One participant; ``taken`` holds the people already at this meeting."""
        rng = self.rng
        person = None if rng.random() < 0.03 else self._person(side, taken)
        if person:
            taken.add(person.pk)
        return Attendance(
            person.pk if person else None,
            side,
            capacity.value,
            role.value,
            rng.choice(TITLES[capacity]),
            rng.random() < 0.05,
        )

    def _person(self, side, taken):
        """Someone from the side's country when one is free, else anyone free, else nobody."""
        for candidates in (self.people_by_country.get(side) or self.people, self.people):
            for _ in range(5):
                person = self.rng.choice(candidates)
                if person.pk not in taken:
                    return person
        return next((person for person in self.people if person.pk not in taken), None)

    def plan_quotes(self, plan):
        named = [p for p in plan.participations if p.person_id and not p.anonymised]
        if not named or self.rng.random() >= 0.1:
            return []
        speaker = self.rng.choice(named)
        return [
            Quote(
                person_id=speaker.person_id,
                meeting_id=plan.meeting.pk,
                source=plan.sources[0] if plan.sources else None,
                text=f"Synthetic remark about {plan.topics[0].name.lower()}.",
            )
        ]
