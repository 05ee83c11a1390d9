"""The public meeting listing's parameters: one FilterSet shared by the page and its exports.

Every choice set comes from a public queryset, so a slug that exists only on
confidential records is as invalid as one that does not exist. Repeating a
parameter ORs its values (``party`` and ``with`` AND them); different parameters AND.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django_countries import countries

from backchannel.listpage import bound_filter
from backchannel.parameters import Parameters, ReportedErrorsMixin, chosen, search_filter

from . import public_facts
from .filter_fields import (
    AllOfFilter,
    AnyOfFilter,
    DateBoundFilter,
    PartyField,
    RangeForm,
    YearField,
    ends_from,
    party_conditions,
    starts_by,
    year_condition,
)
from .models import (
    City,
    DialogueSeries,
    FactKind,
    Meeting,
    Participation,
    Status,
    Topic,
    Track,
    public_organizations,
    public_people,
)
from .search import search_condition

SORT_NEWEST, SORT_OLDEST = "-date", "date"
SORT_CHOICES = [(SORT_NEWEST, "Newest first"), (SORT_OLDEST, "Oldest first")]


def _country_choices():
    return [(country.code, country.name) for country in countries]


KEYWORD_NAMES = {"from_": "from", "with_": "with"}  # parameters named like Python keywords


class MeetingFilterForm(RangeForm):
    """The filter form: ``from`` and ``to`` make a range, and ``with`` narrows a
    ``person``'s meetings, so it needs one."""

    def clean(self):
        data = super().clean()
        alone = chosen(data.get("with")) and not chosen(data.get("person"))
        if alone and "person" not in self.errors:
            message = "Give a person too: with= keeps the meetings of person= that also name them."
            self.add_error("with", forms.ValidationError(message))
        return data


class MeetingFilter(ReportedErrorsMixin, django_filters.FilterSet):
    """Filters for Meeting.objects.public(); ``filter_queryset`` also applies the sort."""

    city = django_filters.ModelMultipleChoiceFilter(
        label="City",
        queryset=City.objects.public(),
        to_field_name="slug",
        method="filter_by_ids",
    )
    country = django_filters.MultipleChoiceFilter(
        label="Host country",
        field_name="city__country",
        choices=_country_choices,
        distinct=False,
    )
    year = AnyOfFilter(
        label="Year", field_name="start_date", child=YearField(), condition=year_condition
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
        queryset=DialogueSeries.objects.public(),
        to_field_name="slug",
        method="filter_by_ids",
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=Status.choices, distinct=False
    )
    organization = django_filters.ModelMultipleChoiceFilter(
        label="Organiser",
        queryset=public_organizations(),
        to_field_name="slug",
        method="filter_organization",
    )
    party = AllOfFilter(
        label="Party", field_name="parties", child=PartyField(), condition=party_conditions
    )
    from_ = DateBoundFilter(label="From", method="filter_from")
    to = DateBoundFilter(label="To", method="filter_to")
    q = search_filter("Search")
    sort = django_filters.ChoiceFilter(label="Sort", choices=SORT_CHOICES, method="keep")
    with_ = django_filters.ModelMultipleChoiceFilter(
        label="With",
        queryset=public_people(),
        to_field_name="slug",
        method="filter_with",
    )

    class Meta:
        model = Meeting
        fields = []
        form = MeetingFilterForm

    @classmethod
    def get_filters(cls):
        """``from`` and ``with`` are Python keywords: declared as ``from_`` and ``with_``."""
        filters = super().get_filters()
        return {KEYWORD_NAMES.get(name, name): f for name, f in filters.items()}

    def filter_by_ids(self, qs, name, value):
        """``city`` and ``series`` by the chosen records' ids: ``city_id IN (...)`` lets
        the page's rows walk the (city, date) index, where a join on the cities' slugs
        sorted every meeting of the city (55 ms for 13,988 at 100,000 meetings)."""
        return qs.filter(**{f"{name}__in": value}) if value else qs

    def filter_organization(self, qs, name, value):
        """Meetings an organisation organises in any role, or convenes through their series:
        its organiser facts (meetings/public_facts.py), one index lookup, where an EXISTS
        OR the series' convener read every public meeting (364 ms at 100,000 meetings on
        PostgreSQL for a result of 123). The facts hold public meetings only, as the
        listing selects among them."""
        if not value:
            return qs
        keys = [organization.pk for organization in value]
        return qs.filter(public_facts.with_fact(FactKind.ORGANIZER, keys))

    def filter_from(self, qs, name, value):
        return qs.filter(ends_from(value.first_day)) if value else qs

    def filter_to(self, qs, name, value):
        return qs.filter(starts_by(value.last_day)) if value else qs

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

    def filter_with(self, qs, name, value):
        """Meetings where each of ``value`` is publicly named (``person`` does the rest)."""
        for person in sorted(value, key=lambda person: person.pk):
            named = Participation.objects.publicly_named().filter(
                meeting=OuterRef("pk"), person=person
            )
            qs = qs.filter(Exists(named))
        return qs

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
            if name not in exclude and chosen(value):  # each filter clones the QuerySet
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
