"""What the overview and the party facet count, kept per public meeting: its parties,
its pairs of parties, its organisers and its series (meetings/public_facts.py)."""

from django.db import models

from backchannel.records import RecordModel

from .catalogue import City
from .meeting import Meeting


class FactKind(models.TextChoices):
    PARTY = "party", "party"  # key: a country code
    PAIR = "pair", "pair of parties"  # key: two codes in order, "KP US"
    ORGANIZER = "org", "organiser"  # key: an organisation's id, in any role or as convener
    SERIES = "series", "series"  # key: a series' id


class PublicFact(RecordModel):
    """One thing a public meeting counts for, with the meeting's city, year, track and
    date, so that the filters the count table answers select facts without the meetings.

    Written only by meetings/public_facts.py, for public meetings only; no database
    constraint ties it to the meeting (the write side removes a meeting's facts itself,
    to take them off the totals)."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # public_fact_meeting_idx starts with it
        related_name="+",
    )
    kind = models.CharField(max_length=6, choices=FactKind.choices)
    key = models.CharField(max_length=16)
    city = models.ForeignKey(
        City,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # 0 for no city, as in the count table
        db_index=False,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField()  # 0 for no date
    track = models.CharField(max_length=3, blank=True)
    start_date = models.DateField(null=True)
    # The meeting's parties, "KP,US" (sorted codes), so that the party facet of the
    # meetings one fact selects is grouped from that fact's index entries alone.
    parties = models.TextField(blank=True, default="")

    class Meta:
        default_permissions = ()
        indexes = [
            # A series' first and last dates, the meetings of a party (the listing's
            # ``party`` filter), and their years, tracks, cities and parties counted (a
            # ``party`` or ``organization`` listing's facets), read from the index alone.
            models.Index(
                fields=[
                    *("kind", "key", "start_date", "meeting", "city", "year", "track"),
                    "parties",
                ],
                name="public_fact_key_idx",
            ),
            # A meeting's facts: rewriting them, and the parties of a result counted.
            models.Index(fields=["meeting", "kind", "key"], name="public_fact_meeting_idx"),
            # The facts of a city's or a year's meetings counted by key, and by year and
            # track or by city, from the index alone.
            models.Index(
                fields=["kind", "city", "key", "year", "track"], name="public_fact_city_idx"
            ),
            models.Index(
                fields=["kind", "year", "key", "city", "track"], name="public_fact_year_idx"
            ),
        ]

    def __str__(self):
        return f"meeting {self.meeting_id}: {self.kind} {self.key}"


class PublicFactTotal(RecordModel):
    """How many public meetings count for one fact, and for a series the dates of its
    first and last dated rounds: the unfiltered overview and party facet read these few
    rows. Rows fallen to zero are kept and read as absent."""

    kind = models.CharField(max_length=6, choices=FactKind.choices)
    key = models.CharField(max_length=16)
    meetings = models.IntegerField()
    first_date = models.DateField(null=True)  # series only
    last_date = models.DateField(null=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="%(app_label)s_%(class)s_key"),
        ]

    def __str__(self):
        return f"{self.meetings} public meetings: {self.kind} {self.key}"
