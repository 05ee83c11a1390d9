"""The admin as staff think of the record: meetings; people and organisations; sources
and quotes. Accounts and the login-lockout tables are for superusers only.

``backchannel.apps.BackchannelAdminConfig`` (in INSTALLED_APPS instead of
django.contrib.admin) makes this the default site, so ``admin.site`` and
``@admin.register`` use it.
"""

from django.contrib import admin
from django.http import Http404
from django.urls import reverse

from meetings.models import Meeting, Visibility

from .roles import PUBLISH_PERMISSION

# (section name, models as app_label.ModelName); "queue" is the meetings awaiting
# publication, shown to publishers.
SECTIONS = [
    (
        "Meetings",
        [
            "meetings.Meeting",
            "queue",
            "meetings.Participation",
            "meetings.DialogueSeries",
            "meetings.City",
            "meetings.Topic",
        ],
    ),
    ("People and organisations", ["people.Person", "people.Organization", "people.Affiliation"]),
    ("Sources and quotes", ["meetings.Source", "meetings.Quote"]),
]
RECORD_APPS = {"meetings", "people"}
SUPERUSER_APPS = {"auth", "axes"}


class BackchannelAdminSite(admin.AdminSite):
    site_header = "Backchannel"
    site_title = "Backchannel staff"
    index_title = "The record"
    # The index and the breadcrumbs lead everywhere; at 1280 px the space goes to the
    # meeting form and the change lists instead of a second menu.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        apps = [
            app
            for app in super().get_app_list(request, app_label)
            if app["app_label"] not in SUPERUSER_APPS or request.user.is_superuser
        ]
        if app_label is not None:
            return apps
        by_name = {
            f"{app['app_label']}.{model['object_name']}": model
            for app in apps
            for model in app["models"]
        }
        if request.user.has_perm(PUBLISH_PERMISSION) and "meetings.Meeting" in by_name:
            by_name["queue"] = _queue_entry()
        sections = [_section(name, names, by_name) for name, names in SECTIONS]
        others = [app for app in apps if app["app_label"] not in RECORD_APPS]
        return [section for section in sections if section["models"]] + others

    def app_index(self, request, app_label, extra_context=None):
        if app_label in SUPERUSER_APPS and not request.user.is_superuser:
            raise Http404("No such part of the admin.")
        return super().app_index(request, app_label, extra_context)

    def index(self, request, extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm(PUBLISH_PERMISSION):
            waiting = Meeting.objects.filter(
                visibility=Visibility.CONFIDENTIAL, review_requested_at__isnull=False
            )
            extra_context |= {
                "awaiting_publication": waiting.count(),
                "awaiting_url": _queue_entry()["admin_url"],
            }
        return super().index(request, extra_context)


def _queue_entry():
    return {
        "name": "Awaiting publication",
        "object_name": "AwaitingPublication",
        "admin_url": reverse("admin:meetings_meeting_changelist") + "?review=awaiting",
        "add_url": None,
        "view_only": True,
        "perms": {"view": True},
    }


def _section(name, model_names, by_name):
    models = [by_name[model] for model in model_names if model in by_name]
    slug = name.lower().split()[0]
    return {
        "name": name,
        "app_label": slug,
        "app_url": models[0]["admin_url"] if models else "",
        "has_module_perms": True,
        "models": models,
    }
