"""Public dialogue series pages: the listing and each series' page (its convener, rounds,
cities and the quotes said at them). A series is public while it has a public round."""

import datetime

import django_filters
from django import forms
from django.db.models import (
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from backchannel.cache import cached_public_page
from backchannel.listpage import ListPage
from backchannel.parameters import ReportedErrorsMixin, search_filter

from .filter_fields import FIRST_FILTER_YEAR
from .models import City, DialogueSeries, Meeting, Quote

ROUNDS_SHOWN = 200  # the first; every round is in the listing filtered by the series
QUOTES_SHOWN = 50


class YearFilter(django_filters.Filter):
    """A four-digit year, as an int."""

    field_class = forms.IntegerField


class SeriesFilter(ReportedErrorsMixin, django_filters.FilterSet):
    """Filters for DialogueSeries.objects.public()."""

    q = search_filter("Name")
    first = YearFilter(
        label="First known round in",
        method="first_round_in",
        min_value=FIRST_FILTER_YEAR,
        max_value=9999,
    )

    class Meta:
        model = DialogueSeries
        fields = []

    def first_round_in(self, qs, name, value):
        """The series whose first dated public round falls in the year (``first=2015``):
        those the overview counts as new that year."""
        first = public_rounds_of(OuterRef("pk")).annotate(first=Min("start_date")).values("first")
        start, end = datetime.date(value, 1, 1), datetime.date(value, 12, 31)
        qs = qs.alias(first_round_on=Subquery(first, output_field=DateField()))
        return qs.filter(first_round_on__gte=start, first_round_on__lte=end)

    def search(self, qs, name, value):
        """Every word must appear in the name or the description."""
        for term in value.split():
            qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term))
        return qs


def public_rounds_of(series):
    """The public rounds of a series (an ``OuterRef``), grouped by it: for subqueries."""
    return Meeting.objects.public().filter(series=series).order_by().values("series")


def with_rounds(series):
    """Each series' public rounds (``round_count``, ``first_round``, ``last_round``): no
    query per row. The convener of a public series is public (``public_organizations``:
    it convenes the series of a non-confidential meeting), so it is always shown; asking
    the gate per series cost 11 ms of PostgreSQL planning a page."""
    grouped = public_rounds_of(OuterRef("pk"))
    return series.select_related("convener").annotate(
        round_count=Subquery(
            grouped.annotate(n=Count("pk")).values("n"), output_field=IntegerField()
        ),
        first_round=Subquery(grouped.annotate(first=Min("start_date")).values("first")),
        last_round=Subquery(grouped.annotate(last=Max("start_date")).values("last")),
    )


class SeriesList(ListPage):
    """The dialogue series with at least one public round."""

    filterset_class = SeriesFilter
    template_name = "meetings/series_list.html"
    page_size_setting = "SERIES_PAGE_SIZE"

    def queryset(self):
        return DialogueSeries.objects.public().order_by("name", "pk")

    def rows(self):
        return with_rounds(self.filterset.qs)


@require_safe
@cached_public_page(parameters=SeriesList.parameters().known)
def series_list(request):
    return SeriesList(request).response()


@require_safe
@cached_public_page
def series_detail(request, slug):
    series = get_object_or_404(with_rounds(DialogueSeries.objects.public()), slug=slug)
    rounds = Meeting.objects.public().filter(series=series).select_related("city")
    public_rounds = Meeting.objects.public().filter(series=series)
    quotes = (
        Quote.objects.public()
        .filter(meeting__in=public_rounds)
        .select_related("person", "meeting")
        .order_by(F("meeting__start_date").asc(nulls_last=True), "meeting", "pk")
    )
    context = {
        "series": series,
        "rounds": rounds.oldest_first()[:ROUNDS_SHOWN],
        "rounds_shown": ROUNDS_SHOWN,
        "cities": City.objects.filter(meetings__in=public_rounds).distinct().order_by("name"),
        "quotes": quotes[:QUOTES_SHOWN],
        "quotes_shown": QUOTES_SHOWN,
    }
    return render(request, "meetings/series_detail.html", context)
