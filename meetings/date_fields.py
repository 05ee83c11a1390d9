"""A date entered as the sources give it: a year, then a month and a day if they say.

``PartialDateField`` cleans to a ``dates.PartialDate`` (or None when left empty); an
impossible date ("31 April") is an error next to the field.
"""

import calendar

from django import forms
from django.core.exceptions import ValidationError

from . import dates

MONTH_CHOICES = [("", "month"), *((n, calendar.month_name[n]) for n in range(1, 13))]


class PartialDateWidget(forms.MultiWidget):
    """Year, month and day side by side; each part named for screen readers."""

    def __init__(self, label, attrs=None):
        widgets = {
            "year": forms.NumberInput(
                attrs={"aria-label": f"{label}: year", "placeholder": "year", "class": "year"}
            ),
            "month": forms.Select(
                choices=MONTH_CHOICES, attrs={"aria-label": f"{label}: month", "class": "month"}
            ),
            "day": forms.NumberInput(
                attrs={"aria-label": f"{label}: day", "placeholder": "day", "class": "day"}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dates.PartialDate):
            return list(value.parts)
        return [None, None, None]


class PartialDateField(forms.MultiValueField):
    """A year, an optional month and an optional day, as one partial date or None."""

    def __init__(self, label, **kwargs):
        fields = (
            forms.IntegerField(),
            forms.TypedChoiceField(choices=MONTH_CHOICES, coerce=int, empty_value=None),
            forms.IntegerField(),
        )
        super().__init__(
            fields,
            widget=PartialDateWidget(label),
            label=label,
            require_all_fields=False,
            required=False,
            **kwargs,
        )
        for field in self.fields:
            field.required = False

    def compress(self, data_list):
        year, month, day = [*data_list, None, None, None][:3]
        try:
            return dates.partial_date(year, month, day)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_date") from None
