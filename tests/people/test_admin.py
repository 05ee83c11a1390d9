"""people/admin.py: the merge action, and the person change list."""

from django.contrib.messages import get_messages
from django.urls import reverse

from meetings.models import Participation
from people.models import Affiliation, Person
from tests import factories as f
from tests.admin_forms import filter_choices, merge_action
from tests.factories import (
    make_person,
)


def test_merge_action_needs_exactly_two_people(client, merger):
    client.force_login(merger)
    people = [make_person(), make_person(), make_person()]
    response = merge_action(client, people)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Select exactly two people to merge."
    ]
    assert Person.objects.count() == 3


def test_merge_action_confirms_then_merges_into_the_chosen_person(client, merger, duplicates):
    kept, merged, *_ = duplicates
    client.force_login(merger)
    confirmation = merge_action(client, [kept, merged])
    assert confirmation.templates[0].name == "admin/people/person/merge_confirmation.html"
    assert [c.kept.pk for c in confirmation.context["choices"]] == [kept.pk, merged.pk]
    assert Person.objects.count() == 2  # nothing happens before the confirmation

    response = merge_action(client, [kept, merged], kept=str(merged.pk), confirm="yes")
    assert list(Person.objects.values_list("pk", flat=True)) == [merged.pk]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Merged Choe Son Hui into Ch'oe Son-hui: 0 participation(s), 0 quote(s) and "
        "0 affiliation(s) moved.",
        "Both took part in “Shared”: Ch'oe Son-hui's participation was kept and "
        "Choe Son Hui's deleted.",
    ]
    assert Participation.objects.filter(person=merged).count() == 2
    assert Affiliation.objects.get().person_id == merged.pk


def test_merge_action_with_a_forged_choice_merges_nothing(client, merger, duplicates):
    kept, merged, *_ = duplicates
    client.force_login(merger)
    outsider = make_person()
    merge_action(client, [kept, merged], kept=str(outsider.pk), confirm="yes")
    assert Person.objects.count() == 3


def test_viewer_cannot_merge(client, viewer, duplicates):
    kept, merged, *_ = duplicates
    client.force_login(viewer)
    response = merge_action(client, [kept, merged], kept=str(kept.pk), confirm="yes")
    assert response.status_code == 200
    assert Person.objects.count() == 2


def test_person_page_lists_their_meetings_as_links(client, viewer, duplicates):
    kept, *_ = duplicates
    client.force_login(viewer)
    page = client.get(reverse("admin:people_person_change", args=[kept.pk])).content.decode()
    shared = kept.participations.get().meeting
    link = reverse("admin:meetings_meeting_change", args=[shared.pk])
    assert f'<li><a href="{link}">Shared</a> (date unknown, serving official)</li>' in page


def test_person_country_filter_offers_only_countries_in_use(client, superuser):
    f.make_person(country="KP")
    f.make_person(country="US")
    f.make_person(country="")
    client.force_login(superuser)
    response = client.get(reverse("admin:people_person_changelist"))
    assert filter_choices(response, "country") == ["All", "North Korea", "United States"]
