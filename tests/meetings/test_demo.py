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


def test_loaddemo_source_carries_the_passages_the_record_relies_on():
    call_command("loaddemo")
    source = Source.objects.get()
    assert (source.url, source.published_on) == ("", None)  # the article gives neither
    for passage in (
        "Geneva, London and Kuala Lumpur have been host to these meetings in the past.",
        "sidelines of a non-proliferation conference this week in Moscow",
        "Joel Wit, now a senior fellow at the US-Korea Institute",
    ):
        assert passage in source.excerpt
    unnamed = Participation.objects.filter(person=None)
    assert unnamed.count() == 15
    assert {tuple(p.sources.all()) for p in unnamed} == {(source,)}


def test_demo_pages_show_the_quoted_people_and_cite_the_article(client):
    call_command("loaddemo")
    people = client.get("/people/")
    html = people.content.decode()
    assert [p.full_name for p in people.context["page_obj"].object_list] == ["Paal", "Joel Wit"]
    assert "They were using moderate language to forestall the conversation." in html
    assert "they can just express what they’re thinking and brainstorm." in html
    assert "in the loop for a decade or two" in html
    wit = client.get("/people/joel-wit/").content.decode()
    assert '<a href="/organizations/us-korea-institute/">US-Korea Institute</a>' in wit
    assert "Meeting history" not in wit
    institute = client.get("/organizations/us-korea-institute/").content.decode()
    assert '<a href="/people/joel-wit/">Joel Wit</a>, Senior fellow' in institute
    berlin = client.get("/meetings/us-north-korea-informal-talks-berlin/")
    page = berlin.content.decode()
    assert [s.title for s in berlin.context["notes"]] == [Source.objects.get().title]
    assert page.count('aria-label="source 1">[1]</a>') == 3  # each unnamed participant
    assert "“US–North Korea informal talks in Berlin.” Backchannel." in page
    citation = berlin.context["citation"]["text"]
    assert citation.endswith(f"Based on: {Source.objects.get().title} (How Africa).")
    bib = client.get("/meetings/us-north-korea-informal-talks-berlin/cite.bib").content.decode()
    assert "title = {{US–North Korea informal talks in Berlin}}" in bib
    assert "Based on: Informal Dialogue Between US And North Korea" in bib
    series = client.get("/series/us-north-korea-informal-dialogue/")
    assert len(series.context["rounds"]) == 5
