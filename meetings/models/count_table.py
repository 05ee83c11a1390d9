"""The count of public meetings per city, year and track, kept by the database itself."""

from django.db import models

from backchannel.records import RecordModel

from .catalogue import City

NO_CITY = 0
NO_YEAR = 0


class PublicMeetingCount(RecordModel):
    """How many public meetings share one city, year and track: the listing's counts.

    Database triggers (``meetings/count_triggers.py``, installed by migration 0007)
    keep it on every insert, update and delete of a meeting, in the same transaction,
    whatever writes it: a form, ``QuerySet.update``, ``bulk_create``, ``loaddata`` or
    plain SQL. Only
    meetings whose visibility is public count, exactly as ``Meeting.objects.public()``
    selects them. Zero stands for no city and for no year, "" for no track.
    Rows whose count has fallen to zero are kept and add nothing to a sum.
    """

    city = models.ForeignKey(
        City,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # 0 for no city; a city is deleted only when no meeting uses it
        db_index=False,  # the key's unique index starts with the city
        related_name="+",
    )
    year = models.PositiveSmallIntegerField()
    track = models.CharField(max_length=3, blank=True)
    meetings = models.IntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "track"], name="%(app_label)s_%(class)s_key"
            ),
        ]
        # The listing sums this table by (year, track) and by city on every page. With
        # the count in the index both sums read only the index, in the order they
        # group by: at 100,000 meetings (20,000 rows) on SQLite 27 -> 7 ms a page, no
        # sort; on PostgreSQL an index-only scan when the planner prefers it.
        indexes = [
            models.Index(
                fields=["year", "track", "city", "meetings"],
                name="meetings_count_by_year_idx",
            ),
            models.Index(
                fields=["city", "year", "track", "meetings"],
                name="meetings_count_by_city_idx",
            ),
        ]

    def __str__(self):
        key = f"city {self.city_id}, year {self.year}, track {self.track or 'none'}"
        return f"{self.meetings} public meetings: {key}"
