from django.apps import AppConfig


class BackchannelConfig(AppConfig):
    """The project's own app: the foundation's one table and the project-wide commands."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "backchannel"
