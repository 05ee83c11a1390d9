import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import CSV

from backchannel.text import formula_safe
from meetings.models import Meeting
from meetings.resources import MeetingResource
from people.models import Person
from people.resources import PersonResource
from tests.factories import make_berlin_meeting, make_city, make_person, make_topic

HEADER = "slug,title,date,city,status,parties,track_override,visibility,topics"


def _upload(client, model, text):
    url = reverse(f"admin:{model}_import")
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})


def _confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:{model}_process_import"), data, follow=True)


def _row_errors(preview):
    result = preview.context["result"]
    return {
        row.number: {
            field: [str(e) for e in errors] for field, errors in row.field_specific_errors.items()
        }
        for row in result.invalid_rows
    }


@pytest.fixture
def places(db):
    make_city(name="Berlin", slug="berlin", country="DE")
    make_topic(name="Sanctions", slug="sanctions")


def test_meeting_import_previews_then_writes_and_derives_the_track(client, publisher, places):
    existing = make_berlin_meeting(slug="berlin-2017", title="Old title", track_override="")
    text = "\n".join(
        [
            HEADER,
            'berlin-2017,Berlin talks,2017-10,berlin,held,"KP,US",,public,sanctions',
            'oslo-2018,Oslo talks,2018,,reported,"KP,US",2,confidential,',
        ]
    )
    client.force_login(publisher)
    preview = _upload(client, "meetings_meeting", text)
    assert preview.status_code == 200
    assert _row_errors(preview) == {}
    assert Meeting.objects.count() == 1  # the preview wrote nothing
    _confirm(client, "meetings_meeting", preview)
    existing.refresh_from_db()
    assert (existing.title, existing.track, existing.visibility) == (
        "Berlin talks",
        "1.5",
        "public",
    )
    assert list(existing.topics.values_list("slug", flat=True)) == ["sanctions"]
    oslo = Meeting.objects.get(slug="oslo-2018")
    assert (oslo.track, oslo.side_tracks, oslo.date_display) == (
        "2",
        {"KP": None, "US": None},
        "2018",
    )


def test_meeting_import_with_one_bad_row_lists_errors_and_writes_nothing(client, publisher, places):
    text = "\n".join(
        [
            HEADER,
            'good,Good talks,2017-10,berlin,held,"KP,US",,confidential,',
            'bad-date,Bad date,2017-04-31,berlin,held,"KP,US",,confidential,',
            'bad-country,Bad country,,nowhere,held,"KP,XX",,confidential,',
        ]
    )
    client.force_login(publisher)
    preview = _upload(client, "meetings_meeting", text)
    assert "confirm_form" not in preview.context
    assert _row_errors(preview) == {
        2: {"date": ["April 2017 has 30 days."]},
        3: {
            "city": ["No city with slug “nowhere”."],
            "parties": ["Unknown country code(s): XX."],
        },
    }
    assert Meeting.objects.count() == 0


def test_editor_cannot_publish_through_an_import(client, editor, places):
    text = HEADER + '\nleak,Leak,,,held,"KP,US",,public,'
    client.force_login(editor)
    preview = _upload(client, "meetings_meeting", text)
    assert _row_errors(preview) == {
        1: {
            "visibility": [
                "Only publishers can change a meeting's visibility (it stays confidential)."
            ]
        }
    }
    assert Meeting.objects.count() == 0


def test_viewer_cannot_import(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("admin:meetings_meeting_import")).status_code == 403
    assert client.get(reverse("admin:people_person_import")).status_code == 403


def test_person_import_refuses_every_row_when_one_fails(client, editor):
    text = "slug,full_name,country\nkim,Kim Kye Gwan,KP\nnobody,,ZZ\n"
    client.force_login(editor)
    preview = _upload(client, "people_person", text)
    assert "confirm_form" not in preview.context
    assert sorted(_row_errors(preview)[2]) == ["country", "full_name"]
    assert Person.objects.count() == 0


def test_person_import_creates_people(client, editor):
    text = "slug,full_name,other_names,country\nkim,Kim Kye Gwan,Kim Gye-gwan,KP\n"
    client.force_login(editor)
    _confirm(client, "people_person", _upload(client, "people_person", text))
    person = Person.objects.get()
    assert (person.full_name, person.other_names, str(person.country)) == (
        "Kim Kye Gwan",
        "Kim Gye-gwan",
        "KP",
    )


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        # Leading blanks some spreadsheets trim before they look for a formula.
        (" =1+1", "' =1+1"),
        ("\u00a0=1+1", "'\u00a0=1+1"),  # no-break space
        ("\u3000+1", "'\u3000+1"),  # ideographic space
        ("\u200b@SUM(A1)", "'\u200b@SUM(A1)"),  # zero-width space
        ("\ufeff-1", "'\ufeff-1"),  # byte-order mark
        ("\x01=1", "'\x01=1"),
        # Full-width and small signs, = + - @ after NFKC normalisation.
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("\ufe66cmd", "'\ufe66cmd"),
        # A tab or a line break first, whatever follows.
        ("\tplain", "'\tplain"),
        ("\rplain", "'\rplain"),
        ("\nplain", "'\nplain"),
        ("\n=1", "'\n=1"),
        # Text that only contains a sign later stays as it is.
        ("Plain title", "Plain title"),
        (" Plain title", " Plain title"),
        ("E=mc2", "E=mc2"),
        ("1+1", "1+1"),
        ("Kim Kye-gwan", "Kim Kye-gwan"),
        ("김계관", "김계관"),
        ("", ""),
        (None, None),
        (2017, 2017),
    ],
)
def test_formula_safe(value, exported):
    assert formula_safe(value) == exported


def test_admin_export_quotes_formulas_behind_blanks(db):
    make_person(full_name="\u00a0=cmd", bio="\x0c=1+1", slug="kim")
    [row] = _exported_rows(PersonResource(), Person.objects.all())
    assert (row["full_name"], row["bio"]) == ("'\u00a0=cmd", "' =1+1")


def _exported_rows(resource, queryset):
    text = CSV().export_data(resource.export(queryset))
    return list(csv.DictReader(io.StringIO(text)))


def test_meeting_export_cannot_carry_formulas(db):
    make_berlin_meeting(title="=cmd|' /C calc'!A0", venue="@evil", slug="m")
    rows = _exported_rows(MeetingResource(), Meeting.objects.all())
    assert [(r["title"], r["track"], r["parties"]) for r in rows] == [
        ("'=cmd|' /C calc'!A0", "1.5", "KP,US")
    ]


def test_person_export_cannot_carry_formulas(db):
    make_person(full_name="+Kim", other_names="-Kim\n@Kim", slug="kim")
    rows = _exported_rows(PersonResource(), Person.objects.all())
    assert [(r["full_name"], r["other_names"]) for r in rows] == [("'+Kim", "'-Kim\n@Kim")]
    assert "internal_notes" not in rows[0]


def test_admin_export_of_meetings_is_escaped(client, viewer):
    make_berlin_meeting(title="=1+1", slug="m")
    client.force_login(viewer)
    fields = {f"meetingresource_{name}": "on" for name in ("slug", "title", "track")}
    response = client.post(
        reverse("admin:meetings_meeting_export"), {"format": "0", "resource": "0", **fields}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [{"slug": "m", "title": "'=1+1", "track": "1.5"}]


def test_import_page_does_not_offer_the_derived_track(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:meetings_meeting_import"))
    [(_, columns)] = page.context["fields_list"]
    assert "track" not in columns
    assert "track_override" in columns
