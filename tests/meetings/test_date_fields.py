"""A meeting's dates are entered as the sources give them: a year, then a month and a day
if they say; the start date and its precision follow, and impossible dates are refused
next to the field."""

import datetime

import pytest
from django.urls import reverse

from backchannel.records import last_entry_date
from meetings.models import Meeting
from tests.admin_forms import meeting_form_data
from tests.factories import make_meeting

ADD_URL = reverse("admin:meetings_meeting_add")


def _day(value):
    return f"{value.day} {value:%B %Y}"


def _parts(start=("", "", ""), end=("", "", "")):
    names = ["start_date_year", "start_date_month", "start_date_day"]
    names += ["end_date_year", "end_date_month", "end_date_day"]
    return dict(zip(names, [*start, *end], strict=True))


def _post(client, user, start=("", "", ""), end=("", "", "")):
    client.force_login(user)
    data = meeting_form_data() | _parts(start, end)
    return client.post(ADD_URL, data)


@pytest.mark.parametrize(
    ("start", "end", "stored"),
    [
        (("2019", "", ""), ("", "", ""), (datetime.date(2019, 1, 1), "year", None)),
        (("2019", "3", ""), ("", "", ""), (datetime.date(2019, 3, 1), "month", None)),
        (("2019", "3", "15"), ("", "", ""), (datetime.date(2019, 3, 15), "day", None)),
        (
            ("2019", "3", "15"),
            ("2019", "3", "17"),
            (datetime.date(2019, 3, 15), "day", datetime.date(2019, 3, 17)),
        ),
        (
            ("2019", "3", ""),
            ("2019", "4", ""),
            (datetime.date(2019, 3, 1), "month", datetime.date(2019, 4, 30)),
        ),
        (("", "", ""), ("", "", ""), (None, "unknown", None)),
    ],
)
def test_meeting_dates_from_their_parts(client, editor, start, end, stored):
    assert _post(client, editor, start, end).status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.start_date, meeting.date_precision, meeting.end_date) == stored


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        (("2019", "4", "31"), ("", "", ""), {"start_date": ["April 2019 has 30 days."]}),
        (
            ("2019", "", "15"),
            ("", "", ""),
            {"start_date": ["Give the month as well, or leave the day empty."]},
        ),
        (("", "3", ""), ("", "", ""), {"start_date": ["Give the year as well."]}),
        (("20x9", "", ""), ("", "", ""), {"start_date": ["Enter a whole number."]}),
        (
            ("99999", "", ""),
            ("", "", ""),
            {"start_date": ["Give the year in four digits, such as 2019."]},
        ),
        (("2019", "3", "9" * 30), ("", "", ""), {"start_date": ["March 2019 has 31 days."]}),
        (
            ("2019", "13", ""),
            ("", "", ""),
            {"start_date": ["Select a valid choice. 13 is not one of the available choices."]},
        ),
        (
            ("1899", "", ""),
            ("", "", ""),
            {"start_date": [f"Enter a date from 1 January 1900 to {_day(last_entry_date())}."]},
        ),
        (("", "", ""), ("2019", "", ""), {"end_date": ["An end needs a date to start from."]}),
        (
            ("2019", "3", ""),
            ("2019", "", ""),
            {"end_date": ["Give the end as precisely as the date (to the month)."]},
        ),
        (
            ("2019", "3", "15"),
            ("2019", "3", "14"),
            {"end_date": ["The end cannot be before the date."]},
        ),
        (("2019", "2", ""), ("2019", "2", "30"), {"end_date": ["February 2019 has 28 days."]}),
    ],
)
def test_impossible_dates_are_refused_next_to_the_field(client, editor, start, end, errors):
    response = _post(client, editor, start, end)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == errors
    assert not Meeting.objects.exists()


def test_change_form_shows_the_stored_date_in_its_parts(client, editor):
    meeting = make_meeting(
        start_date=datetime.date(2019, 3, 1),
        end_date=datetime.date(2019, 4, 30),
        date_precision="month",
    )
    client.force_login(editor)
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    form = page.context["adminform"].form
    assert (str(form["start_date"].value()), str(form["end_date"].value())) == (
        "2019-03",
        "2019-04",
    )
    html = page.content.decode()
    assert 'name="start_date_year" value="2019"' in html
    assert '<option value="3" selected>March</option>' in html


def test_saving_a_change_form_unchanged_keeps_the_dates(client, editor):
    meeting = make_meeting(start_date=datetime.date(2016, 1, 1), date_precision="year")
    client.force_login(editor)
    data = meeting_form_data(meeting)
    assert (
        client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert (meeting.start_date, meeting.date_precision, meeting.date_display) == (
        datetime.date(2016, 1, 1),
        "year",
        "2016",
    )


def test_admin_shows_an_undated_meeting_as_date_unknown(client, viewer):
    meeting = make_meeting(title="Undated talks", start_date=None)
    client.force_login(viewer)
    listing = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert '<td class="field-date">date unknown</td>' in listing
    assert page.context["adminform"].form.initial["start_date"] is None
    when = _readonly(page, "when")
    assert (when, "Day" in page.content.decode()) == ("date unknown", False)


def _readonly(response, name):
    for fieldset in response.context["adminform"]:
        for line in fieldset:
            for field in line:
                if field.field["name"] == name:
                    return field.contents()
    raise AssertionError(f"no read-only {name} on the page")
