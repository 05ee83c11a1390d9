"""What meetings refer to (cities, topics, dialogue series, sources), public while a
public meeting refers to them."""

from urllib.parse import urlsplit

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django_countries.fields import CountryField

from backchannel.records import RecordModel, stored_dates

from .choices import LINK_SCHEMES
from .meeting import Meeting


def web_link(url):
    """``url`` when it is safe to link to (http or https with a host), else "".

    Forms validate the scheme, but a value saved through the ORM or an import could
    carry ``javascript:`` or ``data:``, which must never become an href.
    """
    parts = urlsplit(url)
    return url if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else ""


class PublicThroughMeetingsQuerySet(models.QuerySet):
    """For things that are public while a public meeting uses them."""

    def public(self):
        """Those a public meeting uses: asked as "the first such meeting, if any" (a
        subquery with LIMIT 1), which the database stops at. As EXISTS, PostgreSQL built
        each topic's whole list of meetings first: 104 ms for the 30 topics at a million
        meetings, 0.8 ms this way."""
        used = Meeting.objects.public().filter(**{self.meeting_lookup: OuterRef("pk")})
        first_use = Subquery(used.order_by().values("pk")[:1])
        return self.alias(first_public_use=first_use).filter(first_public_use__isnull=False)


class CityQuerySet(PublicThroughMeetingsQuerySet):
    meeting_lookup = "city"


class TopicQuerySet(PublicThroughMeetingsQuerySet):
    meeting_lookup = "topics"


class SeriesQuerySet(PublicThroughMeetingsQuerySet):
    meeting_lookup = "series"


class SourceQuerySet(PublicThroughMeetingsQuerySet):
    meeting_lookup = "sources"


class City(RecordModel):
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
            # 0 means "no city" in PublicMeetingCount.
            models.CheckConstraint(
                condition=Q(pk__gt=0), name="%(app_label)s_%(class)s_id_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.country.name}" if self.country else self.name


class Topic(RecordModel):
    """A subject discussed at meetings, such as denuclearisation."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DialogueSeries(RecordModel):
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

    def get_absolute_url(self):
        return reverse("series:detail", args=[self.slug])


class Source(RecordModel):
    """A document that facts in the record come from."""

    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True, help_text="The passage the record relies on.")

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = [F("published_on").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=stored_dates("published_on"),
                name="%(app_label)s_%(class)s_published_on_in_range",
                violation_error_message="Dates lie between 1900 and 2199.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.publisher})" if self.publisher else self.title

    @property
    def link_url(self):
        """The URL when it is safe to link to (``web_link``), else ""."""
        return web_link(self.url)
