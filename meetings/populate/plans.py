"""Drawing each meeting with its participants, topics, sources and quotes, before it is saved."""

import datetime

from django.utils import timezone

from ..models import Capacity, DatePrecision, Meeting, Quote, Role, Status, Visibility
from ..track import compute_track
from .synthetic import (
    CITED_PARTICIPANTS,
    COUNTRIES,
    OFFICIAL_SIDE,
    ORGANIZER_COUNTS,
    ORGANIZER_ROLES,
    OTHER_SIDE,
    PARTICIPANT_COUNTS,
    PARTICIPANT_CUM_WEIGHTS,
    STATUS_WEIGHTS,
    TITLES,
    UNATTACHED_QUOTES,
    UNCOUNTED,
    VISIBILITY_WEIGHTS,
    Attendance,
    MeetingPlan,
    draw_country,
    draw_date,
    summary_for,
)

TODAY = datetime.date(2026, 6, 30)  # fixed, so "scheduled" does not drift with the clock


class MeetingPlanner:
    """Draws a run's meetings one by one from its random stream and supporting records.

    Bulk inserts skip ``Meeting.save()``, so what it would set is set here: the
    publication time, and the stored track and side views by the same rule
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
        city = (
            rng.choices(self.records.cities, cum_weights=self.records.city_cum_weights)[0]
            if rng.random() < 0.95
            else None
        )
        series = rng.choice(self.records.series) if rng.random() < 0.4 else None
        parties, participations, override = self._sides()
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
        sources = rng.sample(self.records.sources, rng.choice((0, 1, 1, 2, 3)))
        plan = MeetingPlan(meeting, participations, topics, sources)
        plan.organizers = self._organizers()
        plan.citations = self._citations(participations, sources)
        return plan

    def _organizers(self):
        """(organization id, role) pairs: most meetings name no organiser, some one to three."""
        rng = self.rng
        count = rng.choices(list(ORGANIZER_COUNTS), ORGANIZER_COUNTS.values())[0]
        pairs = set()
        for organization in rng.sample(self.records.organizations, count):
            role = rng.choices(list(ORGANIZER_ROLES), ORGANIZER_ROLES.values())[0]
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
        people = self.records.people
        for candidates in (self.records.people_by_country.get(side) or people, people):
            for _ in range(5):
                person = self.rng.choice(candidates)
                if person.pk not in taken:
                    return person
        return next((person for person in people if person.pk not in taken), None)

    def plan_quotes(self, plan):
        """Once the meeting is saved (``plan.meeting.pk`` is needed): at most one quote at
        the meeting, and now and then one tied only to a source the meeting cites."""
        named = [p for p in plan.participations if p.person_id and not p.anonymised]
        if not named:
            return []
        quotes = []
        if self.rng.random() < 0.1:
            speaker = self.rng.choice(named)
            quotes.append(
                Quote(
                    person_id=speaker.person_id,
                    meeting_id=plan.meeting.pk,
                    source=plan.sources[0] if plan.sources else None,
                    text=f"Synthetic remark about {plan.topics[0].name.lower()}.",
                )
            )
        if plan.sources and self.rng.random() < UNATTACHED_QUOTES:
            quotes.append(
                Quote(
                    person_id=self.rng.choice(named).person_id,
                    source=self.rng.choice(plan.sources),
                    text=f"Synthetic comment on {plan.topics[-1].name.lower()}, given later.",
                )
            )
        return quotes
