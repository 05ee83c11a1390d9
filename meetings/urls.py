from django.urls import path
from django.views.decorators.http import require_safe

from . import exports, ical, views
from .feeds import LatestMeetingsFeed

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("export.csv", exports.export_csv, name="export_csv"),
    path("export.json", exports.export_json, name="export_json"),
    path("calendar.ics", ical.calendar, name="calendar"),
    path("feed/", require_safe(LatestMeetingsFeed()), name="feed"),
    path("cities/", views.meeting_cities, name="cities"),
    path("<slug:slug>/", views.meeting_detail, name="detail"),
    path("<slug:slug>/cite.bib", views.meeting_citation, name="citation"),
]
