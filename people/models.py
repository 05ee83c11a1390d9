"""People, the organisations they belong to, and their affiliations.

This app's models never import ``meetings``; which people the public may see depends
on their participations, so that gate is ``meetings.models.public_people()``.
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from backchannel.records import RecordModel, stored_dates


class Organization(RecordModel):
    """A government body, university, think tank or other body people belong to."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", "Government"
        MILITARY = "military", "Military"
        THINK_TANK = "think_tank", "Think tank"
        UNIVERSITY = "university", "University"
        NGO = "ngo", "NGO"
        INTERNATIONAL = "international", "International organisation"
        MEDIA = "media", "Media"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)
    country = CountryField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:detail", args=[self.slug])


class Person(RecordModel):
    """Someone who takes part in informal talks or is quoted about them."""

    full_name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    sort_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="How the name sorts, e.g. 'Wit, Joel'. Left empty, the full name is used.",
    )
    other_names = models.TextField(
        blank=True,
        help_text="Alternate spellings and romanisations, one per line (e.g. 'Choe Son Hui'). "
        "Searchable on public pages.",
    )
    country = CountryField(blank=True)
    bio = models.TextField(blank=True, help_text="Shown on the public person page.")
    internal_notes = models.TextField(blank=True, help_text="Staff only. Never shown publicly.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_name", "full_name"]
        verbose_name_plural = "people"
        # The public listing's order: a page reads its rows in order and stops.
        indexes = [
            models.Index(fields=["sort_name", "full_name", "id"], name="person_listing_order")
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        if not self.sort_name:
            self.sort_name = self.full_name
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("people:detail", args=[self.slug])

    @property
    def other_names_list(self):
        return [name.strip() for name in self.other_names.splitlines() if name.strip()]


class Affiliation(RecordModel):
    """A person's role in an organization over a period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    role = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = [F("start_date").desc(nulls_first=True), "organization__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=stored_dates("start_date", "end_date"),
                name="%(app_label)s_%(class)s_dates_in_range",
                violation_error_message="Dates lie between 1900 and 2199.",
            ),
        ]

    def __str__(self):
        return f"{self.role}, {self.organization}" if self.role else str(self.organization)
