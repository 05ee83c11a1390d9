"""What every model of the record shares where values are entered: text that XML can
carry.

``RecordModel.clean_fields`` is what ``full_clean`` runs, and with it the admin's
forms and the CSV import (``clean_model_instances``), so one base class covers every
text field of both apps; writes that skip ``full_clean`` (``bulk_create``, raw SQL)
are met by ``backchannel.text.xml_safe`` on the way out.
"""

from django.core.exceptions import ValidationError
from django.db import models

from .text import not_text_error, xml_safe


def is_text_field(field):
    return isinstance(field, models.CharField | models.TextField)


class RecordModel(models.Model):
    """Base of every model of the record: entered text holds only characters XML allows.

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
