"""The record's fixed vocabularies: visibility, track, date precision, status, capacity, role."""

from django.db import models

from .. import dates
from ..track import TRACK_1, TRACK_1_5, TRACK_2


class Visibility(models.TextChoices):
    CONFIDENTIAL = "confidential", "Confidential"
    PARTICIPANTS_WITHHELD = "participants_withheld", "Participants withheld"
    PUBLIC = "public", "Public"


PUBLIC_VISIBILITIES = [Visibility.PUBLIC, Visibility.PARTICIPANTS_WITHHELD]
LINK_SCHEMES = ("http", "https")


class Track(models.TextChoices):
    ONE = TRACK_1, "Track 1"
    ONE_AND_A_HALF = TRACK_1_5, "Track 1.5"
    TWO = TRACK_2, "Track 2"


class DatePrecision(models.TextChoices):
    DAY = dates.DAY, "Day"
    MONTH = dates.MONTH, "Month"
    YEAR = dates.YEAR, "Year"
    UNKNOWN = dates.UNDATED, "Date unknown"


class Status(models.TextChoices):
    REPORTED = "reported", "Reported"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    POSTPONED = "postponed", "Postponed"


class Capacity(models.TextChoices):
    OFFICIAL = "official", "serving official"
    FORMER_OFFICIAL = "former_official", "former official"
    EXPERT = "expert", "expert"
    OTHER = "other", "other"


class Role(models.TextChoices):
    HEAD = "head", "head of delegation"
    MEMBER = "member", "member"
    FACILITATOR = "facilitator", "facilitator"
    OBSERVER = "observer", "observer"
