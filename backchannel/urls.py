from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from meetings import views as meeting_views

urlpatterns = [
    path("", meeting_views.home, name="home"),
    path("healthz", meeting_views.healthz, name="healthz"),
    path("meetings/", include("meetings.urls")),
    path("people/", include("people.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler500 = "backchannel.views.server_error"
