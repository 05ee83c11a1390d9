"""What every model of the record shares where values are entered: text that XML can
carry, and dates within the span a diplomatic record needs.

``RecordModel.clean_fields`` is what ``full_clean`` runs, and with it the admin's
forms and the CSV import (``clean_model_instances``), so one base class covers every
text and date field of both apps; writes that skip ``full_clean`` (``bulk_create``,
raw SQL) are met by the database's date checks and by ``backchannel.text.xml_safe``
on the way out.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .text import not_text_error, xml_safe

FIRST_DATE = datetime.date(1900, 1, 1)
# The database's own check: CHECK cannot call now(), so it holds a fixed bound, well past
# the "ten years after today" that data entry allows.
LAST_STORED_DATE = datetime.date(2199, 12, 31)
YEARS_AHEAD = 10


def last_entry_date(today=None):
    """Ten years after today (28 February when today is 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def _day(value):
    return f"{value.day} {value:%B %Y}"


def date_range_error(value):
    """A message when ``value`` lies outside the dates that may be entered, else None."""
    last = last_entry_date()
    if FIRST_DATE <= value <= last:
        return None
    return f"Enter a date from {_day(FIRST_DATE)} to {_day(last)}."


def stored_dates(*names):
    """The CHECK condition keeping each date field empty or within the stored range."""
    condition = Q()
    for name in names:
        condition &= Q(**{f"{name}__isnull": True}) | Q(
            **{f"{name}__gte": FIRST_DATE, f"{name}__lte": LAST_STORED_DATE}
        )
    return condition


def is_text_field(field):
    return isinstance(field, models.CharField | models.TextField)


def is_date_field(field):
    return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


class RecordModel(models.Model):
    """Base of every model of the record: entered text holds only characters XML allows,
    entered dates lie between 1900 and ten years ahead.

    Vertical tabs and form feeds (pasted from PDFs) become line breaks, or spaces in
    one-line fields; other control characters are dropped; a null, a surrogate, U+FFFE
    or U+FFFF is refused, naming it, as a sign of a file in the wrong encoding.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        errors = self._clean_text(exclude)
        try:
            super().clean_fields(exclude=exclude | errors.keys())
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors |= self._date_errors(exclude | errors.keys())
        if errors:
            raise ValidationError(errors)

    def _fields(self, kind, exclude):
        return [f for f in self._meta.concrete_fields if kind(f) and f.name not in exclude]

    def _clean_text(self, exclude):
        """Clean every text field in place; {field name: [error]} for text refused."""
        errors = {}
        for field in self._fields(is_text_field, exclude):
            value = getattr(self, field.attname)
            if not isinstance(value, str):
                continue
            if message := not_text_error(value):
                errors[field.name] = [message]
            else:
                line_break = "\n" if isinstance(field, models.TextField) else " "
                setattr(self, field.attname, xml_safe(value, line_break))
        return errors

    def _date_errors(self, exclude):
        errors = {}
        for field in self._fields(is_date_field, exclude):
            value = getattr(self, field.attname)
            if isinstance(value, datetime.date) and (message := date_range_error(value)):
                errors[field.name] = [message]
        return errors


def stored_before_save(instance, raw, *fields):
    """What ``fields`` hold in the database before ``instance`` is saved (a value for one
    field, a tuple for several), for a pre_save receiver; None for a new record or one
    a fixture loads."""
    if not instance.pk or raw:
        return None
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    return rows.values_list(*fields, flat=len(fields) == 1).first()
