"""meetings/forms.py: the rules staff see next to the field they break, and a stale form
that would overwrite someone else's change."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from meetings.forms import STALE_MESSAGE
from meetings.models import Meeting, Participation
from tests.admin_forms import existing_rows, meeting_form_data
from tests.factories import (
    make_berlin_meeting,
    make_city,
    make_meeting,
    make_participation,
    make_person,
)

ADD_URL = reverse("admin:meetings_meeting_add")


def change_url(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def berlin_rows(official, former, academic):
    return [
        {"person": official.pk, "side": "KP", "capacity": "official", "role": "head"},
        {"person": former.pk, "side": "US", "capacity": "former_official"},
        {"person": academic.pk, "side": "US", "capacity": "expert"},
    ]


@pytest.fixture
def three_people(db):
    return make_person(country="KP"), make_person(), make_person()


def test_meeting_add_with_participants_derives_track(client, superuser, three_people):
    client.force_login(superuser)
    city = make_city(name="Berlin", slug="berlin")
    data = meeting_form_data(participations=berlin_rows(*three_people), city=city.pk)
    data["_continue"] = "1"
    response = client.post(ADD_URL, data)
    meeting = Meeting.objects.get(slug="talks-in-berlin")
    assert response.status_code == 302
    assert response.url == change_url(meeting)
    assert (meeting.track, meeting.side_tracks) == ("1.5", {"KP": "1", "US": "2"})
    page = client.get(response.url).content.decode()
    assert "1.5 — Track 1 for North Korea, Track 2 for United States" in page


def test_meeting_change_updates_track_after_inline_change(client, superuser):
    client.force_login(superuser)
    meeting = make_berlin_meeting(title="Round", slug="round")
    official = meeting.participations.get(capacity="official")
    rows = existing_rows(meeting)
    for row in rows:
        if row["id"] == official.pk:
            row["capacity"] = "former_official"
    response = client.post(change_url(meeting), meeting_form_data(meeting, rows))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.track, meeting.side_tracks) == ("2", {"KP": "2", "US": "2"})


def test_contradicting_override_warns_after_save(client, superuser, three_people):
    client.force_login(superuser)
    data = meeting_form_data(participations=berlin_rows(*three_people), track_override="2")
    response = client.post(ADD_URL, data, follow=True)
    warnings = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "The track override (Track 2) contradicts the participants, who make this meeting "
        "Track 1.5: 1.5 — Track 1 for North Korea, Track 2 for United States. Clear the "
        "override or check the participants' capacities."
    ]
    assert Meeting.objects.get().track == "1.5"


def test_override_used_while_a_side_is_undetermined_gives_no_warning(client, superuser):
    client.force_login(superuser)
    person = make_person()
    rows = [{"person": person.pk, "side": "US", "capacity": "expert"}]
    response = client.post(
        ADD_URL, meeting_form_data(participations=rows, track_override="1.5"), follow=True
    )
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    meeting = Meeting.objects.get()
    assert (meeting.track, meeting.side_tracks) == ("1.5", {"KP": None, "US": "2"})


def _refused(client, data, url=ADD_URL):
    before = (Meeting.objects.count(), Participation.objects.count())
    response = client.post(url, data)
    assert response.status_code == 200
    assert (Meeting.objects.count(), Participation.objects.count()) == before
    return response


def _inline_errors(response):
    formset = response.context["inline_admin_formsets"][0].formset
    return [form.errors for form in formset.forms]


def test_end_before_start_is_refused_next_to_end_date(client, superuser, three_people):
    client.force_login(superuser)
    data = meeting_form_data(
        participations=berlin_rows(*three_people),
        date_precision="day",
        start_date="2017-10-14",
        end_date="2017-10-13",
    )
    response = _refused(client, data)
    assert response.context["adminform"].form.errors == {
        "end_date": ["The end cannot be before the date."]
    }


def test_person_listed_twice_is_refused_next_to_person(client, superuser):
    client.force_login(superuser)
    person = make_person(full_name="Kim Jong Duplicate")
    rows = [
        {"person": person.pk, "side": "KP", "capacity": "official"},
        {"person": person.pk, "side": "KP", "capacity": "official"},
    ]
    response = _refused(client, meeting_form_data(participations=rows))
    assert _inline_errors(response) == [
        {},
        {"person": ["Kim Jong Duplicate is listed twice: remove one of the rows."]},
    ]


def test_every_counted_participants_side_becomes_a_party(client, superuser):
    client.force_login(superuser)
    rows = [
        {"person": make_person().pk, "side": "CN", "capacity": "expert"},
        {"person": make_person().pk, "side": "RU", "capacity": "official", "role": "observer"},
    ]
    response = client.post(ADD_URL, meeting_form_data(participations=rows, parties=["KP"]))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert ([str(p) for p in meeting.parties], meeting.side_tracks) == (
        ["CN", "KP"],
        {"CN": "2", "KP": None},
    )


def test_counted_role_without_side_is_refused_next_to_side(client, superuser):
    client.force_login(superuser)
    rows = [
        {"person": make_person().pk, "side": "", "capacity": "expert", "role": "head"},
        {"person": make_person().pk, "side": "", "capacity": "other", "role": "observer"},
    ]
    response = _refused(client, meeting_form_data(participations=rows))
    assert _inline_errors(response) == [
        {"side": ["Heads and members sit for a side: choose its country."]},
        {},
    ]


def test_refused_change_writes_neither_meeting_nor_rows(client, superuser):
    client.force_login(superuser)
    meeting = make_meeting(title="Before", slug="before", parties=["KP", "US"])
    kept = make_person()
    stray = make_person()
    rows = [
        {"person": kept.pk, "side": "US", "capacity": "expert"},
        {"person": stray.pk, "side": "", "capacity": "expert", "role": "head"},
    ]
    _refused(client, meeting_form_data(meeting, rows, title="After"), url=change_url(meeting))
    meeting.refresh_from_db()
    assert (meeting.title, meeting.participations.count()) == ("Before", 0)


def test_standalone_participation_form_checks_parties(client, superuser):
    client.force_login(superuser)
    meeting = make_meeting(parties=["KP", "US"])
    data = {
        "meeting": meeting.pk,
        "person": make_person().pk,
        "side": "JP",
        "capacity": "expert",
        "role": "member",
        "title_at_time": "",
    }
    response = client.post(reverse("admin:meetings_participation_add"), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["side"]
    assert Participation.objects.count() == 0


def test_second_editor_saving_a_stale_form_gets_an_error(client, editor, publisher):
    meeting = make_meeting(title="Original", slug="original", visibility="confidential")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    # Both open the form: each carries the version they saw.
    client.force_login(editor)
    seen_by_first = client.get(url).context["adminform"].form["seen_updated_at"].value()
    client.force_login(publisher)
    seen_by_second = client.get(url).context["adminform"].form["seen_updated_at"].value()
    assert seen_by_first == seen_by_second == meeting.updated_at.isoformat()

    client.force_login(editor)
    first = meeting_form_data(meeting, title="First edit", seen_updated_at=seen_by_first)
    assert client.post(url, first).status_code == 302

    client.force_login(publisher)
    second = meeting_form_data(meeting, title="Second edit", seen_updated_at=seen_by_second)
    response = client.post(url, second)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [STALE_MESSAGE]
    assert "changed by someone else since you opened it" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "First edit"


def test_saving_a_fresh_form_twice_in_a_row_works(client, editor):
    meeting = make_meeting(title="Original", slug="original")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    client.force_login(editor)
    assert client.post(url, meeting_form_data(meeting, title="One")).status_code == 302
    meeting.refresh_from_db()
    assert client.post(url, meeting_form_data(meeting, title="Two")).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Two"


def test_a_post_without_the_version_is_refused(client, editor):
    meeting = make_meeting(title="Original", slug="original")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    client.force_login(editor)
    data = meeting_form_data(meeting, title="Blind", seen_updated_at="")
    assert client.post(url, data).status_code == 200
    meeting.refresh_from_db()
    assert meeting.title == "Original"


ADD_URL = reverse("admin:meetings_meeting_add")


COUNTRIES_URL = reverse("admin:meetings_meeting_countries")


def _change(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def _sides(meeting):
    meeting.refresh_from_db()
    return [str(party) for party in meeting.parties], meeting.side_tracks, meeting.track


def test_sides_are_the_participants_and_the_other_sides(client, editor):
    client.force_login(editor)
    rows = [
        {"person": make_person().pk, "side": "KP", "capacity": "official", "role": "head"},
        {"person": make_person().pk, "side": "US", "capacity": "expert"},
        {"person": make_person().pk, "side": "SE", "capacity": "other", "role": "facilitator"},
    ]
    data = meeting_form_data(participations=rows, parties=["CN"])
    assert client.post(ADD_URL, data).status_code == 302
    assert _sides(Meeting.objects.get()) == (
        ["CN", "KP", "US"],
        {"CN": None, "KP": "1", "US": "2"},
        "",
    )


def test_a_side_whose_last_participant_goes_is_no_longer_a_side(client, editor):
    meeting = make_meeting(parties=["KP", "US"])
    make_participation(meeting, side="KP", capacity="official")
    leaving = make_participation(meeting, side="US", capacity="expert")
    meeting.refresh_from_db()  # the participants moved its timestamp
    client.force_login(editor)
    rows = existing_rows(meeting)
    next(row for row in rows if row["id"] == leaving.pk)["DELETE"] = "on"
    data = meeting_form_data(meeting, rows, parties=[])
    assert client.post(_change(meeting), data).status_code == 302
    assert _sides(meeting) == (["KP"], {"KP": "1"}, "1")


def test_other_sides_are_the_sides_nobody_is_recorded_for(client, editor):
    meeting = make_meeting(parties=["CN", "KP", "US"])
    make_participation(meeting, side="KP", capacity="official")
    make_participation(meeting, side="CN", capacity="expert", role="observer")
    client.force_login(editor)
    form = client.get(_change(meeting)).context["adminform"].form
    assert form.initial["extra_parties"] == ["CN", "US"]


def _multiple_selects(html):
    """{name: number of options} of every multiple select on the page."""
    found = re.findall(r'<select name="([^"]+)"[^>]*multiple[^>]*>(.*?)</select>', html, re.S)
    return {name: body.count("<option") for name, body in found}


def test_meeting_form_has_no_long_country_list(client, editor):
    meeting = make_meeting(parties=["KP", "US"])
    client.force_login(editor)
    html = client.get(_change(meeting)).content.decode()
    selects = _multiple_selects(html)
    assert selects["extra_parties"] == 2  # the chosen sides only
    assert max(selects.values()) <= 2
    assert 'data-ajax--url="/admin/meetings/meeting/countries/"' in html


def test_other_sides_refuse_what_is_not_a_country(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, meeting_form_data(parties=["KP", "XX"]))
    assert response.context["adminform"].form.errors == {
        "extra_parties": ["Select a valid choice. XX is not one of the available choices."]
    }


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("korea", [("KP", "North Korea"), ("KR", "South Korea")]),
        ("swed", [("SE", "Sweden")]),
        ("zzz", []),
    ],
)
def test_countries_autocomplete_finds_countries_by_name_or_code(client, editor, term, expected):
    client.force_login(editor)
    answer = client.get(COUNTRIES_URL, {"term": term}).json()
    assert [(r["id"], r["text"]) for r in answer["results"]] == expected


def test_countries_autocomplete_puts_the_code_then_names_that_start_so_first(client, editor):
    client.force_login(editor)
    results = client.get(COUNTRIES_URL, {"term": "se"}).json()["results"]
    assert [r["text"] for r in results[:3]] == ["Sweden", "Senegal", "Serbia"]
    assert "Guernsey" in [r["text"] for r in results]


def test_countries_autocomplete_lists_each_country_once(client, editor):
    client.force_login(editor)
    results = client.get(COUNTRIES_URL, {"term": "u"}).json()["results"]
    codes = [result["id"] for result in results]
    assert len(codes) == len(set(codes))
    assert "US" in codes


def test_countries_autocomplete_is_for_staff_who_see_meetings(client, no_group_staff):
    assert client.get(COUNTRIES_URL).status_code == 302  # to the login page
    client.force_login(no_group_staff)
    assert client.get(COUNTRIES_URL).status_code == 403
