"""What synthetic records are made of: made-up names, vocabularies and proportions.

The populate command (the meetings/populate/ package) draws from these. Names say
"Synthetic" so no record passes for a real one.
"""

import datetime
import functools
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

from people.models import Organization

from ..models import Capacity, OrganizerRole, Status, Visibility

# Sides at the table, weighted towards the dialogues the record is about.
COUNTRY_WEIGHTS = {
    "US": 30, "KP": 22, "KR": 16, "CN": 14, "JP": 10, "RU": 8, "GB": 4, "DE": 3,
    "FR": 3, "SE": 3, "CH": 3, "MN": 3, "VN": 2, "SG": 2, "IN": 2, "IR": 2,
    "FI": 1, "NO": 1, "AU": 1, "CA": 1,
}  # fmt: skip
COUNTRIES = list(COUNTRY_WEIGHTS)
# Cumulative weights, summed once rather than on every draw (same draws as weights=).
COUNTRY_CUM_WEIGHTS = list(accumulate(COUNTRY_WEIGHTS.values()))

TOPICS = [
    "Denuclearisation", "Maritime security", "Missile testing", "Sanctions relief",
    "Humanitarian aid", "Family reunions", "Remains recovery", "Cyber security",
    "Confidence-building measures", "Arms control", "Energy cooperation",
    "Trade and investment", "Public health", "Climate and environment",
    "Peace regime", "Crisis communication", "Nuclear safety", "Space security",
    "Fisheries", "Border management", "Refugees", "Food security",
    "Export controls", "Military hotlines", "Tourism", "Academic exchanges",
    "Sports diplomacy", "Maritime boundaries", "Chemical weapons", "Biosecurity",
]  # fmt: skip
PUBLISHERS = [
    "Synthetic Times", "Synthetic Review", "Synthetic Wire", "Synthetic Policy Bulletin",
    "The Synthetic Observer", "Synthetic Broadcasting",
]  # fmt: skip
TITLES = {
    Capacity.OFFICIAL: ["Vice Foreign Minister", "Director-General", "Deputy Director",
                        "Ambassador", "Special Envoy", "Colonel", "Counsellor"],
    Capacity.FORMER_OFFICIAL: ["former Ambassador", "former Special Envoy",
                               "former Deputy Secretary", "retired General"],
    Capacity.EXPERT: ["Senior Fellow", "Professor", "Research Director", "Visiting Scholar"],
    Capacity.OTHER: ["Journalist", "Business executive", "Aid worker"],
}  # fmt: skip
ORG_KINDS = [
    (Organization.Kind.GOVERNMENT, "Ministry"), (Organization.Kind.MILITARY, "Command"),
    (Organization.Kind.THINK_TANK, "Institute"), (Organization.Kind.UNIVERSITY, "University"),
    (Organization.Kind.NGO, "Foundation"), (Organization.Kind.INTERNATIONAL, "Agency"),
    (Organization.Kind.MEDIA, "Network"), (Organization.Kind.OTHER, "Council"),
]  # fmt: skip
VISIBILITY_WEIGHTS = {
    Visibility.PUBLIC: 80, Visibility.PARTICIPANTS_WITHHELD: 12, Visibility.CONFIDENTIAL: 8,
}  # fmt: skip
# Organisers: how many a meeting has (most none), and which part each plays.
ORGANIZER_COUNTS = {0: 60, 1: 30, 2: 8, 3: 2}
ORGANIZER_ROLES = {OrganizerRole.CONVENER: 50, OrganizerRole.HOST: 35, OrganizerRole.FUNDER: 15}
SERIES_CONVENED = 0.7  # the share of series whose convener is known
CITED_PARTICIPANTS = 0.3  # the share of named participants a source of the meeting names
UNATTACHED_QUOTES = 0.05  # meetings with a quote tied only to one of their sources
STATUS_WEIGHTS = {Status.HELD: 70, Status.REPORTED: 20, Status.CANCELLED: 5, Status.POSTPONED: 5}
# 2 to 20 participants, most meetings small (weights 1/k: about 7 on average).
PARTICIPANT_COUNTS = list(range(2, 21))
PARTICIPANT_CUM_WEIGHTS = list(accumulate(1 / k for k in PARTICIPANT_COUNTS))
# Capacities of the further members of a side that sends officials, of a side
# that does not, and of facilitators and observers.
OFFICIAL_SIDE = (Capacity.OFFICIAL, Capacity.FORMER_OFFICIAL, Capacity.EXPERT)
OTHER_SIDE = (Capacity.FORMER_OFFICIAL, Capacity.EXPERT, Capacity.OTHER)
UNCOUNTED = (Capacity.EXPERT, Capacity.OTHER)


