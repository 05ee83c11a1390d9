from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from . import dates
from .track import TRACK_1, TRACK_1_5, TRACK_2


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


class PublicThroughMeetingsQuerySet(models.QuerySet):
    """For things that are public while a public meeting uses them."""

    def public(self):
        used = Meeting.objects.public().filter(**{self.meeting_lookup: OuterRef("pk")})
        return self.filter(Exists(used))


class CityQuerySet(PublicThroughMeetingsQuerySet):
    meeting_lookup = "city"


class TopicQuerySet(PublicThroughMeetingsQuerySet):
    meeting_lookup = "topics"


class SeriesQuerySet(PublicThroughMeetingsQuerySet):
    meeting_lookup = "series"


class SourceQuerySet(PublicThroughMeetingsQuerySet):
    meeting_lookup = "sources"


class City(models.Model):
    """A city that hosts meetings."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    country = CountryField()

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "cities"
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"], name="%(app_label)s_%(class)s_unique_name_country"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.country.name}" if self.country else self.name


class Topic(models.Model):
    """A subject discussed at meetings, such as denuclearisation."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DialogueSeries(models.Model):
    """A recurring dialogue, with its rounds as meetings."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    convener = models.ForeignKey(
        "people.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="convened_series",
    )
    description = models.TextField(blank=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "dialogue series"
        verbose_name_plural = "dialogue series"

    def __str__(self):
        return self.name


class Source(models.Model):
    """A document that facts in the record come from."""

    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True, help_text="The passage the record relies on.")

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = [F("published_on").desc(nulls_last=True), "title"]

    def __str__(self):
        return f"{self.title} ({self.publisher})" if self.publisher else self.title

    @property
    def link_url(self):
        """The URL when it is safe to link to (http or https with a host), else "".

        Forms validate the scheme, but a value saved through the ORM or an import
        could carry ``javascript:`` or ``data:``, which must never become an href.
        """
        parts = urlsplit(self.url)
        return self.url if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else ""


class MeetingQuerySet(models.QuerySet):
    def public(self):
        """Meetings any visitor may see; the one gate for public pages."""
        return self.filter(visibility__in=PUBLIC_VISIBILITIES)

    def newest_first(self):
        return self.order_by(F("start_date").desc(nulls_last=True), "-pk")

    def oldest_first(self):
        return self.order_by(F("start_date").asc(nulls_last=True), "pk")


class Meeting(models.Model):
    """One round of informal talks."""

    DatePrecision = DatePrecision
    Status = Status

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    series = models.ForeignKey(
        DialogueSeries,
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
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How precisely the sources date the meeting.",
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
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
        help_text="Confidential meetings never appear on public pages.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="meetings")
    summary = models.TextField(blank=True, help_text="Public.")
    internal_notes = models.TextField(blank=True, help_text="Staff only. Never shown publicly.")
    sources = models.ManyToManyField(Source, blank=True, related_name="meetings")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When the meeting last left confidential: the date the public sees.",
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
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from .services import meeting_apply_track

        meeting_apply_track(self)
        self._apply_publication()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "track",
                "side_tracks",
                "published_at",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.slug])

    def _apply_publication(self):
        # The public never learns how long a record was kept confidential.
        if self.visibility == Visibility.CONFIDENTIAL:
            self.published_at = None
        elif self.published_at is None:
            self.published_at = timezone.now()

    def clean(self):
        super().clean()
        if self.end_date and not self.start_date:
            raise ValidationError({"end_date": "An end date needs a start date."})
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
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
        return [(countries.name(code) or code, track) for code, track in self.side_tracks.items()]

    @property
    def shows_participants(self):
        return self.visibility == Visibility.PUBLIC


class ParticipationQuerySet(models.QuerySet):
    def public(self):
        """Participations shown on public pages (anonymised ones by capacity and side only)."""
        return self.filter(meeting__visibility=Visibility.PUBLIC)

    def publicly_named(self):
        """Public participations that may show the person's name."""
        return self.public().filter(anonymised=False, person__isnull=False)


class Participation(models.Model):
    """A person's attendance at a meeting, for one side, in a capacity at that time."""

    Capacity = Capacity
    Role = Role

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
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

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "side", "role", "pk"]
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

    def save(self, *args, **kwargs):
        from .services import meeting_refresh_track

        previous = None
        if self.pk:
            previous = (
                Participation.objects.filter(pk=self.pk)
                .values_list("meeting_id", flat=True)
                .first()
            )
        super().save(*args, **kwargs)
        meeting_refresh_track(self.meeting_id)
        if previous and previous != self.meeting_id:
            meeting_refresh_track(previous)

    @property
    def is_named(self):
        return self.person_id is not None and not self.anonymised

    @property
    def public_label(self):
        """'a former official, United States': how an unnamed participant is shown."""
        capacity = self.get_capacity_display()
        article = "an" if capacity[0] in "aeiou" else "a"
        side = self.side.name if self.side else "no side"
        return f"{article} {capacity}, {side}"


class QuoteQuerySet(models.QuerySet):
    def public(self):
        """Quotes by public people, tied to no meeting or to one where they are named."""
        from people.models import Person

        named_there = Participation.objects.publicly_named().filter(
            person=OuterRef("person"), meeting=OuterRef("meeting")
        )
        person_public = Person.objects.public().filter(pk=OuterRef("person"))
        # Named there makes the person public, so each branch needs one correlated test
        # (an index lookup per quote), never the set of all public people.
        # A source only a confidential meeting cites would reveal it: such a quote is
        # shown without its source. (Do not select_related("source") after this.)
        return self.filter(
            Q(Exists(named_there), meeting__isnull=False)
            | Q(Exists(person_public), meeting__isnull=True)
        ).prefetch_related(Prefetch("source", queryset=Source.objects.public()))


class Quote(models.Model):
    """Words attributed to a person, optionally at a meeting and from a source."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="quotes")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    text = models.TextField()

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["person", "pk"]

    def __str__(self):
        short = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{self.person}: “{short}”"
