from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import Meeting, Participation, Quote

HOME_LATEST = 10


@require_safe
def home(request):
    meetings = Meeting.objects.public()
    context = {
        "latest": meetings.select_related("city").prefetch_related("topics")[:HOME_LATEST],
        "meeting_count": meetings.count(),
    }
    return render(request, "home.html", context)


@require_safe
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def meeting_detail(request, slug):
    meeting = get_object_or_404(
        Meeting.objects.public().select_related("city", "series"), slug=slug
    )
    participations = Participation.objects.public().filter(meeting=meeting).select_related("person")
    context = {
        "meeting": meeting,
        "participations": participations,
        "quotes": Quote.objects.public().filter(meeting=meeting).select_related("person", "source"),
        "topics": meeting.topics.all(),
        "sources": meeting.sources.all(),
    }
    return render(request, "meetings/meeting_detail.html", context)
