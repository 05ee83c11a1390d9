"""Admin for meetings: data entry with the track rule, confidentiality and history."""

from django.contrib import admin, messages
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import smart_split, unescape_string_literal
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from backchannel.admin_tools import (
    EstimatedCountPaginator,
    GuardedHistoryAdmin,
    InUseRelatedFilter,
    country_in_use_filter,
)
from backchannel.roles import PUBLISH_PERMISSION
from people.models import Person

from .derived import batched_writes
from .forms import MeetingForm, ParticipationForm, ParticipationFormSet
from .models import City, DialogueSeries, Meeting, Participation, Quote, Source, Topic
from .resources import MeetingResource
from .services import meeting_override_conflict, meeting_track_summary


def participant_count():
    """The number of participations of each meeting, as a correlated subquery.

    A subquery rather than JOIN + GROUP BY: the database counts only for the
    page of meetings shown, not for the whole table before sorting.
    """
    counted = (
        Participation.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def search_terms(search_term):
    """Words of a search, "quoted phrases" kept whole, as the admin splits them."""
    terms = []
    for bit in smart_split(search_term):
        if bit[:1] in {'"', "'"} and bit[-1:] == bit[:1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            terms.append(bit)
    return terms


def host_countries():
    """Countries of the cities meetings use, without scanning the meetings table."""
    in_use = City.objects.filter(Exists(Meeting.objects.filter(city=OuterRef("pk"))))
    return in_use.order_by().values_list("country", flat=True).distinct()


def form_for(request, form_class):
    """The participation form, checking the naming rule for this request's user."""
    return type(form_class.__name__, (form_class,), {"user": request.user})


class ParticipationInline(admin.TabularInline):
    model = Participation
    form = ParticipationForm
    formset = ParticipationFormSet
    fields = ["person", "side", "capacity", "role", "title_at_time", "anonymised"]
    autocomplete_fields = ["person"]
    extra = 3

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = form_for(request, self.form)
        return super().get_formset(request, obj, **kwargs)


@admin.register(Meeting)
class MeetingAdmin(ImportExportMixin, GuardedHistoryAdmin):
    form = MeetingForm
    # Restoring a meeting would leave its participants as they are now.
    history_revert = False
    resource_classes = [MeetingResource]
    formats = [base_formats.CSV]
    inlines = [ParticipationInline]
    list_display = [
        "date",
        "title",
        "city",
        "track",
        "status",
        "visibility",
        "participants",
    ]
    list_display_links = ["title"]
    list_filter = [
        "track",
        "visibility",
        "status",
        ("city", InUseRelatedFilter),
        country_in_use_filter("city__country", "host country", used_codes=host_countries),
        ("series", InUseRelatedFilter),
    ]
    list_select_related = ["city"]
    date_hierarchy = "start_date"
    search_fields = [
        "title",
        "venue",
        "city__name",
        "participations__person__full_name",
        "participations__person__other_names",
    ]
    ordering = [F("start_date").desc(nulls_last=True), "-pk"]
    autocomplete_fields = ["series", "city", "topics", "sources"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["track_summary", "created_at", "updated_at"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "series", "status", "visibility", "seen_updated_at"]}),
        ("When", {"fields": ["date_precision", "start_date", "end_date"]}),
        ("Where", {"fields": ["city", "venue", "occasion"]}),
        ("Sides and track", {"fields": ["parties", "track_summary", "track_override"]}),
        ("Record", {"fields": ["topics", "sources", "summary", "internal_notes"]}),
        ("Changes", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=participant_count())

    def get_search_results(self, request, queryset, search_term):
        """Each word must match the title, venue, city or a participant's names.

        Participants are matched through ``pk IN (meetings of matching people)``
        instead of the default join over every participation, which is far
        slower on a large table and needs de-duplication afterwards.
        """
        for term in search_terms(search_term):
            people = Person.objects.filter(
                Q(full_name__icontains=term) | Q(other_names__icontains=term)
            )
            attended = Participation.objects.filter(person__in=people).values("meeting_id")
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(venue__icontains=term)
                | Q(city__name__icontains=term)
                | Q(pk__in=attended)
            )
        return queryset, False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(PUBLISH_PERMISSION):
            # Editors' records stay confidential until a publisher releases them.
            fields.append("visibility")
        return fields

    @admin.display(description="date", ordering=F("start_date").desc(nulls_last=True))
    def date(self, meeting):
        return meeting.date_display

    @admin.display(description="participants", ordering="participant_count")
    def participants(self, meeting):
        return meeting.participant_count

    @admin.display(description="track (each side's view)")
    def track_summary(self, meeting):
        if meeting.pk is None:
            return "Derived from the participants when you save."
        return meeting_track_summary(meeting)

    def save_related(self, request, form, formsets, change):
        # The inline rows are saved one by one: the track is recomputed once, after all.
        with batched_writes():
            super().save_related(request, form, formsets, change)
        meeting = form.instance
        meeting.refresh_from_db(fields=["track", "side_tracks"])
        implied = meeting_override_conflict(meeting)
        if implied is not None:
            messages.warning(
                request,
                f"The track override (Track {meeting.track_override}) contradicts the "
                f"participants, who make this meeting Track {implied}: "
                f"{meeting_track_summary(meeting)}. Clear the override or check the "
                "participants' capacities.",
            )

    def get_export_queryset(self, request):
        queryset = super().get_export_queryset(request)
        return queryset.select_related("city", "series").prefetch_related("topics")

    def get_import_data_kwargs(self, **kwargs):
        return super().get_import_data_kwargs(**kwargs) | {"rollback_on_validation_errors": True}


@admin.register(Participation)
class ParticipationAdmin(GuardedHistoryAdmin):
    form = ParticipationForm
    list_display = ["meeting", "person", "side", "capacity", "role", "anonymised"]
    list_filter = [
        "capacity",
        "role",
        "anonymised",
        country_in_use_filter("side", "side"),
    ]
    list_select_related = ["meeting", "person"]
    search_fields = ["person__full_name", "person__other_names", "meeting__title"]
    ordering = ["-pk"]
    autocomplete_fields = ["meeting", "person"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = form_for(request, self.form)
        return super().get_form(request, obj, change, **kwargs)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "slug"]
    list_filter = [country_in_use_filter("country", "country")]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DialogueSeries)
class DialogueSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "convener", "slug"]
    list_filter = [("convener", InUseRelatedFilter)]
    list_select_related = ["convener"]
    search_fields = ["name", "slug", "convener__name"]
    ordering = ["name"]
    autocomplete_fields = ["convener"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "url"]
    search_fields = ["title", "publisher", "url", "excerpt"]
    date_hierarchy = "published_on"
    ordering = [F("published_on").desc(nulls_last=True), "title"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "person", "meeting", "source"]
    list_select_related = ["person", "meeting", "source"]
    search_fields = ["text", "person__full_name", "meeting__title"]
    ordering = ["-pk"]
    autocomplete_fields = ["person", "meeting", "source"]
