from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class BackchannelConfig(AppConfig):
    """The project's own app: the foundation's one table and the project-wide commands."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "backchannel"


class BackchannelAdminConfig(AdminConfig):
    """Django's admin, with Backchannel's site (backchannel/admin_site.py) as the default."""

    default_site = "backchannel.admin_site.BackchannelAdminSite"
