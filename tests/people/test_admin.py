import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from meetings.models import Participation
from people.models import Affiliation, Person
from people.services import person_merge
from tests.admin_forms import merge_action
from tests.factories import (
    make_affiliation,
    make_berlin_meeting,
    make_meeting,
    make_participation,
    make_person,
    make_quote,
)


@pytest.fixture
def duplicates(db):
    kept = make_person(full_name="Choe Son Hui", other_names="Choe Sonhui", country="KP")
    merged = make_person(full_name="Ch'oe Son-hui", other_names="Choe Sonhui\nChoe Son-hui")
    shared = make_meeting(title="Shared", parties=["KP", "US"])
    make_participation(shared, person=kept, side="KP", capacity="official", role="head")
    make_participation(shared, person=merged, side="KP", capacity="official")
    only_merged = make_meeting(title="Only merged", parties=["KP", "US"])
    make_participation(only_merged, person=merged, side="KP", capacity="official")
    make_quote(merged, text="We are ready.")
    make_affiliation(merged, role="Vice minister")
    return kept, merged, shared, only_merged


def test_person_merge_moves_records_and_drops_the_duplicate_participation(duplicates):
    kept, merged, shared, _ = duplicates
    result = person_merge(kept, merged)
    assert not Person.objects.filter(pk=merged.pk).exists()
    assert sorted(kept.participations.values_list("meeting__title", "role")) == [
        ("Only merged", "member"),
        ("Shared", "head"),
    ]
    assert list(kept.quotes.values_list("text", flat=True)) == ["We are ready."]
    assert list(kept.affiliations.values_list("role", flat=True)) == ["Vice minister"]
    kept.refresh_from_db()
    assert kept.other_names_list == ["Choe Sonhui", "Ch'oe Son-hui", "Choe Son-hui"]
    assert result.dropped_meetings == [shared]
    assert (result.moved_participations, result.moved_quotes, result.moved_affiliations) == (
        1,
        1,
        1,
    )


def test_person_merge_keeps_the_track_true(db):
    meeting = make_berlin_meeting()
    official = meeting.participations.get(capacity="official").person
    twin = make_person()
    make_participation(meeting, person=twin, side="KP", capacity="official")
    person_merge(twin, official)
    meeting.refresh_from_db()
    assert (meeting.track, meeting.participations.count()) == ("1.5", 3)


def test_person_merge_refuses_one_person_twice(db):
    person = make_person()
    with pytest.raises(ValueError, match="two different people"):
        person_merge(person, person)


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
