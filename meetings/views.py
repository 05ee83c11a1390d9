"""The public meeting pages: the listing and each meeting's page."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from backchannel.cache import cached_public_page
from backchannel.listpage import ListPage
from backchannel.text import xml_safe

from . import charts
from .citation import bibtex_entry, bibtex_key, citation_text
from .facets import all_cities, build_chips, filter_options, listing_results
from .filters import EXPORT_PARAMETERS, SORT_CHOICES, MeetingFilter, export_filter
from .models import Meeting, MeetingOrganizer, Participation, Quote, Source, Status, Track
from .overview import cached_overview

SERIES_OTHERS = 10
MORE_FILTERS = ("country", "status", "topic", "series", "from", "to")  # the rest show as facets
ROLE_ORDER = {"head": 0, "member": 1, "facilitator": 2, "observer": 3}


class MeetingList(ListPage):
    """The public meeting history, filtered, with facet counts and the year chart."""

    filterset_class = MeetingFilter
    template_name = "meetings/meeting_list.html"
    page_size_setting = "MEETINGS_PAGE_SIZE"

    def queryset(self):
        return Meeting.objects.public()

    def rows(self):
        return self.filterset.qs.for_rows()

    def results(self):
        return listing_results(self.filterset, self.query)

    def page_context(self, results):
        selected = self.selected
        return {
            "more_filters_open": bool(self.errors) or any(selected[n] for n in MORE_FILTERS),
            # Filter combinations are endless: crawlers get the sitemap instead.
            "filtered": any(name in EXPORT_PARAMETERS.known for name in self.request.GET),
            "export_query": export_query(self.request.GET),
            "options": filter_options(selected),
            "tracks": Track.choices,
            "statuses": Status.choices,
            "sort_choices": SORT_CHOICES,
        }


@require_safe
@cached_public_page(parameters=MeetingList.parameters().known)
def meeting_list(request):
    return MeetingList(request).response()


@require_safe
@cached_public_page(parameters=EXPORT_PARAMETERS.known)
def meeting_cities(request):
    """Every city of the listing's result with its count, each linking to the listing with
    it added: the city facet shows only the biggest."""

    def results(filterset, query):
        return all_cities(filterset, query) | {"export_query": export_query(request.GET)}

    return filtered_page(request, "meetings/city_list.html", results)


def filtered_page(request, template_name, results):
    """A page over the listing's filter (every page at once): 400 naming each bad
    parameter, else the context ``results(filterset, query)`` gives."""
    filterset, errors = export_filter(request)
    query = EXPORT_PARAMETERS.kept(request.GET)
    context = {"errors": errors, "query": query, "filtered": bool(query)}
    if errors:
        return render(request, template_name, context, status=400)
    return render(request, template_name, context | results(filterset, query))


def export_query(params):
    """'?city=berlin&…': the listing's filters for its export links, nothing else."""
    kept = EXPORT_PARAMETERS.kept(params)
    return f"?{kept.urlencode()}" if kept else ""


def sides(meeting, participations):
    """[(side name, side track, [participations])] in the order of the meeting's sides."""
    tracks = dict(meeting.side_views)
    groups = {}
    for participation in sorted(participations, key=lambda p: ROLE_ORDER.get(p.role, 9)):
        name = participation.side.name if participation.side else ""
        groups.setdefault(name, []).append(participation)
    ordered = [name for name in tracks if name in groups] + sorted(
        name for name in groups if name not in tracks
    )
    return [(name, tracks.get(name), groups[name]) for name in ordered]


class Notes:
    """The numbered source notes of a meeting page: the meeting's sources, then any other
    public source a named participant or a quote cites, each numbered once."""

    def __init__(self, sources):
        self.sources = list(sources)
        self.numbers = {source.pk: n for n, source in enumerate(self.sources, 1)}

    def number(self, source):
        if source.pk not in self.numbers:
            self.sources.append(source)
            self.numbers[source.pk] = len(self.sources)
        return self.numbers[source.pk]

    def mark(self, participations, quotes):
        """Each participation's ``notes`` (the numbers of the public sources that name
        it) and each quote's ``notes``. An anonymised participant gets none: which
        source names them would say who they are."""
        for participation in participations:
            cited = [] if participation.anonymised else participation.sources.all()
            participation.notes = sorted(self.number(source) for source in cited)
        for quote in quotes:
            quote.notes = [self.number(quote.source)] if quote.source else []


