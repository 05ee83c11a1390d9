"""Records staff add from a meeting's page by typing a name, without a pop-up window.

Each function turns the typed text into an unsaved record, or the record that already
has that name, or refuses it with a message shown next to the field. The admin saves
new records with the meeting, in the same transaction (``backchannel.admin_choices``).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django_countries import countries

from backchannel.slugs import unique_slug
from people.models import Person

from .models import City, Source, Topic


def _checked(record, exclude=()):
    """The record, once its own rules (lengths, characters) accept its fields."""
    try:
        record.full_clean(
            exclude=["slug", *exclude], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        messages = [message for errors in error.message_dict.values() for message in errors]
        raise ValidationError(" ".join(messages), code="invalid_new_record") from None
    return record


def _country_code(text):
    text = text.strip()
    if text.upper() in countries:
        return text.upper()
    return countries.by_name(text) or ""


def city_from(text):
    """'Stockholm, Sweden' (or 'Stockholm, SE'): that city, new or already recorded."""
    name, _, country = text.rpartition(",")
    code = _country_code(country)
    if not name.strip() or not code:
        raise ValidationError(
            f"To add “{text}” as a city, give its country after a comma: “Stockholm, Sweden”.",
            code="city_needs_country",
        )
    name = name.strip()
    found = City.objects.filter(name__iexact=name, country=code).first()
    if found is not None:
        return found
    return _checked(City(name=name, country=code, slug=unique_slug(City, name)))


def topic_from(text):
    found = Topic.objects.filter(name__iexact=text).first()
    if found is not None:
        return found
    return _checked(Topic(name=text, slug=unique_slug(Topic, text)))


def source_from(text):
    """A source by its title; a web address typed is also kept as its URL."""
    found = Source.objects.filter(title=text).first()
    if found is not None:
        return found
    parts = urlsplit(text)
    url = text if parts.scheme in {"http", "https"} and parts.netloc else ""
    return _checked(Source(title=text, url=url))


def person_from(text):
    """A new person; a name already in the record is refused, to keep one record a human."""
    if Person.objects.filter(full_name__iexact=text).exists():
        raise ValidationError(
            f"“{text}” is already in the record: choose them from the list. For a namesake, "
            "add the person on the people page first.",
            code="person_exists",
        )
    return _checked(Person(full_name=text, slug=unique_slug(Person, text)))
