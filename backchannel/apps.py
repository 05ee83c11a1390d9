from django.contrib.admin.apps import AdminConfig


class BackchannelAdminConfig(AdminConfig):
    """Django's admin, with Backchannel's site (backchannel/admin_site.py) as the default."""

    default_site = "backchannel.admin_site.BackchannelAdminSite"
