"""Dates lie between 1900-01-01 and ten years after today where they are entered; the
database holds 1900-01-01 to 2199-12-31; and a row planted outside both by raw SQL
breaks no public document."""

import datetime
import re
from importlib import import_module
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, Source, Visibility
from people.models import Affiliation
from tests.admin_forms import meeting_form_data
from tests.documents import public_documents, read_document
from tests.factories import (
    make_affiliation,
    make_meeting,
    make_participation,
    make_person,
    make_source,
)
from tests.pages import body, parse

pytestmark = pytest.mark.django_db

DATE_FIELDS = [
    (Meeting, "start_date"),
    (Meeting, "end_date"),
    (Affiliation, "start_date"),
    (Affiliation, "end_date"),
    (Source, "published_on"),
]
CHECKS = [
    ("meetings_meeting", "meetings_meeting_dates_in_range"),
    ("meetings_source", "meetings_source_published_on_in_range"),
    ("people_affiliation", "people_affiliation_dates_in_range"),
]
MAX_CHART_BARS = 80
MAX_LISTING_BYTES = 30_000  # the listing below weighs about 9 KB; 1.7 MB before the fix


def last_entry_date():
    """Ten years after today (28 February for a 29 February)."""
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + 10)
    except ValueError:
        return today.replace(year=today.year + 10, day=28)


def _field_id(case):
    return f"{case[0].__name__}.{case[1]}"


def _clean_date(model, name, value):
    instance = model(**{name: value})
    others = {f.name for f in model._meta.fields if f.name != name}
    instance.clean_fields(exclude=others)


@pytest.mark.parametrize(("model", "name"), DATE_FIELDS, ids=map(_field_id, DATE_FIELDS))
@pytest.mark.parametrize(
    "value",
    [
        datetime.date(1, 1, 1),
        datetime.date(1899, 12, 31),
        "late",
        datetime.date(9999, 12, 31),
    ],
)
def test_full_clean_refuses_dates_outside_the_record(model, name, value):
    if value == "late":
        value = last_entry_date() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _clean_date(model, name, value)
    last = last_entry_date()
    assert error.value.message_dict == {
        name: [f"Enter a date from 1 January 1900 to {last.day} {last:%B %Y}."]
    }


@pytest.mark.parametrize(("model", "name"), DATE_FIELDS, ids=map(_field_id, DATE_FIELDS))
def test_full_clean_accepts_the_first_and_the_last_date(model, name):
    _clean_date(model, name, datetime.date(1900, 1, 1))
    _clean_date(model, name, last_entry_date())


def test_admin_refuses_a_meeting_in_year_9999_next_to_the_field(client, editor):
    meeting = make_meeting(visibility=Visibility.CONFIDENTIAL, start_date=datetime.date(2017, 1, 1))
    client.force_login(editor)
    data = meeting_form_data(meeting, start_date="9999-12-31", date_precision="day")
    response = client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["start_date"]
    assert errors["start_date"][0].startswith("Enter a date from 1 January 1900 to ")
    meeting.refresh_from_db()
    assert meeting.start_date == datetime.date(2017, 1, 1)


def test_admin_refuses_an_affiliation_before_1900_next_to_the_field(client, editor):
    person = make_person()
    affiliation = make_affiliation(person)
    client.force_login(editor)
    data = {"full_name": person.full_name, "slug": person.slug, "country": "US"}
    data |= {
        "affiliations-TOTAL_FORMS": "1",
        "affiliations-INITIAL_FORMS": "1",
        "affiliations-0-id": affiliation.pk,
        "affiliations-0-person": person.pk,
        "affiliations-0-organization": affiliation.organization_id,
        "affiliations-0-role": "Director",
        "affiliations-0-start_date": "0001-01-01",
    }
    response = client.post(reverse("admin:people_person_change", args=[person.pk]), data)
    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert list(formset.formset.errors[0]) == ["start_date"]


