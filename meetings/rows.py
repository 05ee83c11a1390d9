"""What a meeting row shows beyond the meeting itself (``{% meeting_rows %}``): its
topics and the participants public pages may show, two queries for a page of rows.

Read as plain rows rather than prefetched: for the 25 rows of a listing page,
``prefetch_related`` built about 300 model instances (participations, their people,
topics and a related manager per meeting) and took 10 of the 14 ms the rows cost
(PostgreSQL, 100,000 meetings).
"""

from collections import defaultdict
from typing import NamedTuple

from django.utils.translation import get_language

from .export_reads import Memo, label
from .models import Meeting, Participation

# {language: {(capacity, side): ``Participation.public_label``}}, kept by the process: a
# label is a pure function of the two and the language, and making one (a country name
# through translations) took 0.3 ms; a few hundred pairs exist.
_LABELS = defaultdict(lambda: Memo(label, limit=5000))


class Participant(NamedTuple):
    """A participant as a row shows one: the name and slug only when publicly named."""

    name: str | None
    slug: str | None
    side: str  # a country code, "" for none
    label: str  # ``Participation.public_label`` of the unnamed: 'a former official, United States'


def row_details(meetings):
    """({meeting id: [topic name, by name]}, {meeting id: [Participant, by side]}) of
    ``meetings``; participants only of those that show them (``shows_participants``),
    through the public gate, named only where ``Participation.is_named``."""
    ids = [meeting.pk for meeting in meetings]
    shown = [meeting.pk for meeting in meetings if meeting.shows_participants]
    topics = defaultdict(list)
    links = Meeting.topics.through.objects.filter(meeting_id__in=ids).order_by("topic__name")
    for meeting_id, name in links.values_list("meeting_id", "topic__name"):
        topics[meeting_id].append(name)
    participants = defaultdict(list)
    if shown:
        labels = _LABELS[get_language()]
        rows = Participation.objects.public().filter(meeting_id__in=shown).order_by("side", "pk")
        fields = ("meeting_id", "person_id", "anonymised", "capacity", "side")
        for meeting_id, person, anonymised, capacity, side, slug, name in rows.values_list(
            *fields, "person__slug", "person__full_name"
        ):
            if person is not None and not anonymised:  # named: the label is not shown
                participant = Participant(name, slug, side or "", "")
            else:  # the label names the country through translations: 0.3 ms each
                participant = Participant(None, None, side or "", labels[capacity, side])
            participants[meeting_id].append(participant)
    return topics, participants
