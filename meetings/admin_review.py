"""Review and publication in the meetings admin: editors mark a meeting ready for review,
publishers find it in "Awaiting publication" (oldest first) and publish from the list.

Publishing from the list applies the rules of the meeting's page (``meeting_publish``);
editors have no publish action, and a forged one is refused by Django's action check.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from .models import Visibility
from .services import PUBLISH_PERMISSION, meeting_publish

AWAITING = "awaiting"


class AwaitingPublicationFilter(admin.SimpleListFilter):
    """Confidential meetings an editor marked ready for review."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [(AWAITING, "Awaiting publication")]

    def queryset(self, request, queryset):
        if self.value() != AWAITING:
            return queryset
        return queryset.filter(
            visibility=Visibility.CONFIDENTIAL, review_requested_at__isnull=False
        )


def in_queue(request):
    return request.GET.get(AwaitingPublicationFilter.parameter_name) == AWAITING


class ReviewAdmin:
    """The meeting admin's review fields, queue columns and publish actions."""

    actions = ["publish_selected", "publish_withholding_participants"]
    queue_columns = ["title", "waiting_since", "note", "date", "place", "track", "participants"]

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def review_fieldsets(self, request, obj):
        if obj is not None and obj.visibility != Visibility.CONFIDENTIAL:
            return []  # published: nothing to review
        if not self.has_change_permission(request, obj):
            return [("Review", {"fields": ["waiting_since", "review_note"]})]
        return [("Review", {"fields": ["ready_for_review", "review_note"]})]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "waiting_since"]

    def get_ordering(self, request):
        if in_queue(request):
            return ["review_requested_at", "pk"]  # the longest waiting first
        return super().get_ordering(request)

    def get_list_display(self, request):
        return self.queue_columns if in_queue(request) else super().get_list_display(request)

    @admin.display(description="waiting since", ordering="review_requested_at")
    def waiting_since(self, meeting):
        if meeting.review_requested_at is None:
            return "not marked ready"
        return timezone.localtime(meeting.review_requested_at).strftime("%d %b %Y, %H:%M")

    @admin.display(description="note for the publisher")
    def note(self, meeting):
        return Truncator(meeting.review_note).chars(120)

    @admin.action(description="Publish the selected meetings", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._publish(request, queryset, Visibility.PUBLIC)

    @admin.action(
        description="Publish the selected meetings, withholding their participants",
        permissions=["publish"],
    )
    def publish_withholding_participants(self, request, queryset):
        self._publish(request, queryset, Visibility.PARTICIPANTS_WITHHELD)

    def _publish(self, request, queryset, visibility):
        published = []
        for meeting in queryset.order_by("pk"):
            with transaction.atomic():
                refusals = meeting_publish(meeting, request.user, visibility)
            if refusals:
                reasons = " ".join(refusals)
                self.message_user(request, f"Not published: “{meeting}”. {reasons}", messages.ERROR)
            else:
                published.append(str(meeting))
        if published:
            names = "; ".join(f"“{name}”" for name in published)
            self.message_user(request, f"Published {names}.", messages.SUCCESS)
