from django.urls import path

from . import series_views as views

app_name = "series"

urlpatterns = [
    path("", views.series_list, name="list"),
    path("<slug:slug>/", views.series_detail, name="detail"),
]
