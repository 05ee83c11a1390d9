"""Drawing each meeting with its participants, topics, sources and quotes, before it is saved."""

import datetime
import json

from django.utils import timezone

from ..models import Capacity, DatePrecision, Role, Status, Visibility
from ..track import compute_track
from .synthetic import (
    CAPACITY_OFFICIAL_SIDE,
    CAPACITY_OTHER_SIDE,
    CITED_PARTICIPANTS,
    COUNTRIES,
    ORGANIZER_COUNT,
    ORGANIZER_ROLE,
    PARTICIPANT_COUNT,
    PARTY_COUNT,
    STATUS,
    TITLES,
    UNATTACHED_QUOTES,
    UNCOUNTED,
    VISIBILITY,
    Attendance,
    MeetingPlan,
    draw_country,
    draw_date,
    summary_for,
)

TODAY = datetime.date(2026, 6, 30)  # fixed, so "scheduled" does not drift with the clock


class MeetingPlanner:
    """Draws a run's meetings one by one from its random stream and supporting records.

    A meeting is drawn as the values of its row (``MeetingPlan.meeting``), ready to
    insert: bulk inserts skip ``Meeting.save()``, so what it would set is set here:
    the publication time, and the stored track and side views by the same rule
    (``compute_track``).
    """

    def __init__(self, rng, records, prefix):
        self.rng = rng
        self.records = records
        self.prefix = prefix
        self.series_rounds = {}
        self.published_at = timezone.now()

    def plan_meeting(self, number):
        rng = self.rng
        topics = rng.sample(self.records.topics, rng.choice((1, 1, 2, 2, 3)))
        city = self.records.city.draw(rng) if rng.random() < 0.95 else None
        series = rng.choice(self.records.series) if rng.random() < 0.4 else None
        parties, participations, override = self._sides()
        result = compute_track(
            parties, [(a.side, a.capacity, a.role) for a in participations], override
        )
        start, end, precision = self._dates()
        visibility = VISIBILITY.draw(rng)
        # The values in the order they are drawn (a dict literal evaluates in order).
        meeting = {
            "title": self._title(series, topics, city),
            "slug": f"{self.prefix}meeting-{number:06d}",
            "series": series.pk if series else None,
            "start_date": start,
            "end_date": end,
            "date_precision": precision.value,
            "city": city.pk if city else None,
            "venue": f"Synthetic Hotel {rng.randrange(1, 60)}" if rng.random() < 0.6 else "",
            "occasion": self._occasion(start),
            "status": self._status(start).value,
            "parties": ",".join(sorted(parties)),  # as stored: sorted, unique
            "track": result.track,
            "side_tracks": json.dumps(result.sides),
            "track_override": override,
            "visibility": visibility.value,
            "published_at": None if visibility == Visibility.CONFIDENTIAL else self.published_at,
            "summary": summary_for(topics),
            "internal_notes": "Synthetic staff note."
            if visibility == Visibility.CONFIDENTIAL
            else "",
        }
        sources = rng.sample(self.records.sources, rng.choice((0, 1, 1, 2, 3)))
        plan = MeetingPlan(meeting, participations, topics, sources)
        plan.organizers = self._organizers()
        plan.citations = self._citations(participations, sources)
        return plan

    def _organizers(self):
        """(organization id, role) pairs: most meetings name no organiser, some one to three."""
        rng = self.rng
        count = ORGANIZER_COUNT.draw(rng)
        pairs = set()
        for organization in rng.sample(self.records.organizations, count):
            role = ORGANIZER_ROLE.draw(rng)
            pairs.add((organization.pk, role.value))
        return sorted(pairs)

    def _citations(self, participations, sources):
        """(participation index, source id): some named participants cited by a source
        of their meeting."""
        if not sources:
            return []
        return [
            (index, self.rng.choice(sources).pk)
            for index, attendance in enumerate(participations)
            if attendance.person_id and self.rng.random() < CITED_PARTICIPANTS
        ]

    def _sides(self):
        """(parties, participations, override); now and then a side stays undetermined."""
        parties = self._parties()
        participations = self._participations(parties)
        undetermined = self.rng.random() < 0.05
        if undetermined:  # a side the sources name but whose people they do not
            parties.append(next(c for c in self.rng.sample(COUNTRIES, 6) if c not in parties))
        override = self.rng.choice(("1", "1.5", "2", "")) if undetermined else ""
        return parties, participations, override

    def _parties(self):
        count = PARTY_COUNT.draw(self.rng)
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
            return None, None, DatePrecision.UNKNOWN
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
        return STATUS.draw(self.rng)

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
        count = max(len(parties), PARTICIPANT_COUNT.draw(rng))
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
            return CAPACITY_OFFICIAL_SIDE.draw(self.rng)
        return CAPACITY_OTHER_SIDE.draw(self.rng)

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
        people = self.records.people
        for candidates in (self.records.people_by_country.get(side) or people, people):
            for _ in range(5):
                person = self.rng.choice(candidates)
                if person.pk not in taken:
                    return person
        return next((person for person in people if person.pk not in taken), None)

    def plan_quotes(self, plan):
        """Once the meeting has its id (``plan.meeting_id``): at most one quote at the
        meeting, and now and then one tied only to a source the meeting cites; each
        (person id, meeting id, source id, text)."""
        named = [p for p in plan.participations if p.person_id and not p.anonymised]
        if not named:
            return []
        quotes = []
        if self.rng.random() < 0.1:
            speaker = self.rng.choice(named)
            quotes.append(
                (
                    speaker.person_id,
                    plan.meeting_id,
                    plan.sources[0].pk if plan.sources else None,
                    f"Synthetic remark about {plan.topics[0].name.lower()}.",
                )
            )
        if plan.sources and self.rng.random() < UNATTACHED_QUOTES:
            quotes.append(
                (
                    self.rng.choice(named).person_id,
                    None,
                    self.rng.choice(plan.sources).pk,
                    f"Synthetic comment on {plan.topics[-1].name.lower()}, given later.",
                )
            )
        return quotes
