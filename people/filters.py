"""Filters for the public people listing; choice sets come from public people only."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django_countries import countries

from backchannel.parameters import ReportedErrorsMixin, search_filter
from meetings.models import public_people

from .models import Affiliation, Organization, Person


def affiliating_organizations():
    """Organisations some public person is affiliated with: what the people filter offers."""
    held = Affiliation.objects.filter(organization=OuterRef("pk"), person__in=public_people())
    return Organization.objects.filter(Exists(held))


class PersonFilter(ReportedErrorsMixin, django_filters.FilterSet):
    country = django_filters.MultipleChoiceFilter(
        label="Country",
        choices=lambda: [(country.code, country.name) for country in countries],
        distinct=False,
    )
    organization = django_filters.ModelMultipleChoiceFilter(
        label="Organization",
        queryset=affiliating_organizations(),
        to_field_name="slug",
        method="filter_organization",
    )
    q = search_filter("Name")

    class Meta:
        model = Person
        fields = []

    def filter_organization(self, qs, name, value):
        if not value:
            return qs
        chosen = [organization.pk for organization in value]  # checked public already
        affiliated = Affiliation.objects.filter(person=OuterRef("pk"), organization__in=chosen)
        return qs.filter(Exists(affiliated))

    def search(self, qs, name, value):
        """Every word must appear in the full name or one of the other names."""
        for term in value.split():
            qs = qs.filter(Q(full_name__icontains=term) | Q(other_names__icontains=term))
        return qs


class OrganizationFilter(ReportedErrorsMixin, django_filters.FilterSet):
    """Filters for the public organisations (``public_organizations()``)."""

    kind = django_filters.MultipleChoiceFilter(
        label="Kind", choices=Organization.Kind.choices, distinct=False
    )
    country = django_filters.MultipleChoiceFilter(
        label="Country",
        choices=lambda: [(country.code, country.name) for country in countries],
        distinct=False,
    )
    q = search_filter("Name")

    class Meta:
        model = Organization
        fields = []

    def search(self, qs, name, value):
        """Every word must appear in the name."""
        for term in value.split():
            qs = qs.filter(name__icontains=term)
        return qs
