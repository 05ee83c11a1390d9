"""The demo record: what the source article supports, loaded idempotently."""

import pytest
from django.apps import apps
from django.core.management import call_command

from meetings.models import Meeting, Participation, Quote, Source
from people.models import Person

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every project model, as comparable values."""
    rows = {}
    for config in (apps.get_app_config("people"), apps.get_app_config("meetings")):
        for model in config.get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def test_loaddemo_twice_changes_nothing():
    call_command("loaddemo")
    first = snapshot()
    call_command("loaddemo")
    assert snapshot() == first


def test_loaddemo_meetings_are_the_ones_the_article_names():
    call_command("loaddemo")
    cities = set(Meeting.objects.values_list("city__name", flat=True))
    assert cities == {"Berlin", "Geneva", "London", "Kuala Lumpur", "Moscow"}
    assert set(Meeting.objects.values_list("visibility", flat=True)) == {"public"}
    # The article gives no dates: nothing is invented.
    assert set(Meeting.objects.values_list("start_date", flat=True)) == {None}
    moscow = Meeting.objects.get(city__name="Moscow")
    assert (moscow.status, moscow.occasion) == (
        "scheduled",
        "Sidelines of a non-proliferation conference",
    )


def test_loaddemo_berlin_is_track_one_and_a_half_with_each_sides_view():
    call_command("loaddemo")
    berlin = Meeting.objects.get(city__slug="berlin")
    assert berlin.track == "1.5"
    assert berlin.side_views == [("North Korea", "1"), ("United States", "2")]
    capacities = sorted(berlin.participations.values_list("side", "capacity"))
    assert capacities == [("KP", "official"), ("US", "expert"), ("US", "former_official")]
    assert not Participation.objects.filter(person__isnull=False).exists()


def test_loaddemo_cites_the_article_and_quotes_its_people():
    call_command("loaddemo")
    source = Source.objects.get()
    assert source.publisher == "How Africa"
    assert all(m.sources.get() == source for m in Meeting.objects.all())
    assert set(Person.objects.values_list("full_name", flat=True)) == {"Paal", "Joel Wit"}
    wit = Person.objects.get(full_name="Joel Wit")
    assert [(a.organization.name, a.role) for a in wit.affiliations.all()] == [
        ("US-Korea Institute", "Senior fellow")
    ]
    assert Quote.objects.filter(source=source).count() == 2
