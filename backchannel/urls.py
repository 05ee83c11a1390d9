from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from meetings import views as meeting_views

from . import views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("meetings/", include("meetings.urls")),
    path("people/", include("people.urls")),
    path("organizations/", include("people.organization_urls")),
    path("series/", include("meetings.series_urls")),
    path("overview/", meeting_views.overview, name="overview"),
    path("overview/chart.svg", meeting_views.overview_chart, name="overview_chart"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

handler500 = "backchannel.views.server_error"
