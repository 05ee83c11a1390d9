"""The meetings app's models, one module per part of the record."""

from .catalogue import City, DialogueSeries, Source, Topic, web_link
from .choices import (
    LINK_SCHEMES,
    PUBLIC_VISIBILITIES,
    Capacity,
    DatePrecision,
    Role,
    Status,
    Track,
    Visibility,
)
from .count_table import NO_CITY, NO_YEAR, PublicMeetingCount
from .fact_table import FactKind, PublicFact, PublicFactTotal
from .gates import public_organizations, public_organizers, public_people, publicly_affiliated
from .meeting import Meeting, MeetingQuerySet
from .organizer import MeetingOrganizer, OrganizerRole
from .participation import Participation
from .quote import Quote, public_quote

__all__ = [
    "LINK_SCHEMES",
    "NO_CITY",
    "NO_YEAR",
    "PUBLIC_VISIBILITIES",
    "Capacity",
    "City",
    "DatePrecision",
    "DialogueSeries",
    "FactKind",
    "Meeting",
    "MeetingOrganizer",
    "MeetingQuerySet",
    "OrganizerRole",
    "Participation",
    "PublicFact",
    "PublicFactTotal",
    "PublicMeetingCount",
    "Quote",
    "Role",
    "Source",
    "Status",
    "Topic",
    "Track",
    "Visibility",
    "public_organizations",
    "public_organizers",
    "public_people",
    "public_quote",
    "publicly_affiliated",
    "web_link",
]
