"""Public organisation pages: the listing and each organisation's page (what it is, the
public meetings it organised or convened, its publicly named affiliates)."""

from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from backchannel.cache import cached_public_page
from backchannel.listpage import ListPage
from meetings.models import Meeting, MeetingOrganizer, public_organizations, publicly_affiliated

from .filters import OrganizationFilter
from .models import Organization

MEETINGS_SHOWN = 100  # the latest; the rest through the series pages and the listing


def with_meeting_count(organizations):
    """Each organisation's number of public meetings it convened, hosted or funded."""
    theirs = MeetingOrganizer.objects.public().filter(organization=OuterRef("pk")).order_by()
    count = theirs.values("organization").annotate(n=Count("meeting", distinct=True)).values("n")
    return organizations.annotate(meeting_count=Subquery(count, output_field=IntegerField()))


class OrganizationList(ListPage):
    """The public organisations, filtered by kind, country and name."""

    filterset_class = OrganizationFilter
    template_name = "people/organization_list.html"
    page_size_setting = "ORGANIZATIONS_PAGE_SIZE"

    def queryset(self):
        return public_organizations().order_by("name", "pk")

    def rows(self):
        return with_meeting_count(self.filterset.qs)

    def page_context(self, results):
        return {"kinds": Organization.Kind.choices}


@require_safe
@cached_public_page(parameters=OrganizationList.parameters().known)
def organization_list(request):
    return OrganizationList(request).response()


def organized_meetings(organization):
    """([(meeting, [(role, series or None)])], [series]): the public meetings
    ``organization`` convened, hosted or funded, or whose series it convenes, newest
    first (undated last), and the series it convenes. Two queries."""
    links = (
        MeetingOrganizer.objects.public()
        .filter(organization=organization)
        .select_related("meeting__city")
        .order_by(F("meeting__start_date").desc(nulls_last=True), "-meeting__pk")
    )
    rounds = (
        Meeting.objects.public()
        .filter(series__convener=organization)
        .select_related("city", "series")
        .newest_first()
    )
    roles, series = {}, {}
    for link in links[: MEETINGS_SHOWN + 1]:
        roles.setdefault(link.meeting, []).append((link.get_role_display(), None))
    for meeting in rounds[: MEETINGS_SHOWN + 1]:
        roles.setdefault(meeting, []).append(("convener", meeting.series))
        series[meeting.series_id] = meeting.series
    ordered = sorted(roles, key=newest_first_key)
    convened = sorted(series.values(), key=lambda one: one.name)
    return [(meeting, roles[meeting]) for meeting in ordered], convened


def newest_first_key(meeting):
    """Dated meetings newest first, then the undated ones (newest record first)."""
    date = meeting.start_date
    return (date is None, -date.toordinal() if date else 0, -meeting.pk)


@require_safe
@cached_public_page
def organization_detail(request, slug):
    organization = get_object_or_404(public_organizations(), slug=slug)
    meetings, series = organized_meetings(organization)
    affiliations = list(publicly_affiliated(organization))
    context = {
        "organization": organization,
        "meetings": meetings[:MEETINGS_SHOWN],
        "more_meetings": len(meetings) > MEETINGS_SHOWN,
        "meetings_shown": MEETINGS_SHOWN,
        "series": series,
        "affiliations": affiliations,
        "people_count": len({affiliation.person_id for affiliation in affiliations}),
    }
    return render(request, "people/organization_detail.html", context)
