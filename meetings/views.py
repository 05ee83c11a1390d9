from operator import itemgetter

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from backchannel.countries import country_name
from backchannel.pagecache import cached_public_page
from backchannel.parameters import PAGE_ERROR, known_query, page_number, parameter_errors

from .cache import cached_public
from .filters import SORT_CHOICES, MeetingFilter, meeting_filter
from .listing import (
    build_chips,
    build_facet,
    filter_key,
    listing_counts,
    public_years,
    year_chart,
)
from .models import City, DialogueSeries, Meeting, Participation, Quote, Status, Topic, Track

HOME_LATEST = 8
SERIES_OTHERS = 10
MORE_FILTERS = ("country", "status", "topic", "series")  # the rest show as facets
ROLE_ORDER = {"head": 0, "member": 1, "facilitator": 2, "observer": 3}


def with_public_participants(meetings):
    """The row shape of every meeting list: city, series, topics and public participants."""
    participants = Participation.objects.public().select_related("person").order_by("side", "pk")
    return meetings.select_related("city", "series").prefetch_related(
        Prefetch("participations", queryset=participants, to_attr="public_participations"),
        "topics",
    )


LISTING_PARAMETERS = frozenset({*MeetingFilter.base_filters, "page"})
EXPORT_PARAMETERS = frozenset(MeetingFilter.base_filters)  # exports take every page


def validated_filter(request, known=EXPORT_PARAMETERS):
    """(filterset, errors): errors name each bad parameter; the filter is unusable if any."""
    errors = parameter_errors(request.GET, known)
    filterset = meeting_filter(request.GET if not errors else {}, request)
    if not errors:
        errors = filterset.error_list()
    return filterset, errors


def public_filter_choices(years=None):
    """(value, escaped value, escaped label) of each option of the form's lists.

    Only values public meetings use. Escaped once here, so a request only joins strings:
    a few hundred cities and a thousand series rendered by the template engine took
    most of a listing request's time.
    """
    cities = City.objects.public().order_by("name").values_list("slug", "name", "country")
    codes = {code for _slug, _name, code in cities if code}
    pairs = {
        "city": [
            (slug, f"{name}, {country_name(code)}" if code else name) for slug, name, code in cities
        ],
        "country": sorted(((code, country_name(code)) for code in codes), key=itemgetter(1)),
        "year": [(str(year), str(year)) for year in (public_years() if years is None else years)],
        "topic": Topic.objects.public().order_by("name").values_list("slug", "name"),
        "series": DialogueSeries.objects.public().order_by("name").values_list("slug", "name"),
    }
    return {
        name: [(value, escape(value), escape(label)) for value, label in items]
        for name, items in pairs.items()
    }


def options_html(choices, selected):
    """The <option> elements of one list, with the selected ones marked."""
    chosen = set(selected)
    return mark_safe(  # noqa: S308 (every value and label was escaped by public_filter_choices)
        "".join(
            f'<option value="{value_html}"{" selected" if value in chosen else ""}>'
            f"{label_html}</option>"
            for value, value_html, label_html in choices
        )
    )


def filter_options(selected, years=None):
    """What the filter form offers, as option HTML for each list.

    ``years``: the years of all public meetings when the caller has them already
    (the unfiltered listing's year facet), which saves a query when nothing is cached.
    """
    choices = cached_public(("filter-choices",), lambda: public_filter_choices(years))
    return {
        "options": {name: options_html(items, selected[name]) for name, items in choices.items()},
        "tracks": Track.choices,
        "statuses": Status.choices,
        "sort_choices": SORT_CHOICES,
    }


def cached_listing_counts(filterset):
    """The total and facet rows of a valid public filter, from the cache."""
    return cached_public(
        ("listing-counts", filter_key(filterset)), lambda: listing_counts(filterset)
    )


