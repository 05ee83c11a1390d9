"""Admin choices that stay small: records chosen or added by typing.

- ``AutocompleteAdmin`` gives a ModelAdmin's autocomplete fields widgets that never
  fail on a forged value, and adds the creatable ones below.
- A *creatable* autocomplete (``static/staff/autocomplete.js``) offers, after the records
  that match what was typed, "Add “…” as a new city": its value is ``new:<text>``, and
  the field turns it into an unsaved record, built by a function of the text that also
  says what is wrong with it (``create``). ``records_to_save`` lists them; the admin
  saves them with the record that uses them, in the same transaction, so nothing is
  added when the form is refused.
- ``SlugFilledForm`` makes a slug from the name when staff leave the slug empty.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect as BaseSelect
from django.contrib.admin.widgets import AutocompleteSelectMultiple as BaseSelectMultiple
from django.core.exceptions import ValidationError

from .slugs import unique_slug
from .text import not_text_error, xml_safe

NEW = "new:"
MAX_TYPED = 300  # characters of a typed name; longer is not a name


def typed_text(value):
    """The text typed for a new record, spaces tidied; '' for any other value."""
    if not isinstance(value, str) or not value.startswith(NEW):
        return ""
    return " ".join(value[len(NEW) :].split())[:MAX_TYPED]


def is_new(value):
    return isinstance(value, str) and value.startswith(NEW)


class CreatableChoiceMixin:
    """A model choice field that also accepts ``new:<text>`` when it has ``create``."""

    def __init__(self, *args, create=None, **kwargs):
        self.create = create
        super().__init__(*args, **kwargs)

    def new_record(self, value):
        text = typed_text(value)
        if self.create is None or not text:
            raise ValidationError("Choose one of the records offered.", code="invalid_choice")
        if message := not_text_error(text):  # before the text reaches a query
            raise ValidationError(message, code="not_text")
        return self.create(xml_safe(text))


class CreatableModelChoiceField(CreatableChoiceMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if is_new(value):
            return self.new_record(value)
        return super().to_python(value)


class CreatableModelMultipleChoiceField(CreatableChoiceMixin, forms.ModelMultipleChoiceField):
    def clean(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        new = [self.new_record(item) for item in values if is_new(item)]
        existing = [item for item in values if not is_new(item)]
        if not existing:
            if self.required and not new:
                raise ValidationError(self.error_messages["required"], code="required")
            return new
        return [*super().clean(existing), *_unique(new)]


def _unique(records):
    seen, kept = set(), []
    for record in records:
        if id(record) not in seen:
            seen.add(id(record))
            kept.append(record)
    return kept


def records_to_save(form):
    """The unsaved records the form's creatable fields built, in field order."""
    found = []
    for name, field in form.fields.items():
        if not isinstance(field, CreatableChoiceMixin):
            continue
        value = form.cleaned_data.get(name)
        values = value if isinstance(value, list) else [value]
        found += [record for record in values if record is not None and record.pk is None]
    return found


class KnownKeysMixin:
    """An autocomplete that renders only values that can be keys of its records.

    Django's own looks up every submitted value when a refused form is shown again, so
    a forged value that cannot be a key (``abc`` for a number) answered 500.
    """

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if self._is_key(item)], attr)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if self.allow_multiple_selected:
            # select2's "clear all" is a <span> inside its list of choices, which screen
            # readers cannot make sense of; each choice keeps its own ×.
            attrs["data-allow-clear"] = "false"
        return attrs

    @property
    def media(self):
        return with_staff_script(super().media)

    def _is_key(self, value):
        key = self.field.remote_field.model._meta.pk
        try:
            key.to_python(value)
        except ValidationError:
            return False
        return not is_new(value)


def with_staff_script(media):
    """Django's autocomplete media (jQuery, select2, jquery.init.js, autocomplete.js, in
    that order), then static/staff/autocomplete.js, which needs them all."""
    return forms.Media(js=[*media._js, "staff/autocomplete.js"], css=media._css)


class AutocompleteSelect(KnownKeysMixin, BaseSelect):
    pass


class AutocompleteSelectMultiple(KnownKeysMixin, BaseSelectMultiple):
    pass


class CreatableWidgetMixin(KnownKeysMixin):
    """Rendered for ``static/staff/autocomplete.js`` (not Django's autocomplete.js)."""

    def __init__(self, *args, noun, **kwargs):
        self.noun = noun
        super().__init__(*args, **kwargs)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "staff-autocomplete-new")
        attrs["data-new-noun"] = self.noun
        return attrs

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        for item in value:
            if text := typed_text(item):
                label = f"{text} (new {self.noun})"
                options.append(self.create_option(name, item, label, True, len(options)))
        return groups


class CreatableAutocompleteSelect(CreatableWidgetMixin, BaseSelect):
    pass


class CreatableAutocompleteSelectMultiple(CreatableWidgetMixin, BaseSelectMultiple):
    pass


class SlugFilledForm(forms.ModelForm):
    """A form whose slug may be left empty: it is then made from ``slug_source``."""

    slug_source = "name"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                f"The record's address. Left empty, it is made from the "
                f"{self.slug_source.replace('_', ' ')}."
            )

    def clean(self):
        cleaned_data = super().clean()
        source = cleaned_data.get(self.slug_source)
        if "slug" in self.fields and not cleaned_data.get("slug") and source:
            model = self._meta.model
            cleaned_data["slug"] = unique_slug(model, source, exclude_pk=self.instance.pk)
        return cleaned_data


class AutocompleteAdmin:
    """A ModelAdmin (or inline) mixin for its autocomplete fields: they never fail on a
    forged value, and those named in ``new_records`` also add a record from what staff
    type, for staff who may add such records.

    ``new_records`` maps a field name to ``(noun, build)``: ``build(text)`` returns the
    record for the text (unsaved when new) or raises ValidationError. Within one request
    the same text gives the same record, so a source typed for the meeting and for a
    participant is added once.
    """

    new_records = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self._may_add(db_field, request):
            noun = self.new_records[db_field.name][0]
            kwargs["widget"] = CreatableAutocompleteSelect(db_field, self.admin_site, noun=noun)
            kwargs |= self._creatable(db_field, request, CreatableModelChoiceField)
        elif db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if self._may_add(db_field, request):
            noun = self.new_records[db_field.name][0]
            kwargs["widget"] = CreatableAutocompleteSelectMultiple(
                db_field, self.admin_site, noun=noun
            )
            kwargs |= self._creatable(db_field, request, CreatableModelMultipleChoiceField)
        elif db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _may_add(self, db_field, request):
        if db_field.name not in self.new_records:
            return False
        opts = db_field.related_model._meta
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    def _creatable(self, db_field, request, form_class):
        build = self.new_records[db_field.name][1]
        memo = request.__dict__.setdefault("new_records", {})

        def create(text):
            key = (db_field.related_model, text.casefold())
            if key not in memo:
                memo[key] = build(text)
            return memo[key]

        return {"form_class": form_class, "create": create}
