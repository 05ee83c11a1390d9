"""A run's supporting records: topics, organisations, people, cities, series and sources."""

import datetime
from dataclasses import dataclass, field

from django.utils.text import slugify

from people.models import Affiliation, Organization, Person

from ..models import Capacity, City, DialogueSeries, Source, Topic
from .bulk import insert_objects
from .synthetic import (
    ORG_KINDS,
    PUBLISHERS,
    SERIES_CONVENED,
    TITLES,
    TOPICS,
    Weighted,
    draw_country,
    draw_date,
)


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


@dataclass
class SupportingRecords:
    """What a run's meetings draw on, saved and with their ids."""

    topics: list
    organizations: list
    people: list
    cities: list
    series: list
    sources: list
    people_by_country: dict = field(init=False)
    city: Weighted = field(init=False)

    def __post_init__(self):
        self.people_by_country = {}
        for person in self.people:
            self.people_by_country.setdefault(str(person.country), []).append(person)
        # A few cities host most meetings, as Geneva and Beijing do.
        self.city = Weighted(self.cities, [1 / rank for rank in range(1, len(self.cities) + 1)])


class SupportingRecordMaker:
    """Makes and saves a run's supporting records; ``count(name, rows)`` tallies them."""

    def __init__(self, rng, seed, prefix, sizes, count):
        self.rng = rng
        self.seed = seed
        self.prefix = prefix
        self.sizes = sizes
        self.count = count

    def make(self):
        # The order draws from the random stream: changing it changes every later record.
        topics = self.make_topics()
        organizations = self.make_organizations()
        people = self.make_people()
        self.make_affiliations(people, organizations)
        cities = self.make_cities()
        series = self.make_series(organizations)
        sources = self.make_sources()
        return SupportingRecords(topics, organizations, people, cities, series, sources)

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
        self.count("topics", Topic.objects.bulk_create(missing))
        topics = [
            *existing.values(),
            *Topic.objects.filter(name__in=[t.name for t in missing]),
        ]
        topics.sort(key=lambda topic: TOPICS.index(topic.name))
        return topics

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
        organizations = insert_objects(Organization, rows)
        self.count("organizations", rows)
        return organizations

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
        people = insert_objects(Person, rows)
        self.count("people", rows)
        return people

    def make_affiliations(self, people, organizations):
        rows = []
        for person in people:
            for _ in range(self.rng.choice((1, 1, 2))):
                start = draw_date(self.rng, 1970, 2024) if self.rng.random() < 0.8 else None
                end = None
                if start and self.rng.random() < 0.5:
                    end = start + datetime.timedelta(days=self.rng.randrange(30, 4000))
                rows.append(
                    Affiliation(
                        person=person,
                        organization=self.rng.choice(organizations),
                        role=self.rng.choice([*TITLES[Capacity.EXPERT], "Adviser", ""]),
                        start_date=start,
                        end_date=end,
                    )
                )
        insert_objects(Affiliation, rows)
        self.count("affiliations", rows)

    def make_cities(self):
        rows = [
            City(
                name=f"Synthetic City {i:03d}-{self.seed}",
                slug=f"{self.prefix}city-{i:03d}",
                country=draw_country(self.rng),
            )
            for i in range(1, self.sizes.cities + 1)
        ]
        cities = City.objects.bulk_create(rows)
        self.count("cities", rows)
        return cities

    def make_series(self, organizations):
        rows = [
            DialogueSeries(
                name=f"Synthetic Dialogue {i:03d}",
                slug=f"{self.prefix}series-{i:03d}",
                convener=self.rng.choice(organizations)
                if self.rng.random() < SERIES_CONVENED
                else None,
                description="A synthetic recurring dialogue.",
            )
            for i in range(1, self.sizes.series + 1)
        ]
        series = DialogueSeries.objects.bulk_create(rows)
        self.count("series", rows)
        return series

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
        sources = insert_objects(Source, rows)
        self.count("sources", rows)
        return sources
