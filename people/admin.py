"""Admin for people: data entry, their meetings, and merging duplicates."""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from backchannel.admin_choices import AutocompleteAdmin, SlugFilledForm
from backchannel.admin_tools import GuardedHistoryAdmin, InUseRelatedFilter, country_in_use_filter
from backchannel.roles import PUBLISH_PERMISSION
from meetings.models import Participation

from .models import Affiliation, Organization, Person
from .resources import PersonResource
from .services import MergeRefused, person_merge, person_merge_preview


def _participation_count():
    """How many participations each person has, as a subquery."""
    counted = (
        Participation.objects.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class AffiliationInline(AutocompleteAdmin, admin.TabularInline):
    model = Affiliation
    fields = ["organization", "role", "start_date", "end_date"]
    autocomplete_fields = ["organization"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


class PersonForm(SlugFilledForm):
    slug_source = "full_name"


@admin.register(Person)
class PersonAdmin(ImportExportMixin, GuardedHistoryAdmin):
    form = PersonForm
    resource_classes = [PersonResource]
    formats = [base_formats.CSV]
    inlines = [AffiliationInline]
    list_display = ["full_name", "sort_name", "country", "meeting_count"]
    list_filter = [country_in_use_filter("country", "country")]
    search_fields = ["full_name", "sort_name", "other_names", "slug"]
    ordering = ["sort_name", "full_name"]
    prepopulated_fields = {"slug": ["full_name"]}
    readonly_fields = ["meetings"]
    actions = ["merge_people"]
    fields = [
        "full_name",
        "slug",
        "sort_name",
        "other_names",
        "country",
        "bio",
        "internal_notes",
        "meetings",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_total=_participation_count())

    def get_import_data_kwargs(self, **kwargs):
        return super().get_import_data_kwargs(**kwargs) | {"rollback_on_validation_errors": True}

    @admin.display(description="meetings", ordering="meeting_total")
    def meeting_count(self, person):
        return person.meeting_total

    @admin.display(description="meetings taken part in")
    def meetings(self, person):
        if person.pk is None:
            return "None yet."
        rows = person.participations.select_related("meeting").order_by("-meeting__start_date")
        links = [
            (
                reverse("admin:meetings_meeting_change", args=[row.meeting_id]),
                row.meeting.title,
                row.meeting.date_display,
                row.get_capacity_display(),
            )
            for row in rows
        ]
        if not links:
            return "None yet."
        items = format_html_join("", '<li><a href="{}">{}</a> ({}, {})</li>', links)
        return format_html("<ul>{}</ul>", items)

    def has_merge_permission(self, request, obj=None):
        """Merging changes one person and deletes the other: it needs both rights."""
        return self.has_change_permission(request, obj) and self.has_delete_permission(request, obj)

    @admin.action(description="Merge the two selected people", permissions=["merge"])
    def merge_people(self, request, queryset):
        people = list(queryset.order_by("pk")[:3])
        if len(people) != 2:
            self.message_user(request, "Select exactly two people to merge.", messages.ERROR)
            return None
        try:
            return self._merge_or_confirm(request, people)
        except Person.DoesNotExist as gone:  # merged or deleted meanwhile
            self.message_user(request, str(gone), messages.ERROR)
            return None

    def _merge_or_confirm(self, request, people):
        kept_pk = request.POST.get("kept")
        if request.POST.get("confirm") == "yes" and kept_pk in {str(p.pk) for p in people}:
            kept, merged = sorted(people, key=lambda p: str(p.pk) != kept_pk)
            try:
                self._merge(request, kept, merged)
            except MergeRefused as refusal:
                return self._merge_confirmation(request, people, refusal.reasons)
            return None
        return self._merge_confirmation(request, people)

    def _merge(self, request, kept, merged):
        if not (
            self.has_change_permission(request, kept)
            and self.has_delete_permission(request, merged)
        ):
            raise PermissionDenied("Merging deletes a person: you may not delete people.")
        may_publish = request.user.has_perm(PUBLISH_PERMISSION)
        result = person_merge(kept, merged, may_publish=may_publish)
        self.message_user(
            request,
            f"Merged {result.merged_name} into {kept}: {result.moved_participations} "
            f"participation(s), {result.moved_quotes} quote(s) and "
            f"{result.moved_affiliations} affiliation(s) moved.",
            messages.SUCCESS,
        )
        for meeting in result.dropped_meetings:
            self.message_user(
                request,
                f"Both took part in “{meeting}”: {kept}'s participation was kept and "
                f"{result.merged_name}'s deleted.",
                messages.WARNING,
            )
        if result.newly_public:
            published = "; ".join(result.newly_public)
            self.message_user(request, f"Now public: {published}.", messages.WARNING)

    def _merge_confirmation(self, request, people, refusal=None):
        may_publish = request.user.has_perm(PUBLISH_PERMISSION)
        choices = [
            merge_choice(kept, merged, may_publish) for kept, merged in (people, people[::-1])
        ]
        allowed = [choice for choice in choices if choice.allowed]
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge two people",
            "opts": self.model._meta,
            "choices": choices,
            "checked": allowed[0].kept.pk if allowed else None,
            "refusal": refusal,
            "people": people,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/people/person/merge_confirmation.html", context)


@dataclass
class MergeChoice:
    """One way to merge two people (keeping ``kept``), and whether this user may make it."""

    kept: Person
    newly_public: list
    allowed: bool


def merge_choice(kept, merged, may_publish):
    newly_public = person_merge_preview(kept, merged).newly_public
    return MergeChoice(kept, newly_public, allowed=may_publish or not newly_public)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = SlugFilledForm
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", country_in_use_filter("country", "country")]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Affiliation)
class AffiliationAdmin(AutocompleteAdmin, admin.ModelAdmin):
    list_display = ["person", "organization", "role", "start_date", "end_date"]
    list_filter = [("organization", InUseRelatedFilter)]
    list_select_related = ["person", "organization"]
    search_fields = ["person__full_name", "organization__name", "role"]
    ordering = ["person__sort_name", "-start_date"]
    autocomplete_fields = ["person", "organization"]
