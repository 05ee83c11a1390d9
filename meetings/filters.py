"""The public meeting listing's parameters: one FilterSet shared by the page and its exports.

Every choice set comes from a public queryset, so a slug that exists only on
confidential records is as invalid as one that does not exist. Repeating a
parameter ORs its values; different parameters AND together.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django_countries import countries

from backchannel.listpage import bound_filter
from backchannel.parameters import (
    Q_MAX_LENGTH,
    Parameters,
    ReportedErrorsMixin,
    validate_search_words,
)

from .models import (
    City,
    DialogueSeries,
    Meeting,
    Participation,
    Status,
    Topic,
    Track,
    public_people,
)
from .search import search_condition

SORT_NEWEST, SORT_OLDEST = "-date", "date"
SORT_CHOICES = [(SORT_NEWEST, "Newest first"), (SORT_OLDEST, "Oldest first")]


class ValueListField(forms.Field):
    """A repeated parameter whose every value must pass ``child``; the result is a list."""

    widget = forms.SelectMultiple

    def __init__(self, *, child, **kwargs):
        self.child = child
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError("Give one value per parameter.", code="invalid_list")
        return [self.child.clean(item) for item in value]


class YearField(forms.RegexField):
    """Four digits, 1000 to 9999: a year a date can have."""

    def __init__(self, **kwargs):
        super().__init__(
            r"^[1-9][0-9]{3}\Z",
            error_messages={"invalid": "Enter a four-digit year, such as 2017."},
            **kwargs,
        )

    def clean(self, value):
        return int(super().clean(value))


class AnyOfFilter(django_filters.Filter):
    """OR of one lookup over every value of a repeated parameter (each checked by ``child``)."""

    field_class = ValueListField

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q()
        for item in sorted(set(value)):
            condition |= Q(**{f"{self.field_name}__{self.lookup_expr}": item})
        return qs.filter(condition)


def _country_choices():
    return [(country.code, country.name) for country in countries]


class MeetingFilter(ReportedErrorsMixin, django_filters.FilterSet):
    """Filters for Meeting.objects.public(); ``filter_queryset`` also applies the sort."""

    city = django_filters.ModelMultipleChoiceFilter(
        label="City",
        field_name="city__slug",
        queryset=City.objects.public(),
        to_field_name="slug",
        distinct=False,
    )
    country = django_filters.MultipleChoiceFilter(
        label="Host country",
        field_name="city__country",
        choices=_country_choices,
        distinct=False,
    )
    year = AnyOfFilter(
        label="Year",
        field_name="start_date",
        lookup_expr="year",
        child=YearField(),
    )
    track = django_filters.MultipleChoiceFilter(
        label="Track", choices=Track.choices, distinct=False
    )
    topic = django_filters.ModelMultipleChoiceFilter(
        label="Topic",
        queryset=Topic.objects.public(),
        to_field_name="slug",
        method="filter_topic",
    )
    person = django_filters.ModelMultipleChoiceFilter(
        label="Person",
        queryset=public_people(),
        to_field_name="slug",
        method="filter_person",
    )
    series = django_filters.ModelMultipleChoiceFilter(
        label="Series",
        field_name="series__slug",
        queryset=DialogueSeries.objects.public(),
        to_field_name="slug",
        distinct=False,
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=Status.choices, distinct=False
    )
    q = django_filters.CharFilter(
        label="Search",
        max_length=Q_MAX_LENGTH,
        method="search",
        validators=[validate_search_words],
    )
    sort = django_filters.ChoiceFilter(label="Sort", choices=SORT_CHOICES, method="keep")

    class Meta:
        model = Meeting
        fields = []

    def filter_topic(self, qs, name, value):
        if not value:
            return qs
        tagged = Meeting.topics.through.objects.filter(meeting=OuterRef("pk"), topic__in=value)
        return qs.filter(Exists(tagged))

    def filter_person(self, qs, name, value):
        if not value:
            return qs
        named = Participation.objects.publicly_named().filter(
            meeting=OuterRef("pk"), person__in=value
        )
        return qs.filter(Exists(named))

    def search(self, qs, name, value):
        """Every word must start a word of a title, summary, venue, occasion or public
        name (meetings/search.py)."""
        condition = search_condition(value)
        return qs if condition is None else qs.filter(condition)

    def keep(self, qs, name, value):
        return qs  # sorting happens last, in filter_queryset

    def filter_queryset(self, queryset, exclude=()):
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        if data.get("sort") == SORT_OLDEST:
            return queryset.oldest_first()
        return queryset.newest_first()

    def qs_without(self, name):
        """The result with every filter but ``name``: what OR-ing more values of it adds to."""
        return self.filter_queryset(self.queryset.all(), exclude={name})


def meeting_filter(data, request=None):
    """The FilterSet over the public gate, bound to ``data`` (a QueryDict)."""
    return MeetingFilter(data, queryset=Meeting.objects.public(), request=request)


EXPORT_PARAMETERS = Parameters.of(MeetingFilter, paginated=False)  # exports take every page


def export_filter(request):
    """(filterset, errors) of an export request: the listing's parameters but ``page``."""
    return bound_filter(MeetingFilter, Meeting.objects.public(), request, EXPORT_PARAMETERS)
