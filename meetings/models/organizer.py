"""Who convened, hosted or funded a meeting."""

from django.db import models
from django.db.models import Q

from backchannel.records import RecordModel

from .choices import PUBLIC_VISIBILITIES


class OrganizerRole(models.TextChoices):
    CONVENER = "convener", "convener"
    HOST = "host", "host"
    FUNDER = "funder", "funder"


class MeetingOrganizerQuerySet(models.QuerySet):
    def public(self):
        """Organisers of meetings public pages show (participants withheld included:
        who organised a meeting is not who sat at it)."""
        return self.filter(meeting__visibility__in=PUBLIC_VISIBILITIES)


class MeetingOrganizer(RecordModel):
    """An organisation's part in organising one meeting."""

    Role = OrganizerRole

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="organizer_links"
    )
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="organized"
    )
    role = models.CharField(max_length=8, choices=OrganizerRole, default=OrganizerRole.CONVENER)

    objects = MeetingOrganizerQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "role", "organization__name"]
        verbose_name = "organiser"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization", "role"],
                name="%(app_label)s_%(class)s_once_per_role",
                violation_error_message="This organisation already has this role here.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=OrganizerRole.values),
                name="%(app_label)s_%(class)s_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["organization", "meeting"], name="organizer_org_idx")]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"
