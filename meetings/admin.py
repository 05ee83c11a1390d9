"""Admin for meetings: one page per meeting, with its participants, its derived sides and
track (previewed as staff type), confidentiality, review and history."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import path
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from backchannel.admin_choices import AutocompleteAdmin, records_to_save
from backchannel.admin_countries import countries_json
from backchannel.admin_tools import (
    EstimatedCountPaginator,
    GuardedHistoryAdmin,
    InUseRelatedFilter,
    country_in_use_filter,
)
from people.models import Person

from .admin_catalogue import ChangeListMeetings, OrganizerInline, form_for
from .admin_review import AwaitingPublicationFilter, ReviewAdmin
from .derived import batched_writes
from .forms import MeetingForm, ParticipationForm, ParticipationFormSet
from .models import City, Meeting, Participation
from .new_records import city_from, person_from, source_from, topic_from
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


HIDDEN_NOTE = "Role and title stay internal."


class ParticipationInline(AutocompleteAdmin, admin.StackedInline):
    """Participants as compact rows: who, for which side, in what capacity, on one line;
    title, sources and what the public sees on the next (templates/admin/meetings/
    participants.html, laid out by static/staff/admin.css)."""

    model = Participation
    form = ParticipationForm
    formset = ParticipationFormSet
    template = "admin/meetings/participants.html"
    fieldsets = [
        (None, {"fields": ["person", "anonymised", "side", "capacity", "role"]}),
        (None, {"fields": ["title_at_time", "sources", "public_view"]}),
    ]
    readonly_fields = ["public_view"]
    autocomplete_fields = ["person", "sources"]
    new_records = {"person": ("person", person_from), "sources": ("source", source_from)}
    extra = 3

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person").prefetch_related("sources")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None else self.extra  # three empty rows to start a meeting

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = form_for(request, self.form, sides_follow_participants=True)
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="on public pages")
    def public_view(self, participation):
        shown = participation.public_label if participation.pk and participation.anonymised else ""
        note = HIDDEN_NOTE if shown else ""
        return format_html(
            '<span class="public-view" data-note="{}">{}</span>',
            HIDDEN_NOTE,
            f"Shown as “{shown}”. {note}" if shown else "",
        )


@admin.register(Meeting)
class MeetingAdmin(AutocompleteAdmin, ReviewAdmin, ImportExportMixin, GuardedHistoryAdmin):
    form = MeetingForm
    change_form_template = "admin/meetings/meeting/change_form.html"
    # Restoring a meeting would leave its participants as they are now.
    history_revert = False
    resource_classes = [MeetingResource]
    formats = [base_formats.CSV]
    inlines = [ParticipationInline, OrganizerInline]
    list_display = ["title", "date", "place", "track", "status", "visibility", "participants"]
    list_display_links = ["title"]
    list_filter = [
        AwaitingPublicationFilter,
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
    new_records = {
        "city": ("city", city_from),
        "topics": ("topic", topic_from),
        "sources": ("source", source_from),
    }
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["track_summary", "when", "sides", "created_at", "updated_at"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    class Media:
        js = ["admin/js/jquery.init.js", "staff/track.js", "staff/meeting_form.js"]

    def get_fieldsets(self, request, obj=None):
        may_change = self.has_change_permission(request, obj)
        when = [("start_date", "end_date")] if may_change else ["when"]
        sides = ["track_summary", "extra_parties", "track_override"]
        fieldsets = [
            (None, {"fields": ["title", "slug", ("series", "status"), "visibility"]}),
            ("When and where", {"fields": [*when, ("city", "venue"), "occasion"]}),
            ("Sides and track", {"fields": sides if may_change else ["sides", "track_override"]}),
            ("Record", {"fields": ["topics", "sources", "summary", "internal_notes"]}),
        ]
        if may_change:
            fieldsets[0][1]["fields"].append("seen_updated_at")
        fieldsets += self.review_fieldsets(request, obj)
        if obj is not None:
            fieldsets.append(("Changes", {"fields": ["created_at", "updated_at"]}))
        # The meeting's first two parts come before its participants, the rest after.
        for _name, options in fieldsets[2:]:
            options["classes"] = ["after-participants"]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The form's own fields (dates in parts, other sides, review) only where shown.
        shown = set(flatten_fieldsets(self.get_fieldsets(request, obj)))
        for name in set(form.declared_fields) - shown:
            del form.base_fields[name]
        return form

    def get_urls(self):
        countries = self.admin_site.admin_view(self.countries_view)
        return [
            path("countries/", countries, name="meetings_meeting_countries"),
            *super().get_urls(),
        ]

    def countries_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return countries_json(request)

    def get_queryset(self, request):
        meetings = super().get_queryset(request).annotate(participant_count=participant_count())
        return ChangeListMeetings(Meeting, query=meetings.query, using=meetings.db)

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
        if not self.has_publish_permission(request):
            # Editors' records stay confidential until a publisher releases them.
            fields.append("visibility")
        return fields

    @admin.display(description="date", ordering=F("start_date").desc(nulls_last=True))
    def date(self, meeting):
        return meeting.date_display

    @admin.display(description="city", ordering="city__name")
    def place(self, meeting):
        return meeting.city.name if meeting.city else ""

    @admin.display(description="date")
    def when(self, meeting):
        return meeting.date_display

    @admin.display(description="sides")
    def sides(self, meeting):
        return ", ".join(name for name, _track in meeting.side_views) or "none recorded"

    @admin.display(description="participants", ordering="participant_count")
    def participants(self, meeting):
        return meeting.participant_count

    @admin.display(description="track (each side's view)")
    def track_summary(self, meeting):
        saved = meeting_track_summary(meeting) if meeting.pk else ""
        return format_html(
            '<output id="track-preview">{}</output><span class="track-preview-note" hidden>'
            "Worked out from the participants as you enter them; stored when you save."
            "</span>",
            saved or "Derived from the participants when you save.",
        )

    def save_model(self, request, obj, form, change):
        """Saved in save_related, with its rows: its sides come from the participants."""

    def save_related(self, request, form, formsets, change):
        meeting = form.instance
        meeting.parties = form.parties_with(formsets)
        reason = form.review_change()
        if reason:
            meeting._change_reason = reason
        for record in records_to_save(form):  # a city, topics or sources added by typing
            record.save()
        super().save_model(request, meeting, form, change)
        # The inline rows are saved one by one: the track is recomputed once, after all.
        with batched_writes():
            super().save_related(request, form, formsets, change)
        meeting.refresh_from_db(fields=["track", "side_tracks"])
        self._warn_override_conflict(request, meeting)

    def _warn_override_conflict(self, request, meeting):
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
