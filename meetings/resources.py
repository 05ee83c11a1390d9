"""CSV import and export of meetings from the admin change list.

Dates are read as the sources give them: a ``date`` column holding an ISO 8601 reduced
date (``2019``, ``2019-03`` or ``2019-03-15``), or ``year``, ``month`` and ``day``
columns; the end likewise (``end``, or ``end_year``, ``end_month``, ``end_day``). The
precision follows (a year alone: ``year``; no date: ``unknown``). Exports write ``date``
and ``end``, so an exported file imports again as it was.
"""

import re

from django.core.exceptions import ValidationError
from django_countries import countries
from import_export import fields, widgets

from backchannel.admin_tools import FormulaSafeResource
from backchannel.roles import PUBLISH_PERMISSION

from . import dates
from .models import City, DialogueSeries, Meeting, Topic, Visibility

START_COLUMNS = ("date", ("year", "month", "day"))
END_COLUMNS = ("end", ("end_year", "end_month", "end_day"))
REPLACED_COLUMNS = ("start_date", "end_date")
ABSENT = object()
MODEL_TO_COLUMN = {"start_date": "date", "date_precision": "date", "end_date": "end"}


def _number(row, column):
    text = str(row.get(column) or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,4}", text):
        raise ValueError(f"{column}: “{text[:20]}” is not a number.")
    return int(text)


def row_partial_date(row, columns):
    """The partial date a row gives in ``columns``: None when empty, ABSENT when the file
    has none of those columns; ValueError saying what is wrong."""
    iso_column, part_columns = columns
    if iso_column not in row and not any(column in row for column in part_columns):
        return ABSENT
    iso = str(row.get(iso_column) or "").strip()
    parts = [_number(row, column) for column in part_columns]
    if iso and any(part is not None for part in parts):
        raise ValueError(f"Give {iso_column} or {', '.join(part_columns)}, not both.")
    if iso:
        return dates.parse_reduced_date(iso)
    return dates.partial_date(*parts)


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
    date = fields.Field(column_name="date")
    end = fields.Field(column_name="end")

    class Meta:
        model = Meeting
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "series",
            "date",
            "end",
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

    def dehydrate_date(self, meeting):
        return str(dates.PartialDate.of(meeting.start_date, meeting.date_precision) or "")

    def dehydrate_end(self, meeting):
        return str(dates.PartialDate.of(meeting.end_date, meeting.date_precision) or "")

    def import_instance(self, instance, row, **kwargs):
        before = instance.visibility if instance.pk else Visibility.CONFIDENTIAL
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors |= self._import_dates(instance, row)
        user = kwargs.get("user")
        if instance.visibility != before and not (user and user.has_perm(PUBLISH_PERMISSION)):
            errors["visibility"] = [
                "Only publishers can change a meeting's visibility "
                f"(it stays {before.replace('_', ' ')})."
            ]
            instance.visibility = before  # no other rule to check for a refused change
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's date errors under the file's column names (date, end)."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = {}
            for field, messages in error.message_dict.items():
                errors.setdefault(MODEL_TO_COLUMN.get(field, field), []).extend(messages)
            raise ValidationError(errors) from None

    def _import_dates(self, instance, row):
        """Set the meeting's dates from the row; {column: [error]} for what it refuses."""
        replaced = [column for column in REPLACED_COLUMNS if column in row]
        if replaced:
            return {
                "date": [
                    f"The column {replaced[0]} is replaced by date (2019, 2019-03 or "
                    "2019-03-15) and end, or by year, month and day."
                ]
            }
        try:
            start = row_partial_date(row, START_COLUMNS)
            end = row_partial_date(row, END_COLUMNS)
        except ValueError as error:
            return {"date": [str(error)]}
        if start is ABSENT:
            start = dates.PartialDate.of(instance.start_date, instance.date_precision)
            if end is ABSENT:
                return {}  # the row leaves the dates as they are
        if end is ABSENT:
            end = None
        if message := dates.end_error(start, end):
            return {"end": [message]}
        instance.start_date, instance.date_precision, instance.end_date = dates.stored_period(
            start, end
        )
        return {}
