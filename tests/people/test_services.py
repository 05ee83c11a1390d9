"""people/services.py: merging people (who may, what it may publish, one transaction, its
history)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from meetings.models import Participation, public_people
from people import admin as people_admin
from people import services
from people.models import Person
from people.services import MergeRefused, person_merge, person_merge_preview
from tests.admin_forms import PEOPLE_CHANGELIST, database_state, merge_action
from tests.factories import (
    make_affiliation,
    make_berlin_meeting,
    make_meeting,
    make_organization,
    make_participation,
    make_person,
    make_quote,
)


@pytest.fixture
def public_person(db):
    person = make_person(full_name="Joel Public", slug="joel-public", bio="Public bio.")
    make_participation(make_meeting(title="Named round"), person=person)
    return person


def _hidden_person(kind):
    """Someone no public page shows: anonymised in a public meeting, or named only
    in a confidential one; with names, a biography, an affiliation and a quote (said at
    the public person's meeting, where they are not named: public once its speaker is)."""
    person = make_person(
        full_name="Kim Hidden",
        slug="kim-hidden",
        other_names="Kim H.",
        bio="Secret bio.",
        country="KP",
    )
    if kind == "anonymised-only":
        make_participation(make_meeting(title="Public round"), person=person, anonymised=True)
    else:
        make_participation(make_meeting(title="Closed round", visibility="confidential"), person)
    make_affiliation(person, role="Analyst", organization=make_organization(name="Hidden Lab"))
    named_round = Participation.objects.get(meeting__title="Named round").meeting
    make_quote(person, meeting=named_round, text="Off the record.")
    return person


HIDDEN_KINDS = ["anonymised-only", "confidential-only"]
HIDDEN_PERSON_FACTS = [
    "the name “Kim Hidden”",
    "the name “Kim H.”",
    "the biography “Secret bio.”",
    "the country North Korea",
    "the affiliation “Analyst, Hidden Lab”",
    "the quote “Off the record.”",
]


# What a hidden person's record carries onto a public person's page when merged into it.
CARRIED_FACTS = [
    "the name “Kim Hidden”",
    "the name “Kim H.”",
    "the affiliation “Analyst, Hidden Lab”",
    "the quote “Off the record.”",
]


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
@pytest.mark.parametrize(
    ("keep_hidden", "published"),
    [(True, HIDDEN_PERSON_FACTS), (False, CARRIED_FACTS)],
    ids=["public-into-hidden", "hidden-into-public"],
)
def test_merge_that_would_publish_is_refused_to_who_may_not_publish(
    kind, keep_hidden, published, public_person
):
    hidden = _hidden_person(kind)
    kept, merged = (hidden, public_person) if keep_hidden else (public_person, hidden)
    before = database_state()
    with pytest.raises(MergeRefused) as refused:
        person_merge(kept, merged, may_publish=False)
    assert refused.value.reasons == published
    assert database_state() == before


def test_merge_that_publishes_is_made_for_who_may_publish(public_person):
    hidden = _hidden_person("anonymised-only")
    result = person_merge(hidden, public_person, may_publish=True)
    assert result.newly_public == HIDDEN_PERSON_FACTS
    assert list(public_people()) == [hidden]


def test_merge_of_two_public_duplicates_publishes_nothing_new(db):
    kept = make_person(full_name="Choe Son Hui", other_names="Choe Sonhui")
    merged = make_person(full_name="Ch'oe Son-hui", bio="Vice minister.")
    make_participation(make_meeting(), person=kept, side="KP")
    make_participation(make_meeting(), person=merged, side="KP")
    make_affiliation(merged, role="Vice minister")
    make_quote(merged, text="We are ready.")
    result = person_merge(kept, merged, may_publish=False)
    assert (result.newly_public, result.moved_participations) == ([], 1)


def test_merge_refuses_to_publish_a_quote_said_while_anonymised(public_person):
    meeting = public_person.participations.get().meeting
    twin = make_person(full_name="Joel Public")
    make_participation(meeting, person=twin, anonymised=True)
    make_quote(twin, meeting=meeting, text="Said without a name.")
    assert person_merge_preview(public_person, twin).newly_public == [
        "the quote “Said without a name.”"
    ]
    with pytest.raises(MergeRefused):
        person_merge(public_person, twin, may_publish=False)


def test_merge_preview_writes_nothing(public_person):
    hidden = _hidden_person("confidential-only")
    before = database_state()
    assert person_merge_preview(hidden, public_person).newly_public == HIDDEN_PERSON_FACTS
    assert database_state() == before


def test_merge_is_one_transaction(public_person, monkeypatch):
    hidden = _hidden_person("confidential-only")
    before = database_state()

    def fail(kept, merged):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_merged_other_names", fail)
    with pytest.raises(RuntimeError):
        person_merge(public_person, hidden)  # after participations and quotes moved
    assert database_state() == before


def test_merge_is_recorded_in_both_peoples_history(client, publishing_merger, public_person):
    hidden = _hidden_person("confidential-only")
    moved = hidden.participations.get()
    client.force_login(publishing_merger)
    merge_action(client, [public_person, hidden], kept=str(public_person.pk), confirm="yes")

    assert not Person.objects.filter(pk=hidden.pk).exists()
    kept_entry, merged_entry = public_person.history.first(), hidden.history.first()
    assert (kept_entry.history_type, kept_entry.history_change_reason) == (
        "~",
        f"Merged #{hidden.pk} Kim Hidden into this record",
    )
    assert (merged_entry.history_type, merged_entry.history_change_reason) == (
        "-",
        f"Merged into #{public_person.pk} Joel Public",
    )
    assert {kept_entry.history_user, merged_entry.history_user} == {publishing_merger}
    move = moved.history.first()
    assert (move.person_id, move.history_change_reason, move.history_user) == (
        public_person.pk,
        f"Moved by merging person #{hidden.pk} into #{public_person.pk}",
        publishing_merger,
    )


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_editor_may_not_merge_without_the_delete_permission(client, editor, public_person):
    hidden = _hidden_person("confidential-only")
    client.force_login(editor)
    assert client.get(PEOPLE_CHANGELIST).context["action_form"] is None  # no action is offered
    before = database_state()
    response = merge_action(
        client, [public_person, hidden], kept=str(public_person.pk), confirm="yes"
    )
    assert (response.status_code, _messages(response)) == (200, [])
    assert database_state() == before


def test_merge_confirmation_shows_which_way_is_refused_and_why(client, merger, public_person):
    hidden = _hidden_person("anonymised-only")
    client.force_login(merger)
    page = merge_action(client, [public_person, hidden])

    choices = page.context["choices"]
    assert [(c.kept, c.allowed) for c in choices] == [(public_person, False), (hidden, False)]
    content = page.content.decode()
    refusal = (
        "<li>Refused: keeping Kim Hidden would make public what no public page shows yet: "
        f"{'; '.join(HIDDEN_PERSON_FACTS)}. Only a publisher may make this merge.</li>"
    )
    assert refusal in content
    assert 'value="Merge"' not in content  # neither way is open to this user


def test_refused_merge_answers_with_the_reason_on_the_confirmation_page(
    client, merger, public_person
):
    hidden = _hidden_person("anonymised-only")
    client.force_login(merger)
    before = database_state()

    page = merge_action(client, [public_person, hidden], kept=str(hidden.pk), confirm="yes")

    assert page.templates[0].name == "admin/people/person/merge_confirmation.html"
    assert page.context["refusal"] == HIDDEN_PERSON_FACTS
    assert "Not merged: this merge would make public" in page.content.decode()
    assert database_state() == before
    assert client.get(reverse("people:detail", args=[hidden.slug])).status_code == 404


def test_publisher_merge_names_what_it_published(client, publishing_merger, public_person):
    hidden = _hidden_person("anonymised-only")
    client.force_login(publishing_merger)
    page = merge_action(client, [public_person, hidden])
    assert [(c.kept, c.allowed) for c in page.context["choices"]] == [
        (public_person, True),
        (hidden, True),
    ]

    response = merge_action(client, [public_person, hidden], kept=str(hidden.pk), confirm="yes")

    assert _messages(response)[-1] == f"Now public: {'; '.join(HIDDEN_PERSON_FACTS)}."
    assert client.get(reverse("people:detail", args=[hidden.slug])).status_code == 200


def test_person_merge_of_someone_deleted_meanwhile_writes_nothing(public_person):
    gone = make_person()
    Person.objects.filter(pk=gone.pk).delete()
    before = database_state()
    with pytest.raises(Person.DoesNotExist, match="no longer exists"):
        person_merge(public_person, gone)
    assert database_state() == before


def test_merge_action_on_someone_merged_meanwhile_says_so(
    client, merger, public_person, monkeypatch
):
    other = make_person()
    preview = people_admin.person_merge_preview

    def merged_meanwhile(kept, merged):
        Person.objects.filter(pk=other.pk).delete()
        return preview(kept, merged)

    monkeypatch.setattr(people_admin, "person_merge_preview", merged_meanwhile)
    client.force_login(merger)
    response = merge_action(client, [public_person, other])
    assert (response.status_code, _messages(response)) == (
        200,
        ["One of the two people no longer exists: reload the list."],
    )


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
