"""Public people pages: the listing and each person's page with their meeting history."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, Max, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from backchannel.cache import cached_public_page
from backchannel.countries import country_name
from backchannel.parameters import PAGE_ERROR, known_query, page_number, parameter_errors
from meetings.models import Participation, Quote, public_people

from .filters import PersonFilter, public_organizations
from .models import Affiliation

CO_PARTICIPANTS = 10


def with_meeting_stats(people):
    """Each person's number of public meetings (named) and the date of the last one."""
    theirs = Participation.objects.publicly_named().filter(person=OuterRef("pk")).order_by()
    count = theirs.values("person").annotate(n=Count("pk")).values("n")
    last = theirs.values("person").annotate(last=Max("meeting__start_date")).values("last")
    return people.annotate(
        meeting_count=Subquery(count, output_field=IntegerField()),
        last_meeting=Subquery(last),
    )


def public_countries():
    """[(code, name)] of the countries public people come from, by name."""
    codes = (
        public_people().exclude(country="").order_by().values_list("country", flat=True).distinct()
    )
    return sorted({(code, country_name(code)) for code in codes}, key=lambda item: item[1])


def people_context(filterset):
    return {
        "filter": filterset,
        "selected": {
            "country": filterset.active("country"),
            "organization": [org.slug for org in filterset.active("organization")],
            "q": filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else "",
        },
        "countries": public_countries(),
        "organizations": public_organizations().order_by("name"),
    }


@require_safe
def person_list(request):
    known = {*PersonFilter.base_filters, "page"}
    errors = parameter_errors(request.GET, known)
    filterset = PersonFilter(request.GET if not errors else {}, queryset=public_people())
    errors = errors or filterset.error_list()
    number = page_number(request.GET)
    if number is None:
        errors.append(PAGE_ERROR)
    context = people_context(filterset) | {
        "errors": errors,
        "query": known_query(request.GET, known),  # what the page's links carry
    }
    if errors:
        return render(request, "people/person_list.html", context, status=400)
    affiliations = Affiliation.objects.select_related("organization")
    people = with_meeting_stats(filterset.qs).prefetch_related(
        Prefetch("affiliations", queryset=affiliations)
    )
    paginator = Paginator(people, settings.PEOPLE_PAGE_SIZE)
    if number > paginator.num_pages:
        raise Http404("No such page.")
    context["page_obj"] = paginator.page(number)
    context["total"] = paginator.count
    return render(request, "people/person_list.html", context)


def co_participants(person):
    """The publicly named people met most often in public meetings: one aggregate query."""
    named = Participation.objects.publicly_named()
    their_meetings = named.filter(person=person).values("meeting_id")
    return (
        named.filter(meeting_id__in=their_meetings)
        .exclude(person=person)
        .values(slug=F("person__slug"), name=F("person__full_name"))
        .annotate(meetings=Count("pk"))
        .order_by("-meetings", "person__sort_name")[:CO_PARTICIPANTS]
    )


def meeting_history(person):
    return list(
        Participation.objects.publicly_named()
        .filter(person=person)
        .select_related("meeting__city")
        .order_by(F("meeting__start_date").desc(nulls_last=True), "-meeting__pk")
    )


@require_safe
@cached_public_page
def person_detail(request, slug):
    person = get_object_or_404(public_people(), slug=slug)
    history = meeting_history(person)
    dated = [p.meeting for p in history if p.meeting.start_date]
    context = {
        "person": person,
        "affiliations": person.affiliations.select_related("organization"),
        "history": history,
        "first_meeting": dated[-1] if dated else None,
        "last_meeting": dated[0] if dated else None,
        "quotes": Quote.objects.public().filter(person=person).select_related("meeting"),
        "co_participants": co_participants(person),
    }
    return render(request, "people/person_detail.html", context)