def listing_context(filterset, params):
    counts = cached_listing_counts(filterset)
    total, rows = counts["total"], counts["rows"]
    facets = {name: build_facet(filterset, params, name, total, rows[name]) for name in rows}
    selected_years = {int(year) for year in filterset.active("year")}
    return {
        "total": total,
        "facets": facets,
        "chips": build_chips(filterset, params),
        "chart": year_chart(rows["year"], selected_years),
        # Unfiltered, the year facet lists the years of all public meetings.
        "public_years": None if filter_key(filterset) else [row[0] for row in rows["year"]],
    }


def render_list(request, context, status=200):
    context |= filter_options(context["selected"], context.get("public_years"))
    return render(request, "meetings/meeting_list.html", context, status=status)


@require_safe
@cached_public_page(parameters=LISTING_PARAMETERS)
def meeting_list(request):
    filterset, errors = validated_filter(request, LISTING_PARAMETERS)
    number = page_number(request.GET)
    if number is None:
        errors.append(PAGE_ERROR)
    selected = selected_values(filterset)
    context = {
        "filter": filterset,
        "errors": errors,
        "selected": selected,
        "more_filters_open": bool(errors) or any(selected[name] for name in MORE_FILTERS),
        # Filter combinations are endless: crawlers get the sitemap instead.
        "filtered": any(name in EXPORT_PARAMETERS for name in request.GET),
        "export_query": export_query(request.GET),
        "query": known_query(request.GET, LISTING_PARAMETERS),  # what the page's links carry
    }
    if errors:
        return render_list(request, context, status=400)
    context |= listing_context(filterset, context["query"])
    paginator = Paginator(with_public_participants(filterset.qs), settings.MEETINGS_PAGE_SIZE)
    paginator.count = context["total"]  # already counted for the facets
    if number > paginator.num_pages:
        raise Http404("No such page.")
    context["page_obj"] = paginator.page(number)
    return render_list(request, context)


def export_query(params):
    """'?city=berlin&…': the listing's filters for its export links, nothing else."""
    kept = known_query(params, EXPORT_PARAMETERS)
    return f"?{kept.urlencode()}" if kept else ""


def selected_values(filterset):
    """The form's current choices, as the strings its controls carry."""
    names = ("city", "country", "year", "track", "topic", "person", "series", "status")
    selected = {
        name: [str(getattr(v, "slug", v)) for v in filterset.active(name)] for name in names
    }
    selected["q"] = filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else ""
    selected["sort"] = filterset.form.cleaned_data.get("sort", "") if filterset.is_valid() else ""
    return selected


@require_safe
def home(request):
    meetings = Meeting.objects.public()
    context = {
        "latest": with_public_participants(meetings.newest_first())[:HOME_LATEST],
        "meeting_count": meetings.count(),
        "city_count": City.objects.public().count(),
    }
    return render(request, "home.html", context)


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def cache_health():
    """How the cache answers: Redis is pinged (not again within its pause after a failure)."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "local"  # this process's memory: nothing to reach
    return "ok" if ping() else "unavailable"


@require_safe
@never_cache
def healthz(request):
    """200 while the database answers, else 503; the cache is reported, never fatal."""
    database = database_answers()
    lines = [f"database: {'ok' if database else 'unavailable'}", f"cache: {cache_health()}"]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain", status=200 if database else 503
    )


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


@require_safe
@cached_public_page
def meeting_detail(request, slug):
    meeting = get_object_or_404(
        Meeting.objects.public()
        .select_related("city", "series")
        .prefetch_related("topics", "sources"),
        slug=slug,
    )
    participations = list(
        Participation.objects.public().filter(meeting=meeting).select_related("person")
    )
    others = []
    if meeting.series_id:
        others = Meeting.objects.public().filter(series=meeting.series_id).exclude(pk=meeting.pk)
        others = others.select_related("city").newest_first()[:SERIES_OTHERS]
    context = {
        "meeting": meeting,
        "sides": sides(meeting, participations),
        "quotes": Quote.objects.public().filter(meeting=meeting).select_related("person"),
        "series_meetings": others,
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Allow: /", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")
