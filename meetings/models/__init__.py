"""The meetings app's models, one module per part of the record."""

from .catalogue import City, DialogueSeries, Source, Topic
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
from .gates import public_people
from .meeting import Meeting, MeetingQuerySet
from .participation import Participation
from .quote import Quote

__all__ = [
    "LINK_SCHEMES",
    "NO_CITY",
    "NO_YEAR",
    "PUBLIC_VISIBILITIES",
    "Capacity",
    "City",
    "DatePrecision",
    "DialogueSeries",
    "Meeting",
    "MeetingQuerySet",
    "Participation",
    "PublicMeetingCount",
    "Quote",
    "Role",
    "Source",
    "Status",
    "Topic",
    "Track",
    "Visibility",
    "public_people",
]
