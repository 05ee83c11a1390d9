"""Who sat at a meeting, for which side and in what capacity."""

from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from backchannel.records import RecordModel

from .choices import Capacity, Role, Visibility


class ParticipationQuerySet(models.QuerySet):
    def public(self):
        """Participations shown on public pages (anonymised ones by capacity and side only)."""
        return self.filter(meeting__visibility=Visibility.PUBLIC)

    def publicly_named(self):
        """Public participations that may show the person's name."""
        return self.public().filter(anonymised=False, person__isnull=False)

    def track_rows(self):
        """(meeting id, side, capacity, role) of each: what the track rule reads."""
        return self.values_list("meeting_id", "side", "capacity", "role")


class Participation(RecordModel):
    """A person's attendance at a meeting, for one side, in a capacity at that time."""

    Capacity = Capacity
    Role = Role

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
        help_text="Leave empty for a participant the sources describe but do not name.",
    )
    side = CountryField(
        blank=True,
        help_text="The country this participant sits for. Empty only for facilitators "
        "and observers.",
    )
    capacity = models.CharField(
        max_length=20,
        choices=Capacity,
        help_text="Capacity at the time of the meeting: a serving official makes the side Track 1.",
    )
    role = models.CharField(max_length=12, choices=Role, default=Role.MEMBER)
    title_at_time = models.CharField(max_length=300, blank=True)
    anonymised = models.BooleanField(
        default=False,
        help_text="Shown publicly only as capacity and side, never by name.",
    )
    sources = models.ManyToManyField(
        "meetings.Source",
        blank=True,
        related_name="participations",
        help_text="The sources that name this participant.",
    )

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "side", "role", "pk"]
        # The admin's side filter asks which countries are sides: one probe per country.
        indexes = [models.Index(fields=["side"], name="participation_side_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="%(app_label)s_%(class)s_once_per_meeting",
                violation_error_message="This person is already listed for this meeting.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["facilitator", "observer"]) | ~Q(side=""),
                name="%(app_label)s_%(class)s_counted_has_side",
                violation_error_message="Heads and members sit for a side: choose its country.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__in=Capacity.values),
                name="%(app_label)s_%(class)s_capacity_valid",
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="%(app_label)s_%(class)s_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.public_label} at {self.meeting}"

    @property
    def is_named(self):
        """Whether the person's name may show: a person (saved or about to be), not anonymised."""
        new_person = Participation.person.is_cached(self) and self.person is not None
        return (self.person_id is not None or new_person) and not self.anonymised

    @property
    def public_label(self):
        """'a former official, United States': how an unnamed participant is shown."""
        capacity = self.get_capacity_display()
        article = "an" if capacity[0] in "aeiou" else "a"
        side = self.side.name if self.side else "no side"
        return f"{article} {capacity}, {side}"
