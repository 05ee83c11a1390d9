"""The public meeting pages: the listing and each meeting's page."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from backchannel.cache import cached_public_page
from backchannel.listpage import ListPage

from .facets import filter_options, listing_results
from .filters import EXPORT_PARAMETERS, SORT_CHOICES, MeetingFilter
from .models import Meeting, Participation, Quote, Status, Track

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
        return self.filterset.qs.with_public_participants()

    def results(self):
        return listing_results(self.filterset, self.query)

    def page_context(self, results):
        selected = self.filterset.selection()
        return {
            "more_filters_open": bool(self.errors) or any(selected[n] for n in MORE_FILTERS),
            # Filter combinations are endless: crawlers get the sitemap instead.
            "filtered": any(name in EXPORT_PARAMETERS.known for name in self.request.GET),
            "export_query": export_query(self.request.GET),
            "options": filter_options(selected, results.get("public_years")),
            "tracks": Track.choices,
            "statuses": Status.choices,
            "sort_choices": SORT_CHOICES,
        }


@require_safe
@cached_public_page(parameters=MeetingList.parameters().known)
def meeting_list(request):
    return MeetingList(request).response()


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
