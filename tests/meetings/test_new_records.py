"""Cities, topics, sources and people added from the meeting's page by typing their name
(no pop-up window): saved with the meeting, never when the form is refused."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from meetings.models import City, Meeting, Participation, Source, Topic
from people.models import Person
from tests.admin_forms import meeting_form_data
from tests.factories import make_city, make_person, make_topic

ADD_URL = reverse("admin:meetings_meeting_add")
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def _counts():
    return [m.objects.count() for m in (Meeting, City, Topic, Source, Person, Participation)]


def _form_errors(response):
    return response.context["adminform"].form.errors


def test_records_typed_on_the_meeting_form_are_added_with_it(client, editor):
    client.force_login(editor)
    rows = [
        {
            "person": "new:Kim  Song",
            "side": "KP",
            "capacity": "official",
            "sources": ["new:Report on Stockholm"],
        }
    ]
    data = meeting_form_data(participations=rows, parties=[]) | {
        "city": "new:Stockholm, Sweden",
        "topics": ["new:Denuclearisation"],
        "sources": ["new:Report on Stockholm", "new:https://example.org/stockholm"],
    }
    assert client.post(ADD_URL, data).status_code == 302
    meeting = Meeting.objects.get()
    participation = meeting.participations.get()
    assert (meeting.city.name, meeting.city.slug, str(meeting.city.country)) == (
        "Stockholm",
        "stockholm",
        "SE",
    )
    assert [(t.name, t.slug) for t in meeting.topics.all()] == [
        ("Denuclearisation", "denuclearisation")
    ]
    assert sorted((s.title, s.url) for s in Source.objects.all()) == [
        ("Report on Stockholm", ""),
        ("https://example.org/stockholm", "https://example.org/stockholm"),
    ]
    assert [s.title for s in participation.sources.all()] == ["Report on Stockholm"]
    person = participation.person
    assert (person.full_name, person.slug, str(person.country)) == ("Kim Song", "kim-song", "KP")


def test_a_refused_form_adds_nothing_and_shows_what_was_typed(client, editor):
    client.force_login(editor)
    before = _counts()
    data = meeting_form_data(start_date="2019-04-31", date_precision="day") | {
        "city": "new:Stockholm, Sweden",
        "topics": ["new:Denuclearisation"],
    }
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert _counts() == before
    html = response.content.decode()
    assert (
        '<option value="new:Stockholm, Sweden" selected>Stockholm, Sweden (new city)</option>'
        in html
    )


def test_records_already_there_are_used_not_added_again(client, editor):
    berlin = make_city(name="Berlin", country="DE")
    topic = make_topic(name="Denuclearisation")
    client.force_login(editor)
    data = meeting_form_data() | {"city": "new:berlin, Germany", "topics": ["new:denuclearisation"]}
    assert client.post(ADD_URL, data).status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.city, list(meeting.topics.all()), City.objects.count()) == (berlin, [topic], 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "city",
            "new:Stockholm",
            "To add “Stockholm” as a city, give its country after a comma: “Stockholm, Sweden”.",
        ),
        (
            "city",
            "new:Stockholm, Narnia",
            "To add “Stockholm, Narnia” as a city, give its country after a comma: "
            "“Stockholm, Sweden”.",
        ),
        ("city", "new:", "Choose one of the records offered."),
        (
            "city",
            "new:Stock\x00holm, Sweden",
            "Remove the character U+0000 at position 6: it is not text. It usually comes "
            "from a file saved in another encoding than UTF-8.",
        ),
        ("city", "abc", "Select a valid choice. That choice is not one of the available choices."),
        (
            "series",
            "abc",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "series",
            "new:Berlin",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ("topics", ["abc"], "“abc” is not a valid value."),
    ],
)
def test_a_record_that_cannot_be_added_is_refused_next_to_the_field(
    client, editor, field, value, message
):
    client.force_login(editor)
    before = _counts()
    response = client.post(ADD_URL, meeting_form_data() | {field: value})
    assert response.status_code == 200
    assert _form_errors(response) == {field: [message]}
    assert _counts() == before


def test_a_person_already_recorded_is_chosen_not_typed_again(client, editor):
    make_person(full_name="Choe Son Hui")
    client.force_login(editor)
    rows = [{"person": "new:choe son hui", "side": "KP", "capacity": "official"}]
    response = client.post(ADD_URL, meeting_form_data(participations=rows))
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].errors == {
        "person": [
            "“choe son hui” is already in the record: choose them from the list. For a "
            "namesake, add the person on the people page first."
        ]
    }
    assert Person.objects.count() == 1


def test_one_new_person_typed_in_two_rows_is_listed_twice(client, editor):
    client.force_login(editor)
    rows = [
        {"person": "new:Kim Song", "side": "KP", "capacity": "official"},
        {"person": "new:Kim Song", "side": "KP", "capacity": "expert"},
    ]
    response = client.post(ADD_URL, meeting_form_data(participations=rows))
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.errors for form in formset.forms] == [
        {},
        {"person": ["Kim Song is listed twice: remove one of the rows."]},
    ]
    assert Person.objects.count() == 0


def test_adding_by_typing_needs_the_permission_to_add_such_records(client, roles):
    user = User.objects.create_user("limited", password="pw", is_staff=True)
    wanted = ["add_meeting", "change_meeting", "view_meeting", "view_city"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=wanted))
    client.force_login(user)
    response = client.post(ADD_URL, meeting_form_data() | {"city": "new:Stockholm, Sweden"})
    assert _form_errors(response) == {"city": [NOT_A_CHOICE]}
    assert City.objects.count() == 0


def test_the_new_person_of_a_published_meeting_is_named_only_by_a_publisher(client, editor):
    from tests.factories import make_meeting, make_source

    published = make_meeting(visibility="public")
    published.sources.add(make_source())
    published.refresh_from_db()
    client.force_login(editor)
    rows = [{"person": "new:Kim Song", "side": "KP", "capacity": "official"}]
    url = reverse("admin:meetings_meeting_change", args=[published.pk])
    response = client.post(url, meeting_form_data(published, rows))
    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.forms[0].errors) == ["anonymised"]
    assert Person.objects.count() == 0
