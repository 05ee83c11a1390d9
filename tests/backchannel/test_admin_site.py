"""The admin looks like Backchannel: its name, an index grouped as staff think of the
record, account and lockout tables for superusers only, and slugs that keep words."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from backchannel.slugs import slug_from, unique_slug
from meetings.models import City, Meeting
from people.models import Person
from tests.admin_forms import meeting_form_data
from tests.factories import make_meeting

INDEX = reverse("admin:index")


def _sections(client):
    app_list = client.get(INDEX).context["app_list"]
    return {app["name"]: [model["name"] for model in app["models"]] for app in app_list}


def test_admin_carries_backchannels_name(client, editor):
    client.force_login(editor)
    html = client.get(INDEX).content.decode()
    assert "<title>The record | Backchannel staff</title>" in html
    assert '<span class="site-mark">Backchannel</span>' in html
    assert "Django administration" not in html


def test_index_groups_the_record_as_staff_think_of_it(client, editor):
    client.force_login(editor)
    assert _sections(client) == {
        "Meetings": ["Meetings", "Participations", "Dialogue series", "Cities", "Topics"],
        "People and organisations": ["People", "Organizations", "Affiliations"],
        "Sources and quotes": ["Sources", "Quotes"],
    }


def test_publishers_find_the_queue_among_meetings(client, publisher):
    client.force_login(publisher)
    assert _sections(client)["Meetings"][:2] == ["Meetings", "Awaiting publication"]


def test_accounts_and_lockouts_are_for_superusers_only(client, superuser, editor):
    client.force_login(superuser)
    names = list(_sections(client))
    assert names[:3] == ["Meetings", "People and organisations", "Sources and quotes"]
    assert {"Authentication and Authorization", "Axes"} <= set(names)
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    client.force_login(editor)
    assert "Authentication and Authorization" not in _sections(client)
    assert client.get(reverse("admin:app_list", args=["auth"])).status_code == 404


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("North Korea–US talks in Stockholm", "north-korea-us-talks-in-stockholm"),
        ("US—DPRK track-2 round", "us-dprk-track-2-round"),
        ("Talks 2019/2020", "talks-2019-2020"),
        ("Kim Kye-gwan", "kim-kye-gwan"),
        ("Genève − round", "geneve-round"),
    ],
)
def test_slug_from_keeps_the_words_around_dashes(text, slug):
    assert slug_from(text) == slug


@pytest.mark.django_db
def test_unique_slug_numbers_a_slug_already_taken():
    make_meeting(slug="berlin-talks")
    make_meeting(slug="berlin-talks-2")
    make_meeting(slug="berlin-talks-in-autumn")
    assert unique_slug(Meeting, "Berlin talks") == "berlin-talks-3"
    assert unique_slug(Meeting, "김계관") == "meeting"


def test_a_slug_left_empty_is_made_from_the_title(client, editor):
    make_meeting(slug="north-korea-us-talks-in-stockholm")
    client.force_login(editor)
    data = meeting_form_data(title="North Korea–US talks in Stockholm", slug="")
    assert client.post(reverse("admin:meetings_meeting_add"), data).status_code == 302
    assert Meeting.objects.latest("pk").slug == "north-korea-us-talks-in-stockholm-2"


def test_a_city_slug_left_empty_is_made_from_its_name(client, editor):
    client.force_login(editor)
    data = {"name": "Kuala Lumpur", "slug": "", "country": "MY"}
    assert client.post(reverse("admin:meetings_city_add"), data).status_code == 302
    assert City.objects.get().slug == "kuala-lumpur"


def test_a_persons_slug_left_empty_is_made_from_their_name(client, editor):
    client.force_login(editor)
    data = {"full_name": "Kim Kye-gwan", "slug": "", "country": "KP"}
    data |= {"affiliations-TOTAL_FORMS": "0", "affiliations-INITIAL_FORMS": "0"}
    assert client.post(reverse("admin:people_person_add"), data).status_code == 302
    assert Person.objects.get().slug == "kim-kye-gwan"
