"""The meeting: one round of informal talks, and the public gate over meetings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from backchannel.countries import country_name
from backchannel.records import RecordModel, stored_dates

from .. import dates
from ..track import compute_track
from .choices import PUBLIC_VISIBILITIES, DatePrecision, Status, Track, Visibility
from .participation import Participation
from .publication import NO_SOURCE_TO_PUBLISH, PublicationRule


class MeetingQuerySet(models.QuerySet):
    def public(self):
        """Meetings any visitor may see; the one gate for public pages."""
        return self.filter(visibility__in=PUBLIC_VISIBILITIES)

    def newest_first(self):
        return self.order_by(F("start_date").desc(nulls_last=True), "-pk")

    def oldest_first(self):
        return self.order_by(F("start_date").asc(nulls_last=True), "pk")

    def for_rows(self):
        """The row shape of every meeting list: with the city and series. The rows read
        their topics and participants for a whole page (meetings/rows.py)."""
        return self.select_related("city", "series")


# Paths under /meetings/ that are pages, not meetings: a meeting with one of these slugs
# would have no page of its own.
PAGE_SLUGS = frozenset({"cities", "feed"})


class Meeting(PublicationRule, RecordModel):
    """One round of informal talks."""

    DatePrecision = DatePrecision
    Status = Status

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    series = models.ForeignKey(
        "meetings.DialogueSeries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    start_date = models.DateField(
        null=True,
        blank=True,
        help_text="The first day of the period the sources give: 1 October 2017 for "
        "'October 2017', 1 January for a year. Leave empty when no source gives a date.",
    )
    end_date = models.DateField(null=True, blank=True, help_text="Not before the start date.")
    date_precision = models.CharField(
        max_length=7,
        choices=DatePrecision,
        default=DatePrecision.UNKNOWN,
        help_text="How precisely the sources date the meeting: 'unknown' exactly when "
        "there is no start date.",
    )
    city = models.ForeignKey(
        "meetings.City", on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    venue = models.CharField(max_length=200, blank=True)
    occasion = models.CharField(
        max_length=300,
        blank=True,
        help_text="e.g. 'sidelines of a non-proliferation conference'.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.REPORTED)
    parties = CountryField(
        multiple=True,
        blank=True,
        help_text="The sides at the table (countries). Facilitators' countries are not parties.",
    )
    track = models.CharField(
        max_length=3,
        choices=Track,
        blank=True,
        editable=False,
        help_text="Derived from the participants; see track_override.",
    )
    side_tracks = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Each side's view: country code to '1', '2' or null (undetermined).",
    )
    track_override = models.CharField(
        max_length=3,
        choices=Track,
        blank=True,
        help_text="The track a source states. Used only while some side has no "
        "counted participants.",
    )
    visibility = models.CharField(
        max_length=21,
        choices=Visibility,
        default=Visibility.CONFIDENTIAL,
        help_text="Confidential meetings never appear on public pages. A meeting leaves "
        "confidential only with at least one source.",
    )
    topics = models.ManyToManyField("meetings.Topic", blank=True, related_name="meetings")
    summary = models.TextField(blank=True, help_text="Public.")
    internal_notes = models.TextField(blank=True, help_text="Staff only. Never shown publicly.")
    sources = models.ManyToManyField("meetings.Source", blank=True, related_name="meetings")
    organizers = models.ManyToManyField(
        "people.Organization",
        through="meetings.MeetingOrganizer",
        blank=True,
        related_name="organized_meetings",
        help_text="Who convened, hosted or funded the meeting.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When the meeting last left confidential: the date the public sees.",
    )
    review_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an editor marked the meeting ready for review; empty once it is "
        "published or the mark is withdrawn.",
    )
    review_note = models.TextField(
        blank=True,
        db_default="",  # the release before inserts meetings without it
        help_text="For the publisher: what to check before publishing. Staff only.",
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [F("start_date").desc(nulls_last=True), "-pk"]
        permissions = [("publish_meeting", "Can change a meeting's visibility")]
        indexes = [
            models.Index(fields=["visibility", "start_date"], name="meeting_visibility_date_idx"),
            models.Index(fields=["start_date"], name="meeting_start_date_idx"),
            models.Index(fields=["track"], name="meeting_track_idx"),
            models.Index(
                fields=["review_requested_at"],
                name="meeting_review_queue_idx",
                condition=Q(review_requested_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message="The end date cannot be before the start date, "
                "and needs a start date.",
            ),
            models.CheckConstraint(
                condition=stored_dates("start_date", "end_date"),
                name="%(app_label)s_%(class)s_dates_in_range",
                violation_error_message="Dates lie between 1900 and 2199.",
            ),
            models.CheckConstraint(
                condition=Q(track__in=["", *Track.values]),
                name="%(app_label)s_%(class)s_track_valid",
            ),
            models.CheckConstraint(
                condition=Q(track_override__in=["", *Track.values]),
                name="%(app_label)s_%(class)s_track_override_valid",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values),
                name="%(app_label)s_%(class)s_visibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="%(app_label)s_%(class)s_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True, date_precision=DatePrecision.UNKNOWN)
                | Q(Q(start_date__isnull=False), ~Q(date_precision=DatePrecision.UNKNOWN)),
                name="%(app_label)s_%(class)s_unknown_exactly_when_undated",
                violation_error_message="The date precision is 'unknown' exactly when there "
                "is no start date.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Saved with what its own row derives: the track and each side's view from its
        saved participations, and when it was published. Here rather than in a signal
        receiver, because only ``save`` can add them to ``update_fields``; changes to
        participations reach the meeting through meetings/derived.py."""
        self.apply_track()
        self._apply_publication()
        self.date_precision = dates.precision_for(self.start_date, self.date_precision)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "track",
                "side_tracks",
                "published_at",
                "review_requested_at",
                "date_precision",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.slug])

    def apply_track(self):
        """Set ``track`` and ``side_tracks`` from the participations saved so far."""
        rows = Participation.objects.filter(meeting_id=self.pk).track_rows() if self.pk else []
        result = compute_track(self.parties, [row[1:] for row in rows], self.track_override)
        self.track, self.side_tracks = result.track, result.sides

    def _apply_publication(self):
        # The public never learns how long a record was kept confidential.
        if self.visibility == Visibility.CONFIDENTIAL:
            self.published_at = None
        else:
            self.review_requested_at = None  # published: nothing waits any more
            if self.published_at is None:
                self.published_at = timezone.now()

    def clean(self):
        super().clean()
        if self.slug in PAGE_SLUGS:
            raise ValidationError({"slug": f"/meetings/{self.slug}/ is a page of its own."})
        self._clean_dates()
        if message := self.publication_error():
            field = "visibility" if message == NO_SOURCE_TO_PUBLISH else "sources"
            raise ValidationError({field: message})

    def _clean_dates(self):
        if self.end_date and not self.start_date:
            raise ValidationError({"end_date": "An end date needs a start date."})
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
        if self.start_date and self.date_precision == DatePrecision.UNKNOWN:
            raise ValidationError(
                {"date_precision": "A dated meeting is known to a day, a month or a year."}
            )
        if not dates.fits_precision(self.start_date, self.date_precision):
            period = "month" if self.date_precision == dates.MONTH else "year"
            raise ValidationError(
                {"start_date": f"With {period} precision, give the first day of the {period}."}
            )

    @property
    def date_display(self):
        return dates.format_date_range(self.start_date, self.end_date, self.date_precision)

    @property
    def side_views(self):
        """[(country name, track or None)] for each side, in the stored order."""
        return [(country_name(code), track) for code, track in self.side_tracks.items()]

    @property
    def shows_participants(self):
        return self.visibility == Visibility.PUBLIC
