"""Driving the admin in tests: form POST data, merges, imports and exports, change-list
filters, and telling whether a request wrote."""

import csv
import io

from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse, reverse_lazy
from import_export.formats.base_formats import CSV

PEOPLE_CHANGELIST = reverse_lazy("admin:people_person_changelist")


def merge_action(client, people, **extra):
    """Post the people list's merge action for ``people``, following redirects."""
    data = {"action": "merge_people", ACTION_CHECKBOX_NAME: [p.pk for p in people]} | extra
    return client.post(PEOPLE_CHANGELIST, data, follow=True)


def database_state():
    """Every row the apps, their history tables and the admin log hold."""
    tables = [*apps.get_app_config("people").get_models(), LogEntry]
    tables += apps.get_app_config("meetings").get_models()
    return {m._meta.label: list(m._default_manager.order_by("pk").values()) for m in tables}


def date_parts(name, iso, precision):
    """The three inputs of a date entered in parts, from an ISO date and its precision."""
    year, month, day = [*iso.split("-"), "", ""][:3] if iso else ("", "", "")
    kept = {"year": 1, "month": 2}.get(precision, 3)
    parts = [*[year, month.lstrip("0"), day.lstrip("0")][:kept], "", ""]
    return dict(zip([f"{name}_year", f"{name}_month", f"{name}_day"], parts, strict=False))


def meeting_form_data(meeting=None, participations=(), organizers=(), **overrides):
    """POST data for the meeting add or change form, with its participation inline.

    ``participations`` are dicts of inline fields; an ``id`` key marks an existing row.
    Dates may be given as ``start_date``/``end_date`` ISO strings with ``date_precision``
    (turned into the form's year, month and day inputs), and ``parties`` are posted as
    the form's other sides.
    """
    data = {
        "title": "Talks in Berlin",
        "slug": "talks-in-berlin",
        "series": "",
        "status": "held",
        "visibility": "confidential",
        "date_precision": "month",
        "start_date": "2017-10-01",
        "end_date": "",
        "city": "",
        "venue": "",
        "occasion": "",
        "parties": ["KP", "US"],
        "track_override": "",
        "summary": "",
        "internal_notes": "",
        "review_note": "",
    }
    if meeting is not None:
        data |= {
            "title": meeting.title,
            "slug": meeting.slug,
            "status": meeting.status,
            "visibility": meeting.visibility,
            "date_precision": meeting.date_precision,
            "start_date": meeting.start_date.isoformat() if meeting.start_date else "",
            "end_date": meeting.end_date.isoformat() if meeting.end_date else "",
            "parties": [str(party) for party in meeting.parties],
            "track_override": meeting.track_override,
            "topics": [topic.pk for topic in meeting.topics.all()],
            "sources": [source.pk for source in meeting.sources.all()],
            "seen_updated_at": meeting.updated_at.isoformat(),
        }
    data |= overrides
    precision = data.pop("date_precision")
    data |= date_parts("start_date", data.pop("start_date"), precision)
    data |= date_parts("end_date", data.pop("end_date"), precision)
    data["extra_parties"] = data.pop("parties")
    rows = list(participations)
    initial = sum(1 for row in rows if row.get("id"))
    data |= {
        "participations-TOTAL_FORMS": str(len(rows)),
        "participations-INITIAL_FORMS": str(initial),
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        fields = {"role": "member", "side": "", "title_at_time": "", "person": ""} | row
        for name, value in fields.items():
            if name == "anonymised" and not value:
                continue
            data[f"participations-{index}-{name}"] = "" if value is None else value
    data |= inline_rows("organizer_links", list(organizers))
    return {key: value for key, value in data.items() if value is not None}


def inline_rows(prefix, rows):
    """A tabular inline's management form and rows (an ``id`` key marks a saved row)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def existing_rows(meeting, **changes):
    """Inline rows for a meeting's saved participations, as its change form posts them."""
    return [
        {
            "id": p.pk,
            "meeting": meeting.pk,
            "person": p.person_id,
            "side": str(p.side),
            "capacity": p.capacity,
            "role": p.role,
            "anonymised": p.anonymised,
        }
        | changes
        for p in meeting.participations.order_by("pk")
    ]


def filter_choices(response, title):
    """The choices a change list offers in its filter titled ``title``."""
    spec = next(s for s in response.context["cl"].filter_specs if s.title == title)
    return [choice["display"] for choice in spec.choices(response.context["cl"])]


def upload_csv(client, model, text):
    """Post ``text`` as a CSV file to the import page of ``model`` (e.g. "meetings_meeting")."""
    url = reverse(f"admin:{model}_import")
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})


def confirm_import(client, model, preview):
    """Confirm the import a preview page offers, following redirects."""
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:{model}_process_import"), data, follow=True)


def import_row_errors(preview):
    """{row number: {field: [messages]}} of a preview's invalid rows."""
    result = preview.context["result"]
    return {
        row.number: {
            field: [str(e) for e in errors] for field, errors in row.field_specific_errors.items()
        }
        for row in result.invalid_rows
    }


def exported_rows(resource, queryset):
    """The rows ``resource`` exports from ``queryset``, as CSV dicts."""
    text = CSV().export_data(resource.export(queryset))
    return list(csv.DictReader(io.StringIO(text)))
