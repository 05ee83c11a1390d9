"""The meetings app's models, one module per part of the record."""

from .cachestate import MissedCacheBump
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
from .counts import NO_CITY, NO_YEAR, PublicMeetingCount
from .meeting import Meeting, MeetingQuerySet
from .participation import Participation, Quote

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
    "MissedCacheBump",
    "Participation",
    "PublicMeetingCount",
    "Quote",
    "Role",
    "Source",
    "Status",
    "Topic",
    "Track",
    "Visibility",
]
