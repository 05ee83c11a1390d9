from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"

    def ready(self):
        from . import derived, derived_organizers  # noqa: F401 (connect the receivers that keep derived data)
