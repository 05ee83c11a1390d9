"""CSV import and export of meetings from the admin change list."""

from django.core.exceptions import ValidationError
from django_countries import countries
from import_export import fields, widgets

from backchannel.admin_tools import FormulaSafeResource
from backchannel.roles import PUBLISH_PERMISSION

from .models import City, DialogueSeries, Meeting, Topic, Visibility


class CountriesWidget(widgets.Widget):
    """Country codes separated by commas: 'KP,US'."""

    def clean(self, value, row=None, **kwargs):
        codes = [code.strip().upper() for code in str(value or "").split(",") if code.strip()]
        unknown = [code for code in codes if code not in countries]
        if unknown:
            raise ValueError(f"Unknown country code(s): {', '.join(unknown)}.")
        return codes

    def render(self, value, obj=None, **kwargs):
        return ",".join(str(country) for country in value or [])


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record by slug; an unknown slug is an error in that cell."""

    def __init__(self, model):
        super().__init__(model, "slug")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.model._meta.verbose_name} with slug “{value}”.") from None


class MeetingResource(FormulaSafeResource):
    """Meetings by slug; the track is derived on save, never imported."""

    series = fields.Field(
        attribute="series",
        column_name="series",
        widget=SlugWidget(DialogueSeries),
    )
    city = fields.Field(attribute="city", column_name="city", widget=SlugWidget(City))
    parties = fields.Field(attribute="parties", column_name="parties", widget=CountriesWidget())
    topics = fields.Field(
        attribute="topics",
        column_name="topics",
        widget=widgets.ManyToManyWidget(Topic, separator=",", field="slug"),
    )
    track = fields.Field(attribute="track", column_name="track", readonly=True)

    class Meta:
        model = Meeting
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "series",
            "start_date",
            "end_date",
            "date_precision",
            "city",
            "venue",
            "occasion",
            "status",
            "parties",
            "track",
            "track_override",
            "visibility",
            "topics",
            "summary",
        ]
        clean_model_instances = True
        skip_unchanged = False

    def get_user_visible_fields(self):
        return [field for field in super().get_user_visible_fields() if not field.readonly]

    def import_instance(self, instance, row, **kwargs):
        before = instance.visibility if instance.pk else Visibility.CONFIDENTIAL
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        user = kwargs.get("user")
        if instance.visibility != before and not (user and user.has_perm(PUBLISH_PERMISSION)):
            errors["visibility"] = [
                "Only publishers can change a meeting's visibility "
                f"(it stays {before.replace('_', ' ')})."
            ]
        if errors:
            raise ValidationError(errors)
