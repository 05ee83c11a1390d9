"""Public people pages: the listing and each person's page with their meeting history."""

from django.db.models import Count, F, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from backchannel.cache import cached_public, cached_public_page
from backchannel.countries import country_name
from backchannel.listpage import ListPage, select_options
from meetings.facets import build_chips
from meetings.models import (
    Participation,
    Quote,
    public_people,
    public_quote,
)

from .filters import PersonFilter
from .models import Affiliation

MET_WITH = 30  # the people shown under "Met with"


def with_meeting_stats(people):
    """Each person's number of public meetings (named) and the date of the last one."""
    theirs = Participation.objects.publicly_named().filter(person=OuterRef("pk")).order_by()
    count = theirs.values("person").annotate(n=Count("pk")).values("n")
    last = theirs.values("person").annotate(last=Max("meeting__start_date")).values("last")
    return people.annotate(
        meeting_count=Subquery(count, output_field=IntegerField()),
        last_meeting=Subquery(last),
    )


def with_quote_stats(people):
    """Each person's number of public quotes and the first of them (``first_quote``)."""
    theirs = Quote.objects.filter(public_quote(), person=OuterRef("pk")).order_by()
    count = theirs.values("person").annotate(n=Count("pk")).values("n")
    return people.annotate(
        quote_count=Subquery(count, output_field=IntegerField()),
        first_quote=Subquery(theirs.order_by("pk").values("text")[:1]),
    )


def public_countries():
    """((code, name), …) of the countries public people come from, by name."""
    codes = (
        public_people().exclude(country="").order_by().values_list("country", flat=True).distinct()
    )
    return tuple(sorted({(code, country_name(code)) for code in codes}, key=lambda item: item[1]))


class PersonList(ListPage):
    """The public people (named in a public meeting or quoted publicly), filtered.

    The form lists countries only (those of public people, cached like the meeting
    form's lists); an organisation is chosen on its page or from a row's affiliation,
    shown as a removable chip and carried by the form as a hidden input."""

    filterset_class = PersonFilter
    template_name = "people/person_list.html"
    page_size_setting = "PEOPLE_PAGE_SIZE"

    def queryset(self):
        return public_people().order_by("sort_name", "full_name", "pk")

    def rows(self):
        affiliations = Affiliation.objects.select_related("organization")
        return with_quote_stats(with_meeting_stats(self.filterset.qs)).prefetch_related(
            Prefetch("affiliations", queryset=affiliations)
        )

    def results(self):
        return {"chips": build_chips(self.filterset, self.query)}

    def page_context(self, results):
        countries = cached_public(("people-countries",), public_countries)
        return {"options": select_options({"country": countries}, self.selected)}


@require_safe
def person_list(request):
    return PersonList(request).response()


def met_with(person):
    """The people publicly named on another side at a public meeting where ``person`` is
    named, most shared meetings first: [{slug, name, meetings, latest}] where
    ``meetings`` counts every public meeting naming both (the listing's
    ``?person=…&with=…``) and ``latest`` is the latest of them. Anonymised and
    unnamed participants are never read. Two queries: the counts, then the latest
    meetings of the people shown."""
    named = Participation.objects.publicly_named()
    theirs = named.filter(person=person).values("meeting_id")
    my_side = named.filter(person=person, meeting=OuterRef("meeting")).values("side")[:1]
    rows = list(
        named.filter(meeting_id__in=theirs)
        .exclude(person=person)
        .annotate(my_side=Subquery(my_side))
        .values("person_id", slug=F("person__slug"), name=F("person__full_name"))
        .annotate(
            meetings=Count("meeting_id", distinct=True),
            across=Count("pk", filter=~Q(side=F("my_side"))),
        )
        .filter(across__gt=0)
        .order_by("-meetings", "person__sort_name", "person__full_name", "person_id")[:MET_WITH]
    )
    latest = _latest_shared(named, theirs, [row["person_id"] for row in rows])
    return [row | {"latest": latest.get(row["person_id"])} for row in rows]


def _latest_shared(named, theirs, people):
    """{person id: the latest public meeting shared with them} for ``people``."""
    shared = (
        named.filter(meeting_id__in=theirs, person_id__in=people)
        .select_related("meeting")
        .order_by("person_id", F("meeting__start_date").desc(nulls_last=True), "-meeting_id")
    )
    latest = {}
    for participation in shared:
        latest.setdefault(participation.person_id, participation.meeting)
    return latest


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
        # Every organisation of a public person is public (``public_organizations``:
        # the affiliation of a public person), so each is linked. Asking the gate per
        # affiliation cost 10-16 ms of PostgreSQL planning for a page of two.
        "affiliations": person.affiliations.select_related("organization"),
        "history": history,
        "first_meeting": dated[-1] if dated else None,
        "last_meeting": dated[0] if dated else None,
        "quotes": Quote.objects.public().filter(person=person).select_related("meeting"),
        "met_with": met_with(person),
    }
    return render(request, "people/person_detail.html", context)
