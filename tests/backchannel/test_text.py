"""Characters XML 1.0 forbids: cleaned or refused where text is entered (full_clean, the
admin, the CSV import), and cleaned on the way out for rows that got in another way."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import reverse
from django_countries.fields import CountryField
from hypothesis import given
from hypothesis import strategies as st

from backchannel.text import (
    formula_safe,
    spreadsheet_cell,
    spreadsheet_row,
    xml_safe_data,
    xml_safe_json,
)
from meetings.models import Meeting, Visibility
from people.models import Person
from tests.admin_forms import meeting_form_data
from tests.documents import NOT_XML, public_documents, read_document
from tests.factories import (
    make_meeting,
    make_participation,
    make_person,
)

pytestmark = pytest.mark.django_db

# Pasted from a PDF: form feed and vertical tab for page and line breaks, and stray controls.
PASTED = "Page one\x0cPage two\x0bLine end\x1f\x02."
PASTED_AS_LINES = "Page one\nPage two\nLine end."
PASTED_AS_ONE_LINE = "Page one Page two Line end."
# Signs of a file in another encoding or of binary data: refused with the code point.
REFUSED = {"\x00": "U+0000", "\ufffe": "U+FFFE", "\uffff": "U+FFFF", "\ud800": "U+D800"}


def _entered_text_fields():
    """(model, field) for every text field staff enter, in both apps."""
    for label in ("people", "meetings"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name.startswith("historical"):
                continue
            for field in model._meta.concrete_fields:
                entered = field.editable and not getattr(field, "multiple", False)
                if entered and isinstance(field, models.CharField | models.TextField):
                    yield model, field


TEXT_FIELDS = list(_entered_text_fields())
# A country field reads back as a Country, whose choices refuse any code with a control in it.
CLEANED_FIELDS = [(m, f) for m, f in TEXT_FIELDS if not isinstance(f, CountryField)]
COUNTRY_FIELDS = [(m, f) for m, f in TEXT_FIELDS if isinstance(f, CountryField)]
FREE_TEXT_FIELDS = [
    (model, field)
    for model, field in TEXT_FIELDS
    if not field.choices
    and not isinstance(field, models.SlugField | models.URLField)
    and (field.max_length or len(PASTED)) >= len(PASTED)
]


def _sample(field):
    """A valid value for the field."""
    if field.choices:
        return str(field.choices[0][0])
    if isinstance(field, models.URLField):
        return "https://example.org/report"
    if isinstance(field, models.SlugField):
        return "talks-in-berlin"
    return "Talks in Berlin"[: field.max_length]


def _clean_one(model, field, value):
    instance = model(**{field.attname: value})
    others = {f.name for f in model._meta.fields if f.name != field.name}
    instance.clean_fields(exclude=others)
    return getattr(instance, field.attname)


def _field_id(case):
    model, field = case
    return f"{model._meta.label}.{field.name}"


def test_every_text_field_of_the_record_is_covered():
    names = {_field_id(case) for case in TEXT_FIELDS}
    assert {"meetings.Meeting.summary", "people.Person.full_name", "meetings.Quote.text"} <= names
    assert "meetings.PublicMeetingCount.track" in names  # no exception: every model


@pytest.mark.parametrize(("model", "field"), CLEANED_FIELDS, ids=map(_field_id, CLEANED_FIELDS))
def test_full_clean_removes_stray_controls_from_every_text_field(model, field):
    sample = _sample(field)
    assert _clean_one(model, field, sample[:2] + "\x02\x1b" + sample[2:]) == sample


@pytest.mark.parametrize(("model", "field"), COUNTRY_FIELDS, ids=map(_field_id, COUNTRY_FIELDS))
def test_full_clean_refuses_a_country_code_with_a_control(model, field):
    with pytest.raises(ValidationError) as error:
        _clean_one(model, field, "K\x02P")
    assert list(error.value.message_dict) == [field.name]


@pytest.mark.parametrize(("model", "field"), FREE_TEXT_FIELDS, ids=map(_field_id, FREE_TEXT_FIELDS))
def test_full_clean_turns_pasted_breaks_into_lines_or_spaces(model, field):
    expected = PASTED_AS_LINES if isinstance(field, models.TextField) else PASTED_AS_ONE_LINE
    assert _clean_one(model, field, PASTED) == expected


@pytest.mark.parametrize(("model", "field"), FREE_TEXT_FIELDS, ids=map(_field_id, FREE_TEXT_FIELDS))
@pytest.mark.parametrize("character", REFUSED)
def test_full_clean_refuses_characters_of_another_encoding(model, field, character):
    with pytest.raises(ValidationError) as error:
        _clean_one(model, field, f"Talks{character} in Berlin")
    [message] = error.value.message_dict[field.name]
    assert REFUSED[character] in message
    assert "position 6" in message


def test_admin_save_cleans_a_summary_pasted_from_a_pdf(client, editor):
    meeting = make_meeting(visibility=Visibility.CONFIDENTIAL)
    client.force_login(editor)
    data = meeting_form_data(meeting, summary=PASTED, venue="Hotel\x0cAdlon")
    response = client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.summary, meeting.venue) == (PASTED_AS_LINES, "Hotel Adlon")


def test_admin_save_refuses_a_noncharacter_next_to_the_field(client, editor):
    person = make_person(full_name="Kim Kye Gwan")
    client.force_login(editor)
    data = {"full_name": "Kim\ufffe Kye Gwan", "slug": person.slug, "country": "KP"}
    data |= {"affiliations-TOTAL_FORMS": "0", "affiliations-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:people_person_change", args=[person.pk]), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["full_name"]
    assert "U+FFFE" in errors["full_name"][0]
    person.refresh_from_db()
    assert person.full_name == "Kim Kye Gwan"


def _import(client, model, text):
    url = reverse(f"admin:{model}_import")
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    preview = client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    assert preview.status_code == 200
    return preview


def _confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:{model}_process_import"), data, follow=True)


def test_import_cleans_pasted_breaks(client, editor):
    text = f'slug,full_name,bio,country\nkim,Kim\x0bKye Gwan,"{PASTED}",KP\n'
    client.force_login(editor)
    _confirm(client, "people_person", _import(client, "people_person", text))
    person = Person.objects.get()
    assert (person.full_name, person.bio) == ("Kim Kye Gwan", PASTED_AS_LINES)


def test_import_refuses_a_row_with_a_noncharacter_naming_the_field(client, editor):
    text = "slug,title,date_precision,status,visibility\nm,Talks\ufffe,day,held,confidential\n"
    client.force_login(editor)
    preview = _import(client, "meetings_meeting", text)
    assert "confirm_form" not in preview.context
    [row] = preview.context["result"].invalid_rows
    assert list(row.field_specific_errors) == ["title"]
    assert "U+FFFE" in str(row.field_specific_errors["title"][0])
    assert Meeting.objects.count() == 0


# --- rows that got in without full_clean -----------------------------------------------

PLANTED = "Talks\x0bin\x0cBerlin\x01\x1f\ufffe\uffff"


@pytest.fixture
def planted(db):
    """A public meeting and a public person whose text carries characters XML forbids,
    written by raw SQL as a bulk load or a script could."""
    meeting = make_meeting(  # dated to the day: the calendar shows it
        slug="planted", start_date=datetime.date(2017, 10, 1), date_precision="day"
    )
    person = make_person(slug="planted-person")
    make_participation(meeting, person, side="US", title_at_time="Adviser")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meetings_meeting SET title = %s, summary = %s, venue = %s WHERE id = %s",
            [PLANTED, f"Summary {PLANTED}", f"Venue {PLANTED}", meeting.pk],
        )
        cursor.execute(
            "UPDATE people_person SET full_name = %s WHERE id = %s", [f"Kim {PLANTED}", person.pk]
        )
    assert NOT_XML.search(Meeting.objects.get(pk=meeting.pk).title)
    return meeting, person


def test_public_documents_stay_well_formed_with_planted_characters(client, planted):
    meeting, person = planted
    for path in public_documents(meeting.get_absolute_url(), person.get_absolute_url()):
        read_document(client, path)


def test_feed_keeps_the_planted_entry_readable(client, planted):
    feed = read_document(client, "/meetings/feed/")
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    assert titles == ["Talks in Berlin"]


def test_exports_keep_the_planted_row_readable(client, planted):
    [record] = read_document(client, "/meetings/export.json")["results"]
    assert (record["title"], record["venue"]) == ("Talks in Berlin", "Venue Talks in Berlin")
    assert record["participants"][0]["name"] == "Kim Talks in Berlin"
    [row] = read_document(client, "/meetings/export.csv")
    assert (row["title"], row["participants"]) == (
        "Talks in Berlin",
        "Kim Talks in Berlin (an expert, United States)",
    )
    [event] = read_document(client, "/meetings/calendar.ics")
    assert (event["SUMMARY"], event["LOCATION"]) == ("Talks in Berlin", "Venue Talks in Berlin")


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


@given(st.lists(st.one_of(st.none(), st.text(), st.integers(), st.dates()), max_size=20))
def test_a_row_is_guarded_as_each_of_its_cells_would_be(values):
    """The exports' fast path (spreadsheet_row) is the one guard, a row at a time."""
    expected = [spreadsheet_cell("" if value is None else str(value)) for value in values]
    assert spreadsheet_row(values) == expected


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text()),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.lists(JSON_VALUES, max_size=6))
def test_json_is_cleaned_as_each_value_would_be(values):
    """The JSON export's fast path: encoded as they are unless the text shows an escaped
    character XML forbids, the same bytes as cleaning every value first."""
    encode = json.JSONEncoder().encode
    expected = ",".join(encode(xml_safe_data(value)) for value in values)
    assert xml_safe_json(values, encode) == expected


def test_a_row_with_one_forbidden_character_cleans_only_that_cell():
    row = ["=1+1", "plain", "bell\x07", "-3", None, 2017]
    assert spreadsheet_row(row) == ["'=1+1", "plain", "bell", "'-3", "", "2017"]