def detail_queryset():
    organizers = MeetingOrganizer.objects.public().select_related("organization")
    return (
        Meeting.objects.public()
        .select_related("city", "series")
        .prefetch_related("topics", "sources", Prefetch("organizer_links", queryset=organizers))
    )


def citation(request, meeting):
    """What "Cite this record" shows: the permanent URL and the text to paste, which
    names the meeting's own sources (public with it)."""
    url = request.build_absolute_uri(meeting.get_absolute_url())
    updated = timezone.localdate(meeting.updated_at)
    sources = list(meeting.sources.all())
    text = citation_text(meeting.title, url, updated, sources)
    return {"url": url, "updated": updated, "text": text, "sources": sources}


@require_safe
@cached_public_page
def meeting_detail(request, slug):
    meeting = get_object_or_404(detail_queryset(), slug=slug)
    participations = list(
        Participation.objects.public()
        .filter(meeting=meeting)
        .select_related("person")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.public()))
    )
    quotes = list(Quote.objects.public().filter(meeting=meeting).select_related("person"))
    notes = Notes(meeting.sources.all())
    notes.mark(participations, quotes)
    others = []
    if meeting.series_id:
        others = Meeting.objects.public().filter(series=meeting.series_id).exclude(pk=meeting.pk)
        others = others.select_related("city").newest_first()[:SERIES_OTHERS]
    context = {
        "meeting": meeting,
        "sides": sides(meeting, participations),
        "quotes": quotes,
        "notes": notes.sources,
        "series_meetings": others,
        "citation": citation(request, meeting),
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_safe
def meeting_citation(request, slug):
    """The record's BibTeX entry, as a file to download."""
    meeting = get_object_or_404(
        Meeting.objects.public().only("slug", "title", "updated_at").prefetch_related("sources"),
        slug=slug,
    )
    cited = citation(request, meeting)
    entry = bibtex_entry(
        meeting.slug, meeting.title, cited["url"], cited["updated"], cited["sources"]
    )
    response = HttpResponse(entry, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bibtex_key(meeting.slug)}.bib"'
    return response


def overview_context(filterset, query):
    """The overview's sections: every number a ``charts.Link`` over ``query``."""
    numbers = cached_overview(filterset)
    parties = (
        [str(code) for code in filterset.active("party")] if "party" in filterset.filters else []
    )
    return {
        "total": charts.link(query, numbers["total"]),
        "chart": charts.stacked_chart(numbers["groups"]),
        "table": charts.year_track_table(numbers["groups"], query),
        "undated": charts.undated_link(numbers["groups"], query),
        "pairs": charts.pair_links(numbers["pairs"], query, parties),
        "cities": charts.place_links(numbers["cities"], query, "city"),
        "organizers": charts.place_links(numbers["organizers"], query, "organization"),
        "series": charts.series_links(numbers["series"], query),
        "series_count": numbers["series_count"],
        "new_series": charts.new_series_links(numbers["new_series"], filtered=bool(query)),
    }


@require_safe
@cached_public_page(parameters=EXPORT_PARAMETERS.known)
def overview(request):
    """The record by year, track, pair of countries, city, organiser and series."""

    def results(filterset, query):
        return overview_context(filterset, query) | {
            "chips": build_chips(filterset, query),
            "chart_query": export_query(request.GET),
        }

    return filtered_page(request, "meetings/overview.html", results)


def chart_caption(filterset, query):
    """'Filters: City: Berlin; Track: 1.5', or 'All public meetings': XML-safe text."""
    labels = [chip.label for chip in build_chips(filterset, query)]
    return xml_safe("Filters: " + "; ".join(labels) if labels else "All public meetings")


@require_safe
@cached_public_page(parameters=EXPORT_PARAMETERS.known)
def overview_chart(request):
    """The chart of meetings per year by track alone, as an SVG image."""
    filterset, errors = export_filter(request)
    if errors:
        lines = [f"Parameter {name}: {message}" for name, message in errors]
        return HttpResponse(
            "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    numbers = cached_overview(filterset)
    undated = sum(n for year, _track, n in numbers["groups"] if year is None)
    chart = charts.stacked_chart(numbers["groups"])
    context = charts.standalone_layout(chart) | {
        "chart": chart,
        "caption": chart_caption(filterset, EXPORT_PARAMETERS.kept(request.GET)),
        "total": numbers["total"],
        "undated": undated,
        "drawn": timezone.now().date(),
    }
    return render(request, "meetings/overview_chart.svg", context, content_type="image/svg+xml")
