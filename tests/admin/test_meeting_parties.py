"""A meeting's sides follow its participants: every head's and member's side is a side;
staff add a side nobody is recorded for by typing its name (an autocomplete, not a list
of 250 countries)."""

import re

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.admin.helpers import existing_rows, meeting_form_data
from tests.factories import make_meeting, make_participation, make_person

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