class Weighted:
    """A population and its weights, drawn exactly as ``rng.choices(population,
    weights)[0]`` draws (one random number, the same member) without summing the
    weights and building a list on every draw."""

    def __init__(self, population, weights=None, cum_weights=None):
        self.population = list(population)
        self.cum_weights = list(cum_weights or accumulate(weights))
        self.total = self.cum_weights[-1] + 0.0
        self.last = len(self.population) - 1

    def draw(self, rng):
        return self.population[bisect(self.cum_weights, rng.random() * self.total, 0, self.last)]


VISIBILITY = Weighted(VISIBILITY_WEIGHTS, VISIBILITY_WEIGHTS.values())
ORGANIZER_COUNT = Weighted(ORGANIZER_COUNTS, ORGANIZER_COUNTS.values())
ORGANIZER_ROLE = Weighted(ORGANIZER_ROLES, ORGANIZER_ROLES.values())
STATUS = Weighted(STATUS_WEIGHTS, STATUS_WEIGHTS.values())
PARTY_COUNT = Weighted((2, 3, 4), (70, 20, 10))
PARTICIPANT_COUNT = Weighted(PARTICIPANT_COUNTS, cum_weights=PARTICIPANT_CUM_WEIGHTS)
CAPACITY_OFFICIAL_SIDE = Weighted(OFFICIAL_SIDE, (50, 25, 25))
CAPACITY_OTHER_SIDE = Weighted(OTHER_SIDE, (40, 50, 10))
COUNTRY = Weighted(COUNTRIES, cum_weights=COUNTRY_CUM_WEIGHTS)


@functools.cache
def years_between(first_year, last_year):
    """The years, later years weighing more: the record grows towards the present."""
    years = range(first_year, last_year + 1)
    return Weighted(years, range(1, len(years) + 1))


def draw_country(rng):
    """A side at the table, drawn by ``COUNTRY_WEIGHTS``."""
    return COUNTRY.draw(rng)


def draw_date(rng, first_year=1990, last_year=2027):
    """A day in the years given, later years more likely."""
    year = years_between(first_year, last_year).draw(rng)
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def summary_for(topics):
    return f"Synthetic record. The sides discussed {', '.join(t.name.lower() for t in topics)}."


class Attendance(NamedTuple):
    """A participation before its meeting has an id: plain values, ready to insert."""

    person_id: int | None
    side: str
    capacity: str
    role: str
    title_at_time: str
    anonymised: bool

    COLUMNS = ("meeting", "person", "side", "capacity", "role", "title_at_time", "anonymised")


@dataclass
class MeetingPlan:
    """A meeting and what hangs on it, drawn before any of it is written.

    ``meeting``: the values of the meeting's row by field name (ids for foreign
    keys, stored forms for parties and side views); ``organizers``: (organization id,
    role) pairs; ``citations``: (index of a participation in ``participations``,
    source id) pairs, the sources naming them; ``meeting_id``: set when it is written.
    """

    meeting: dict
    participations: list
    topics: list
    sources: list
    organizers: list = field(default_factory=list)
    citations: list = field(default_factory=list)
    meeting_id: int | None = None