def test_import_refuses_a_meeting_in_year_1(client, editor):
    text = "slug,title,date,status,visibility\n"
    text += "m,Talks,0001,held,confidential\n"
    client.force_login(editor)
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    preview = client.post(
        reverse("admin:meetings_meeting_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    [row] = preview.context["result"].invalid_rows
    assert list(row.field_specific_errors) == ["date"]
    assert Meeting.objects.count() == 0


def _execute(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _table_row(table):
    if table == "meetings_meeting":
        return make_meeting(start_date=datetime.date(2000, 1, 1)).pk
    if table == "meetings_source":
        return make_source().pk
    return make_affiliation(make_person()).pk


@pytest.mark.parametrize(("table", "constraint"), CHECKS)
@pytest.mark.parametrize("value", ["1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31"])
def test_database_refuses_dates_it_cannot_hold(table, constraint, value):
    pk = _table_row(table)
    column = "published_on" if table == "meetings_source" else "start_date"
    sql = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        _execute(sql, [value, pk])
    if connection.vendor == "postgresql":
        assert constraint in str(error.value)


@pytest.mark.parametrize(("table", "constraint"), CHECKS)
def test_database_holds_its_last_date(table, constraint):
    pk = _table_row(table)
    column = "published_on" if table == "meetings_source" else "start_date"
    _execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", ["2199-12-31", pk])  # noqa: S608


# --- rows planted outside the range ----------------------------------------------------


def plant(sql, params):
    """Run ``sql`` past the database's date checks, as a row written before they existed
    would be. The test's transaction puts them back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            for table, name in CHECKS:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
            cursor.execute(sql, params)
            return
        cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


@pytest.fixture
def out_of_range(db):
    """Two well-dated public meetings (to the day, so the calendar shows them) and two
    planted in year 1 and on 9999-12-31."""
    berlin = make_meeting(
        slug="berlin", start_date=datetime.date(2017, 10, 1), date_precision="day"
    )
    person = make_person(slug="named")
    make_participation(berlin, person, side="US")
    make_meeting(slug="geneva", start_date=datetime.date(2016, 1, 1), date_precision="day")
    ancient = make_meeting(slug="ancient", start_date=datetime.date(2000, 1, 1))
    far = make_meeting(slug="far", start_date=datetime.date(2020, 5, 1))
    make_participation(far, person, side="US")
    sql = "UPDATE meetings_meeting SET start_date = %s, date_precision = %s WHERE id = %s"
    plant(sql, ["0001-01-01", "year", ancient.pk])
    plant(sql, ["9999-12-31", "day", far.pk])
    assert sorted(Meeting.objects.values_list("start_date__year", flat=True)) == [
        1,
        2016,
        2017,
        9999,
    ]
    return berlin, person


def test_public_documents_survive_dates_outside_the_record(client, out_of_range):
    meeting, person = out_of_range
    for path in public_documents(meeting.get_absolute_url(), person.get_absolute_url()):
        read_document(client, path)
    for slug in ("ancient", "far"):
        read_document(client, f"/meetings/{slug}/")


def test_calendar_skips_only_the_meetings_it_cannot_date(client, out_of_range):
    events = read_document(client, "/meetings/calendar.ics")
    assert [event["UID"].split("@")[0] for event in events] == ["berlin", "geneva"]


def test_exports_keep_every_meeting(client, out_of_range):
    records = read_document(client, "/meetings/export.json")["results"]
    assert [(r["slug"], r["start_date"]) for r in records] == [
        ("far", "9999-12-31"),
        ("berlin", "2017-10-01"),
        ("geneva", "2016-01-01"),
        ("ancient", "0001-01-01"),
    ]
    assert len(read_document(client, "/meetings/export.csv")) == 4


def _year_links(html):
    """Every listing URL the page offers that carries a year: facet links and form options."""
    hrefs = {href for href, _attributes in parse_links(html) if "year=" in href}
    options = re.search(r'<select[^>]*name="year"[^>]*>(.*?)</select>', html, re.S)
    years = re.findall(r'<option value="([^"]*)"', options.group(1)) if options else []
    return hrefs | {f"/meetings/?year={year}" for year in years}


def parse_links(html):
    class Response:
        content = html.encode()

    return parse(Response).links


@pytest.mark.parametrize("query", ["", "?q=Meeting", "?status=reported"])
def test_listing_offers_only_year_links_that_answer(client, out_of_range, query):
    html = body(client.get(f"/meetings/{query}"))
    links = _year_links(html)
    offered = {year for link in links for year in parse_qs(urlsplit(link).query)["year"]}
    assert offered == {"2016", "2017"}
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)


def test_listing_chart_and_page_stay_small_across_ten_thousand_years(client, out_of_range):
    html = body(client.get("/meetings/"))
    assert html.count('class="year-chart__bar"') <= MAX_CHART_BARS
    assert len(html.encode()) < MAX_LISTING_BYTES


def test_year_filter_still_finds_a_planted_year(client, out_of_range):
    response = client.get("/meetings/", {"year": "9999"})
    assert response.status_code == 200
    assert 'data-total="1"' in body(response)


# --- the migrations that add the checks ------------------------------------------------


def test_migrations_stop_on_dates_already_outside_the_range(out_of_range):
    affiliation = make_affiliation(make_person())
    sql = "UPDATE people_affiliation SET end_date = %s WHERE id = %s"
    plant(sql, ["2300-01-01", affiliation.pk])
    meetings_check = import_module("meetings.migrations.0009_dates_in_range")
    with pytest.raises(RuntimeError) as error:
        meetings_check.refuse_dates_out_of_range(django_apps, None)
    ancient, far = (Meeting.objects.get(slug=slug).pk for slug in ("ancient", "far"))
    assert str(error.value).splitlines()[1:] == [
        f"Meeting {ancient}: start_date 0001-01-01",
        f"Meeting {far}: start_date 9999-12-31",
    ]
    people_check = import_module("people.migrations.0003_dates_in_range")
    with pytest.raises(RuntimeError) as error:
        people_check.refuse_dates_out_of_range(django_apps, None)
    assert str(error.value).splitlines()[1:] == [
        f"Affiliation {affiliation.pk}: end_date 2300-01-01"
    ]
